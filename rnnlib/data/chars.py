"""Turning text into integer ids and padded batches.

For character models the vocabulary is the course's: ``sorted(set(text))``, so for the lowercased
dinosaur names ``'\\n'`` is id 0 and ``'a'``...``'z'`` are 1...26.  A name is trained as
``X = [start, c1, ..., cn]`` and ``Y = [c1, ..., cn, '\\n']``, where the start input is the zero
vector (id -1) exactly as the course's ``X = [None] + ...``.
"""
import numpy as np

from ..core.checks import check_ids, check_int, check_real, check_sequence, check_text
from ..errors import CorpusError, VocabularyError

START = -1  # input id meaning "no input": the zero vector the course feeds first
PAD = -1  # target id meaning "padding": ignored by the loss


class CharVocab:
    """A character vocabulary: ``chars[i]`` is the character with id ``i``.

    ``char_to_ix`` and ``ix_to_char`` are the course's dicts.
    """

    def __init__(self, chars):
        if chars is None or not hasattr(chars, "__iter__") or isinstance(chars, (bytes, dict)):
            raise VocabularyError(f"CharVocab: chars must be a list of characters (or a string), got {type(chars).__name__}")
        chars = list(chars)
        if len(chars) < 2:
            raise VocabularyError(f"a vocabulary needs at least 2 characters, got {chars!r}")
        if not all(isinstance(c, str) and len(c) == 1 for c in chars):
            raise VocabularyError("vocabulary entries must be single characters")
        if len(set(chars)) != len(chars):
            raise VocabularyError("vocabulary characters must be unique")
        self.chars = chars
        self.char_to_ix = {c: i for i, c in enumerate(chars)}
        self.ix_to_char = dict(enumerate(chars))

    @classmethod
    def from_text(cls, text):
        """The course's vocabulary: every distinct character of ``text``, sorted."""
        check_text("text", text, "CharVocab.from_text", error=CorpusError)
        if not text or not text.strip():
            raise CorpusError("cannot build a vocabulary from an empty or whitespace-only text")
        return cls(sorted(set(text)))

    def __len__(self):
        return len(self.chars)

    def __repr__(self):
        return f"CharVocab({''.join(self.chars)!r})"

    def __eq__(self, other):
        return isinstance(other, CharVocab) and other.chars == self.chars

    def unknown(self, text):
        """Characters of ``text`` that are not in the vocabulary, sorted."""
        check_text("text", text, "CharVocab.unknown")
        return sorted(set(text) - set(self.char_to_ix))

    def encode(self, text):
        """Ids of ``text``'s characters as an int64 array; VocabularyError names unknown characters."""
        check_text("text", text, "CharVocab.encode")
        missing = self.unknown(text)
        if missing:
            raise VocabularyError(
                f"{''.join(missing)!r} not in the vocabulary {''.join(self.chars)!r}"
                f" (text: {text[:40]!r}{'...' if len(text) > 40 else ''})"
            )
        return np.fromiter((self.char_to_ix[c] for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids):
        """The string for a sequence of ids."""
        if not isinstance(ids, np.ndarray) or ids.dtype.kind not in "iu":
            ids = check_ids("ids", ids, "CharVocab.decode")
        elif ids.ndim != 1:
            raise VocabularyError(f"CharVocab.decode: ids must be a flat sequence, got shape {ids.shape}")
        try:
            return "".join(self.ix_to_char[int(i)] for i in ids)
        except KeyError as e:
            raise VocabularyError(f"id {e.args[0]} is not in the vocabulary (ids run 0..{len(self) - 1})") from None


def split_names(text):
    """One name per line, stripped, empty lines dropped; CorpusError if nothing is left."""
    check_text("text", text, "split_names", error=CorpusError)
    names = [line.strip() for line in text.split("\n")]
    names = [n for n in names if n]
    if not names:
        raise CorpusError("the corpus has no non-empty lines")
    return names


def names_to_batch(names, vocab, end="\n"):
    """Pad a list of names into one batch for ``rnnlib.core.lm``.

    names: list of m strings.  Returns (X, Y), each (T, m) int64 with T = longest name + 1:
    X[:, j] = [START, ids of name j, START...] and Y[:, j] = [ids of name j, id of ``end``, PAD...].
    """
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise CorpusError(f"names_to_batch: names must be a list of strings, got {type(names).__name__}")
    if not names:
        raise CorpusError("names_to_batch: no names given")
    if not isinstance(vocab, CharVocab):
        raise VocabularyError(f"names_to_batch: vocab must be a CharVocab, got {type(vocab).__name__}")
    for n in names:
        check_text("each name", n, "names_to_batch", error=CorpusError)
    check_text("end", end, "names_to_batch")
    if len(end) != 1:
        raise VocabularyError(f"names_to_batch: end must be one character, got {end!r}")
    return pad_ids([vocab.encode(n) for n in names], int(vocab.encode(end)[0]))


def pad_ids(sequences, end_id):
    """``names_to_batch`` for names already encoded: a list of m int arrays -> (X, Y), each (T, m)."""
    if not isinstance(sequences, (list, tuple)) or not sequences:
        raise CorpusError(f"pad_ids: sequences must be a non-empty list of id arrays, got {sequences!r:.60}")
    sequences = [check_ids("each sequence", s, "pad_ids") for s in sequences]
    end_id = check_int("end_id", end_id, "pad_ids", error=VocabularyError)
    if np.iinfo(np.int64).max < end_id or end_id < np.iinfo(np.int64).min:
        raise VocabularyError(f"pad_ids: end_id {end_id} does not fit an int64 id")
    T = max(len(s) for s in sequences) + 1
    X = np.full((T, len(sequences)), START, dtype=np.int64)
    Y = np.full((T, len(sequences)), PAD, dtype=np.int64)
    for j, ids in enumerate(sequences):
        X[1 : len(ids) + 1, j] = ids
        Y[: len(ids), j] = ids
        Y[len(ids), j] = end_id
    return X, Y


def train_val_split(items, val_fraction=0.1, seed=0):
    """Shuffle ``items`` with ``np.random.default_rng(seed)`` and hold out ``val_fraction`` of them.

    Repeated items are kept once (first occurrence), so nothing is in both sets: the dinosaur list
    names 11 dinosaurs twice, and a held-out name the model trained on would flatter it.
    Returns (train, val) lists; val has round(len * val_fraction) distinct items (at least 1 when
    the fraction is positive and there are 2+ items).
    """
    # Each distinct item is its own group of one: grouped_split's shuffle of groups is then
    # exactly a shuffle of the distinct items.
    if items is None or isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise CorpusError(f"train_val_split: items must be a list, got {type(items).__name__}")
    try:
        distinct = list(dict.fromkeys(items))
    except TypeError:
        raise CorpusError("train_val_split: items must be hashable (strings, numbers, tuples)") from None
    return grouped_split(distinct, val_fraction=val_fraction, seed=seed)


def grouped_split(items, key=None, val_fraction=0.1, seed=0):
    """Split ``items`` into (train, val) lists so that items with the same ``key`` stay together.

    key: a function item -> group (None: the item itself).  The distinct groups, in first-seen
        order, are shuffled with ``np.random.default_rng(seed)``; the first round(n_groups *
        val_fraction) of them (at least 1 when the fraction is positive and there are 2+ groups)
        go to val, the rest to train.  So ``val_fraction`` counts groups, not items.
    Every item is kept (repeats included); within a group, items keep their input order, and the
    groups appear in shuffled order.  CorpusError for a fraction outside [0, 1), a bad seed, or
    nothing left to train on.
    """
    val_fraction = check_real("val_fraction", val_fraction, "grouped_split", error=CorpusError)
    if not 0 <= val_fraction < 1:
        raise CorpusError(f"val_fraction must be in [0, 1), got {val_fraction}")
    if key is not None and not callable(key):
        raise CorpusError(f"grouped_split: key must be a function or None, got {key!r}")
    if items is None or isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise CorpusError(f"grouped_split: items must be a list, got {type(items).__name__}")
    if not (isinstance(seed, (int, np.integer)) and seed >= 0):
        raise CorpusError(f"seed must be a whole number >= 0, got {seed!r}")
    groups = {}
    for item in items:
        group = item if key is None else key(item)
        try:
            groups.setdefault(group, []).append(item)
        except TypeError:
            raise CorpusError(f"grouped_split: items must be hashable (strings, numbers, tuples), got {group!r:.60}") from None
    members = list(groups.values())
    order = np.random.default_rng(seed).permutation(len(members))
    n_val = int(round(len(members) * val_fraction))
    if val_fraction > 0 and len(members) >= 2:
        n_val = max(n_val, 1)
    val = [item for i in order[:n_val] for item in members[i]]
    train = [item for i in order[n_val:] for item in members[i]]
    if not train:
        raise CorpusError(f"nothing left to train on after holding out {n_val} of {len(members)} items")
    return train, val


def split_labelled(texts, labels, val_fraction=0.1, seed=0):
    """A seeded train/validation split of labelled examples that never puts the same text on both sides.

    texts: a list of hashable examples (surnames, sentences); labels: one label per text (a list
        or an array).  Examples are grouped by their text, so a surname listed under two
        languages (or twice under one) goes wholly to train or wholly to val: a validation name
        the model has seen with another label would blur what the score means.
    Returns (train_texts, train_labels, val_texts, val_labels), labels as lists.  ``val_fraction``
    counts distinct texts (see ``grouped_split``, which does the work).
    """
    texts = check_sequence("texts", texts, "split_labelled", error=CorpusError, nonempty=False, what="a list of texts")
    labels = check_sequence("labels", labels, "split_labelled", error=CorpusError, nonempty=False, what="a list of labels")
    if len(texts) != len(labels):
        raise CorpusError(f"split_labelled: {len(texts)} texts but {len(labels)} labels")
    try:
        train, val = grouped_split(list(zip(texts, labels)), key=lambda pair: pair[0], val_fraction=val_fraction,
                                   seed=seed)
    except TypeError:
        raise CorpusError("split_labelled: texts must be hashable (strings, or tuples of tokens)") from None
    return [t for t, _ in train], [y for _, y in train], [t for t, _ in val], [y for _, y in val]


def split_tail(ids, val_fraction=0.1):
    """Hold out the *end* of a long text: (train, val), the last ``val_fraction`` of ``ids``.

    For one continuous text a random split would cut it into pieces; the end is the usual choice
    (the Shakespeare notebooks hold out the last 10%).  val_fraction 0 gives an empty val.
    """
    val_fraction = check_real("val_fraction", val_fraction, "split_tail", error=CorpusError)
    if not (isinstance(ids, (list, tuple, str)) or (isinstance(ids, np.ndarray) and ids.ndim >= 1)):
        raise CorpusError(f"split_tail: ids must be an array or list of ids, got {type(ids).__name__}")
    if not 0 <= val_fraction < 1:
        raise CorpusError(f"val_fraction must be in [0, 1), got {val_fraction}")
    split = len(ids) - int(round(len(ids) * val_fraction))
    if split < 2:
        raise CorpusError(f"the text has {len(ids)} tokens: too short to train on after holding out {val_fraction:.0%}")
    return ids[:split], ids[split:]
