"""Keras-style text preprocessing: ``Tokenizer``, ``pad_sequences`` and ``to_categorical``.

A student's Keras code ports by changing the import::

    from tensorflow.keras.preprocessing.text import Tokenizer          # before
    from rnnlib.preprocessing import Tokenizer                          # after

The semantics are those of keras-preprocessing 1.1.2 (the code behind ``keras.preprocessing`` in
Keras 2 and TensorFlow 2) and of Keras 2's ``keras.utils.to_categorical``; the tests compare every
result with outputs recorded from those libraries (``tests/fixtures/``).  The rules, in short:

* **Tokens.**  A text is lowercased (``lower=True``), every character of ``filters`` is replaced by
  ``split``, the text is split on ``split``, and empty pieces are dropped.  With
  ``char_level=True`` every character is a token (``filters`` and ``split`` are then ignored, as
  in Keras).  A text may also be a list of token strings, used as it is (only lowercased).
* **Ids.**  0 is reserved and never given to a token.  Ids 1, 2, ... go to tokens from the most
  to the least frequent; tied tokens keep the order in which they were first seen.  An
  ``oov_token`` gets id 1 and pushes every word one id further.
* **num_words** limits what ``texts_to_sequences`` and ``texts_to_matrix`` emit to ids *below*
  ``num_words``: the ``num_words - 1`` most frequent words (one fewer again when ``oov_token``
  takes id 1).  ``word_index`` is never truncated; it always holds every word seen.  Words
  beyond the limit, and unseen words, are dropped, or become ``oov_token``'s id when there is one.
* **Padding** is ``rnnlib.data.padding.pad_sequences`` (Keras's defaults: pad and truncate at the
  start, value 0, int32).

Where rnnlib is stricter than Keras, on purpose: a single string where a list of texts is
expected, a text that is neither a string nor a list of strings, fitting on no tokens at all,
``num_words`` of 0 (Keras silently ignores it), a negative or non-integer ``num_words``, using the
tokenizer before fitting it, and labels that are negative, too large or not whole numbers in
``to_categorical`` all raise an ``rnnlib.errors`` error instead of giving a surprising result.
"""
import numpy as np

from ..core.checks import as_array, check_elements, check_sequence
from ..errors import ConfigError, CorpusError, ShapeError, VocabularyError
from .counting import count_tokens, rank_by_count
from .padding import pad_sequences

#: Keras's default ``filters``: ASCII punctuation except the apostrophe, plus tab and newline.
DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MATRIX_MODES = ("binary", "count", "tfidf", "freq")

__all__ = ["Tokenizer", "pad_sequences", "to_categorical", "text_to_word_sequence", "DEFAULT_FILTERS"]


def _check_filters(filters):
    if isinstance(filters, str):
        return filters
    try:
        chars = list(filters)
    except TypeError:
        chars = None
    if chars is None or not all(isinstance(c, str) and len(c) == 1 for c in chars):
        raise ConfigError(f"filters must be a string (or a list of single characters), got {filters!r:.60}")
    return "".join(chars)


def _check_split(split):
    if not isinstance(split, str) or not split:
        raise ConfigError(f"split must be a non-empty string, got {split!r}")
    return split


def text_to_word_sequence(text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Keras's ``text_to_word_sequence``: the word tokens of one string (a list of strings).

    >>> text_to_word_sequence("The cat, the HAT!")
    ['the', 'cat', 'the', 'hat']
    """
    if not isinstance(text, str):
        raise CorpusError(f"text_to_word_sequence: expected a string, got {type(text).__name__}")
    filters, split = _check_filters(filters), _check_split(split)
    if not isinstance(lower, (bool, np.bool_)):
        raise ConfigError(f"text_to_word_sequence: lower must be True or False, got {lower!r:.60}")
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({c: split for c in filters}))
    return [piece for piece in text.split(split) if piece]


class Tokenizer:
    """Keras's ``Tokenizer``: texts -> id sequences or document-term matrices.

    num_words: None (keep every word) or an integer >= 1; only ids below it are emitted (see the
        module docstring: that is ``num_words - 1`` words).
    filters: characters replaced by ``split`` before splitting (Keras's default punctuation set).
    lower: lowercase texts (and list-of-token texts) first.
    split: the separator between words.
    char_level: every character is a token.
    oov_token: None, or a string that gets id 1 and stands for unseen / cut-off words.

    After ``fit_on_texts``:
    word_index: dict token -> id (1, 2, ...), every token seen, never truncated by ``num_words``.
    index_word: the inverse dict id -> token.
    word_counts: dict token -> occurrences, in first-seen order.
    word_docs: dict token -> number of texts containing it.
    index_docs: dict id -> number of texts containing that token (used by ``tfidf``).
    document_count: how many texts the tokenizer has been fitted on.
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ", char_level=False,
                 oov_token=None):
        if num_words is not None and (
            isinstance(num_words, (bool, np.bool_)) or not isinstance(num_words, (int, np.integer)) or num_words < 1
        ):
            raise ConfigError(
                f"num_words must be None or an integer >= 1, got {num_words!r} "
                "(it keeps the ids below it, i.e. num_words - 1 words)"
            )
        if oov_token is not None and not isinstance(oov_token, str):
            raise ConfigError(f"oov_token must be None or a string, got {type(oov_token).__name__}")
        self.num_words = None if num_words is None else int(num_words)
        self.filters = _check_filters(filters)
        self.split = _check_split(split)
        for label, flag in (("lower", lower), ("char_level", char_level)):
            if not isinstance(flag, (bool, np.bool_)):
                raise ConfigError(f"Tokenizer: {label} must be True or False, got {flag!r:.60}")
        self.lower = bool(lower)
        self.char_level = bool(char_level)
        self.oov_token = oov_token
        self.word_counts = {}
        self.word_docs = {}
        self.index_docs = {}
        self.word_index = {}
        self.index_word = {}
        self.document_count = 0

    def __repr__(self):
        return (
            f"Tokenizer(num_words={self.num_words}, oov_token={self.oov_token!r}, "
            f"{len(self.word_index)} tokens from {self.document_count} texts)"
        )

    # -- tokens --------------------------------------------------------------------------------
    def _tokens(self, text, position):
        """The tokens of one text (a string, or a list of token strings), under this tokenizer's rules."""
        if isinstance(text, list):
            if not all(isinstance(t, str) for t in text):
                raise CorpusError(f"text {position} is a list, but not a list of token strings: {text!r:.60}")
            return [t.lower() for t in text] if self.lower else list(text)
        if not isinstance(text, str):
            raise CorpusError(
                f"text {position} is a {type(text).__name__}, not a string (or a list of token strings): {text!r:.60}"
            )
        if self.char_level:
            return list(text.lower() if self.lower else text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def _token_lists(self, texts, where):
        if isinstance(texts, (str, bytes)):
            raise CorpusError(f"{where} takes a list of texts, not a single string; wrap it: [{texts!r:.40}]")
        try:
            iterator = iter(texts)
        except TypeError:
            raise CorpusError(f"{where} takes a list of texts, got {type(texts).__name__}") from None
        return (self._tokens(text, i) for i, text in enumerate(iterator))

    # -- fitting -------------------------------------------------------------------------------
    def fit_on_texts(self, texts):
        """Count the tokens of ``texts`` (a list of strings) and rebuild ``word_index``.

        Calling it again adds to the counts, as in Keras.  CorpusError if ``texts`` is a single
        string, holds something that is not a text, or the tokenizer ends up with no token at all.
        """
        _, _, n_texts = count_tokens(self._token_lists(texts, "fit_on_texts"), self.word_counts, self.word_docs)
        self.document_count += n_texts
        if not self.word_counts:
            raise CorpusError(
                f"fit_on_texts: the {n_texts} text(s) gave no tokens"
                + (" (an empty list)" if n_texts == 0 else " after lowercasing, filtering and splitting")
            )
        ranked = [token for token, _ in rank_by_count(self.word_counts, ties="first_seen")]
        order = ([self.oov_token] if self.oov_token is not None else []) + ranked
        # Ids follow ``order`` from 1 (0 stays reserved).  If a corpus word equals oov_token it
        # appears twice in ``order`` and, as in Keras, its later (corpus-rank) id wins.
        self.word_index = {}
        for token_id, token in enumerate(order, start=1):
            self.word_index[token] = token_id
        self.index_word = {token_id: token for token, token_id in self.word_index.items()}
        self.index_docs = {self.word_index[token]: n for token, n in self.word_docs.items()}
        return self

    def _require_fitted(self, where):
        if not self.word_index:
            raise VocabularyError(f"{where}: the tokenizer has no vocabulary yet; call fit_on_texts first")

    def _emitted_id(self, token_id):
        """The id written out for a known token's id under ``num_words`` (None: dropped)."""
        if self.num_words is not None and token_id >= self.num_words:
            return self.word_index.get(self.oov_token)
        return token_id

    # -- texts <-> sequences -------------------------------------------------------------------
    def texts_to_sequences(self, texts):
        """One list of ids per text: ids below ``num_words`` only; other and unseen words are dropped,
        or become ``oov_token``'s id when the tokenizer has one."""
        self._require_fitted("texts_to_sequences")
        oov_id = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        sequences = []
        for tokens in self._token_lists(texts, "texts_to_sequences"):
            ids = []
            for token in tokens:
                token_id = self.word_index.get(token)
                token_id = oov_id if token_id is None else self._emitted_id(token_id)
                if token_id is not None:
                    ids.append(token_id)
            sequences.append(ids)
        return sequences

    def sequences_to_texts(self, sequences):
        """The inverse: one string per sequence, its tokens joined by single spaces.

        Ids the tokenizer does not know (0 among them) and ids at or above ``num_words`` are dropped,
        or written as ``oov_token`` when there is one (Keras's rule).  VocabularyError for a value
        that is not a whole number.
        """
        self._require_fitted("sequences_to_texts")
        oov_id = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        texts = []
        for position, sequence in enumerate(self._sequences(sequences, "sequences_to_texts")):
            words = []
            for token_id in sequence:
                emitted = self._emitted_id(token_id) if token_id in self.index_word else oov_id
                if emitted is not None:
                    words.append(self.index_word[emitted])
            texts.append(" ".join(words))
        return texts

    @staticmethod
    def _sequences(sequences, where):
        if isinstance(sequences, (str, bytes)):
            raise VocabularyError(f"{where} takes a list of id sequences, got a string")
        sequences = check_sequence("sequences", sequences, where, error=VocabularyError, nonempty=False,
                                   what="a list of id sequences")
        out = []
        for position, sequence in enumerate(sequences):
            values = as_array(f"sequence {position}", sequence, where, error=VocabularyError)
            if values.ndim != 1 or (values.size and not np.issubdtype(values.dtype, np.integer)):
                raise VocabularyError(f"{where}: sequence {position} is not a flat sequence of integer ids: {sequence!r:.60}")
            out.append([int(v) for v in values])
        return out

    # -- matrices ------------------------------------------------------------------------------
    def texts_to_matrix(self, texts, mode="binary"):
        """A ``(len(texts), width)`` float64 document-term matrix; ``width`` is ``num_words``, or
        ``len(word_index) + 1`` without it.  See ``sequences_to_matrix`` for the modes."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """Id sequences -> a ``(len(sequences), width)`` float64 matrix, column j for id j.

        mode: ``"binary"`` (1 where the id occurs), ``"count"`` (occurrences), ``"freq"``
            (occurrences / sequence length), ``"tfidf"`` (``(1 + ln count) * ln(1 + D / (1 + d_j))``
            with D = ``document_count`` and d_j the number of fitted texts containing id j).
        Ids at or beyond ``width`` are left out; a negative id is a VocabularyError (Keras would
        silently count it in a column from the right).  Column 0 stays zero unless id 0 occurs.
        """
        if not isinstance(mode, str) or mode not in MATRIX_MODES:
            raise ConfigError(f"mode must be one of {', '.join(MATRIX_MODES)}, got {mode!r}")
        self._require_fitted("sequences_to_matrix")
        width = self.num_words if self.num_words is not None else len(self.word_index) + 1
        sequences = self._sequences(sequences, "sequences_to_matrix")
        matrix = np.zeros((len(sequences), width))
        for row, sequence in enumerate(sequences):
            if not sequence:
                continue
            if min(sequence) < 0:
                raise VocabularyError(f"sequences_to_matrix: sequence {row} holds the negative id {min(sequence)}")
            kept = np.array([i for i in sequence if i < width], dtype=np.int64)
            ids, counts = np.unique(kept, return_counts=True)
            if mode == "binary":
                matrix[row, ids] = 1.0
            elif mode == "count":
                matrix[row, ids] = counts
            elif mode == "freq":
                # Keras divides by the whole sequence's length, ids beyond the width included.
                matrix[row, ids] = counts / len(sequence)
            else:
                # One id at a time, with scalar logs and Python division, in Keras's order of
                # operations: the recorded fixtures match to the last bit.
                for token_id, count in zip(ids.tolist(), counts.tolist()):
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(token_id, 0)))
                    matrix[row, token_id] = (1 + np.log(count)) * idf
        return matrix


#: The most classes ``to_categorical`` one-hot encodes (one float32 row of 10^7 classes is already 40 MB).
MAX_CLASSES = 10**7


def to_categorical(y, num_classes=None, dtype="float32"):
    """Keras's ``to_categorical``: integer class labels -> one-hot rows.

    y: labels 0..num_classes-1, any shape ``S`` (a trailing axis of length 1 is dropped, as in
        Keras, so a column ``(n, 1)`` gives ``(n, num_classes)``).
    num_classes: None means ``max(y) + 1``.
    Returns an array of shape ``S + (num_classes,)`` with ``dtype`` (Keras 2's default float32).
    Raises ShapeError for labels that are not whole numbers, negative, or >= num_classes (Keras
    would truncate 1.7 to 1 and let -1 pick the last class), and ConfigError for a bad num_classes.
    """
    if isinstance(y, (str, bytes)):
        raise ShapeError("to_categorical: labels must be integers, got a string")
    try:
        labels = np.asarray(y)
    except (TypeError, ValueError):
        raise ShapeError(f"to_categorical: labels must be an array of integers, got {y!r:.60}") from None
    if labels.dtype == object or not (np.issubdtype(labels.dtype, np.number) or labels.dtype == np.bool_):
        raise ShapeError(f"to_categorical: labels must be integers, got dtype {labels.dtype}")
    if np.issubdtype(labels.dtype, np.complexfloating) or (
        labels.size and not np.all(np.isfinite(labels) & (labels == np.round(labels)))
    ):
        raise ShapeError("to_categorical: labels must be whole numbers (class ids), got non-integral values")
    labels = labels.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ShapeError(f"to_categorical: labels must be >= 0, got {labels.min()}")
    if num_classes is None:
        if labels.size == 0:
            raise ShapeError("to_categorical: no labels, so num_classes cannot be inferred; pass num_classes")
        num_classes = int(labels.max()) + 1
    elif isinstance(num_classes, (bool, np.bool_)) or not isinstance(num_classes, (int, np.integer)) or \
            not 1 <= num_classes <= MAX_CLASSES:
        raise ConfigError(f"to_categorical: num_classes must be None or an integer from 1 to {MAX_CLASSES:,}, "
                          f"got {num_classes!r}")
    elif labels.size and labels.max() >= num_classes:
        raise ShapeError(f"to_categorical: label {labels.max()} is out of range for num_classes={num_classes}")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = labels.reshape(-1)
    check_elements(flat.size * int(num_classes), f"{flat.size:,} one-hot rows of {int(num_classes):,} classes",
                   "to_categorical")
    try:
        one_hot = np.zeros((flat.size, int(num_classes)), dtype=dtype)
    except TypeError:
        raise ConfigError(f"to_categorical: {dtype!r} is not a numpy dtype") from None
    one_hot[np.arange(flat.size), flat] = 1
    return one_hot.reshape(shape + (int(num_classes),))
