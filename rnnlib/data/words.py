"""Text tools for word-level language models: sentences, words, a vocabulary, padding.

This is the preprocessing of Denny Britz's WildML tutorial "Recurrent Neural Networks Tutorial,
Part 2 - Implementing a RNN with Python, Numpy and Theano" (2015), redone without NLTK so that it
works offline: split a text into sentences, split each sentence into words, keep the most frequent
words, wrap every sentence in ``SENTENCE_START`` / ``SENTENCE_END`` and map every other word to
``UNKNOWN_TOKEN``.

Tokenization rules (plain regular expressions, no downloads)
-------------------------------------------------------------
* **Sentences** end after ``.``, ``!`` or ``?`` (a run of them, such as ``?!`` or ``...``, plus any
  closing quotes or brackets) followed by white space, and at every blank line.  A single line break
  is *not* a sentence break (verse and wrapped prose continue on the next line).  A few English
  abbreviations (``Mr.``, ``Dr.``, ``e.g.`` ...; see ``ABBREVIATIONS``) do not end a sentence; any
  other word followed by a full stop does, which is the main way this splitter is cruder than NLTK's.
* **Words**: a run of letters and digits, with apostrophes and hyphens *inside* it kept
  (``we'll``, ``know't``, ``soft-conscienced`` are one word each); numbers keep their decimal point
  (``3.14``).  Every other visible character is punctuation and becomes a token of its own; a run
  of the same character is one token (``...``, ``--``, ``!!``).  An apostrophe at the start or end
  of a word is punctuation: ``'tis`` gives ``'`` and ``tis``.
* **Case**: lowercased by default (``lower=True``), as the tutorial does, so ``He`` and ``he`` are
  one word; pass ``lower=False`` to keep case.  So ``"He left!"`` becomes ``["he", "left", "!"]``.

Ids and padding
---------------
A ``WordVocab`` gives ids 0, 1, 2 to ``SENTENCE_START``, ``SENTENCE_END`` and ``UNKNOWN_TOKEN``
and ids 3, 4, ... to words from the most to the least frequent (ties alphabetically).  As
everywhere in rnnlib, ``-1`` (``PAD``) means padding: an input of -1 is the zero vector and a
target of -1 is ignored by the loss.  ``pad_sequences`` keeps Keras's default ``value=0`` for
compatibility; pass ``value=PAD`` when the result goes into rnnlib, because id 0 is a real token
(``SENTENCE_START``) here, not a reserved one as in Keras.
"""
import re
from collections import Counter

import numpy as np

from ..core.checks import check_ids, check_int, is_int
from ..errors import ConfigError, CorpusError, VocabularyError
from .chars import PAD
from .counting import count_tokens, rank_by_count

SENTENCE_START = "SENTENCE_START"
SENTENCE_END = "SENTENCE_END"
UNKNOWN_TOKEN = "UNKNOWN_TOKEN"
SPECIAL_TOKENS = (SENTENCE_START, SENTENCE_END, UNKNOWN_TOKEN)  # ids 0, 1, 2

#: Words (lowercased, without their final full stop) after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "prof", "sr", "jr", "vs", "etc", "e.g", "i.e", "cf"})

_TOKEN = re.compile(
    r"\d+(?:[.,]\d+)+"  # a number with a decimal point or thousands separators: 3.14, 1,000
    r"|\w+(?:['\u2019\-]\w+)*"  # a word, with inner apostrophes or hyphens: we'll, know't, well-a-day
    r"|([^\w\s])\1*"  # punctuation: one character, or a run of the same one (..., --, !!)
)
# A candidate sentence end: terminal punctuation, optional closing quotes/brackets, then white space.
_SENTENCE_END = re.compile(r"[.!?]+[\"'\u2019\u201d)\]]*(?=\s)")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")


def _check_text(text, where):
    if not isinstance(text, str):
        raise CorpusError(f"{where}: expected a string, got {type(text).__name__}")


def _check_sequence(value, what, where, error=CorpusError):
    """Refuse ``value`` unless it is a list-like of items (not a string, dict, number or None)."""
    if value is None or isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise error(f"{where}: {what} must be a list, got {type(value).__name__}")


def split_sentences(text):
    """The sentences of ``text``, each a string with its line breaks turned into spaces.

    Empty or whitespace-only text gives an empty list.  See the module docstring for the rules.
    """
    _check_text(text, "split_sentences")
    sentences = []
    for block in _BLANK_LINE.split(text):
        block = " ".join(block.split())  # one line, single spaces
        start = 0
        for match in _SENTENCE_END.finditer(block):
            before = block[start : match.start()].split()
            last_word = before[-1].lower() if before else ""
            if match.group().startswith(".") and len(match.group()) == 1 and last_word in ABBREVIATIONS:
                continue  # "Mr. Smith": not the end of a sentence
            sentences.append(block[start : match.end()].strip())
            start = match.end()
        sentences.append(block[start:].strip())
    return [s for s in sentences if s]


def word_tokenize(sentence, lower=True):
    """The tokens of one sentence (a string): words and punctuation marks, see the module docstring.

    >>> word_tokenize("He left!")
    ['he', 'left', '!']
    """
    _check_text(sentence, "word_tokenize")
    if not isinstance(lower, (bool, np.bool_)):
        raise ConfigError(f"word_tokenize: lower must be True or False, got {lower!r}")
    if lower:
        sentence = sentence.lower()
    return [m.group() for m in _TOKEN.finditer(sentence)]


def tokenize_sentences(text, lower=True):
    """``split_sentences`` then ``word_tokenize``: a list of sentences, each a list of tokens.

    Sentences without any token are dropped.
    """
    out = (word_tokenize(s, lower) for s in split_sentences(text))
    return [tokens for tokens in out if tokens]


def strip_speakers(text, max_words=4):
    """Remove the speaker tags of a play script such as tinyshakespeare.

    A speech there is a paragraph whose first line names the speaker and ends with a colon
    (``First Citizen:``).  A line is taken for a tag when it is a paragraph's first line, ends with a
    colon, and has 1 to ``max_words`` words that all begin with a capital letter or a digit
    (``3 KING HENRY VI:``); it is dropped
    (with its paragraph, if that is all there is).  Load the text with its case (``lower=False``):
    in lowercased text nothing looks like a tag.  Everything else is kept, paragraphs still
    separated by blank lines.
    """
    _check_text(text, "strip_speakers")
    max_words = check_int("max_words", max_words, "strip_speakers", minimum=0)
    kept = []
    for paragraph in re.split(r"\n[^\S\n]*\n", text):
        lines = paragraph.strip("\n").split("\n")
        name = lines[0].strip()[:-1].split() if lines[0].rstrip().endswith(":") else []
        if 0 < len(name) <= max_words and all(w[:1].isupper() or w[:1].isdigit() for w in name):
            lines = lines[1:]
        if any(line.strip() for line in lines):
            kept.append("\n".join(lines))
    return "\n\n".join(kept)


def join_words(tokens):
    """Tokens back into readable text: spaces between words, none before closing punctuation.

    An approximation (the tokenizer forgot the original spacing): ``["he", "left", "!"]`` gives
    ``"he left!"``.
    """
    _check_sequence(tokens, "tokens", "join_words", VocabularyError)
    tokens = list(tokens)
    if not all(isinstance(t, str) for t in tokens):
        raise VocabularyError("join_words: tokens must be strings")
    text = ""
    for token in tokens:
        if text and not (token and token[0] in ".,;:!?)]}'\u2019") and not text.endswith(("(", "[", "{")):
            text += " "
        text += token
    return text


class WordVocab:
    """A word vocabulary with the tutorial's special tokens.

    tokens: the list of tokens; ``tokens[i]`` has id ``i``.  It must start with ``SENTENCE_START``,
        ``SENTENCE_END``, ``UNKNOWN_TOKEN`` (ids 0, 1, 2) and hold each token once.
    counts: optional dict token -> how often it occurred in the corpus the vocabulary was built
        from (``build`` fills it in: the two sentence markers count sentences, ``UNKNOWN_TOKEN``
        counts the word occurrences it stands for).  Not saved with a model.
    lower: whether text is lowercased before lookup (``encode`` of a string, ``texts_to_sequences``).
    corpus_words: how many distinct words the corpus had (``build`` sets it; None otherwise).

    ``word_to_index`` and ``index_to_word`` are the tutorial's lookups.  ``PAD`` (-1) is rnnlib's
    padding id; it is not a token.
    """

    kind = "words"
    PAD = PAD
    start_id, end_id, unknown_id = 0, 1, 2

    def __init__(self, tokens, counts=None, lower=True):
        _check_sequence(tokens, "tokens", "WordVocab", VocabularyError)
        tokens = list(tokens)
        if not all(isinstance(t, str) and t for t in tokens):
            raise VocabularyError("vocabulary tokens must be non-empty strings")
        if tuple(tokens[:3]) != SPECIAL_TOKENS:
            raise VocabularyError(f"a WordVocab's first tokens must be {list(SPECIAL_TOKENS)}, got {tokens[:3]}")
        if len(tokens) < 4:
            raise VocabularyError("a WordVocab needs at least one word besides the 3 special tokens")
        if len(set(tokens)) != len(tokens):
            repeated = sorted(t for t, n in Counter(tokens).items() if n > 1)
            raise VocabularyError(f"vocabulary tokens must be unique; repeated: {repeated[:5]}")
        if not isinstance(lower, (bool, np.bool_)):
            raise ConfigError(f"WordVocab: lower must be True or False, got {lower!r}")
        if counts is not None and not (isinstance(counts, dict) and all(is_int(n) for n in counts.values())):
            raise VocabularyError("WordVocab: counts must be a dict from token to a whole-number count")
        self.tokens = tokens
        self.lower = bool(lower)
        self.counts = dict(counts) if counts is not None else None
        self.corpus_words = None  # distinct words of the corpus (``build`` sets it)
        self.word_to_index = {t: i for i, t in enumerate(tokens)}
        self.index_to_word = tokens  # the tutorial's name for the list

    @classmethod
    def build(cls, sentences, size=8000, lower=True):
        """The ``size`` - 3 most frequent words of ``sentences`` plus the 3 special tokens.

        sentences: lists of tokens (``tokenize_sentences``'s output).  ``size`` counts the special
        tokens, as the tutorial's 8,000 does; the vocabulary is smaller when the corpus has fewer
        distinct words.  Ties in frequency are broken alphabetically.
        """
        if not isinstance(size, (int, np.integer)) or size < 4:
            raise VocabularyError(f"vocabulary size must be an integer >= 4 (3 special tokens + 1 word), got {size!r}")
        _check_sequence(sentences, "sentences", "WordVocab.build")
        for sentence in sentences:
            _check_sequence(sentence, "each sentence (a list of tokens)", "WordVocab.build")
        sentences = [list(s) for s in sentences]
        if not all(isinstance(t, str) for s in sentences for t in s):
            raise CorpusError("WordVocab.build: tokens must be strings")
        if not isinstance(lower, (bool, np.bool_)):
            raise ConfigError(f"WordVocab.build: lower must be True or False, got {lower!r}")
        words, _, _ = count_tokens(sentences)
        if not words:
            raise CorpusError("cannot build a vocabulary: the corpus has no words")
        clash = sorted(set(words) & set(SPECIAL_TOKENS))
        if clash:
            raise CorpusError(f"the corpus contains the reserved token(s) {clash}")
        ranked = rank_by_count(words, ties="alphabetical")
        kept = ranked[: size - 3]
        n_unknown = sum(words.values()) - sum(n for _, n in kept)
        counts = {SENTENCE_START: len(sentences), SENTENCE_END: len(sentences), UNKNOWN_TOKEN: n_unknown, **dict(kept)}
        vocab = cls(list(SPECIAL_TOKENS) + [w for w, _ in kept], counts, lower)
        vocab.corpus_words = len(words)  # distinct words in the corpus
        return vocab

    @classmethod
    def from_text(cls, text, size=8000, lower=True):
        """``build`` on ``tokenize_sentences(text, lower)``; CorpusError if the text has no words."""
        return cls.build(tokenize_sentences(text, lower), size, lower)

    def __len__(self):
        return len(self.tokens)

    def __eq__(self, other):
        return isinstance(other, WordVocab) and other.tokens == self.tokens and other.lower == self.lower

    def __repr__(self):
        head = ", ".join(self.tokens[3:8])
        return f"WordVocab({len(self)} tokens: {', '.join(SPECIAL_TOKENS)}, {head}{', ...' if len(self) > 8 else ''})"

    def most_common(self, n=10):
        """The ``n`` most frequent words (special tokens left out) with their counts."""
        if self.counts is None:
            raise VocabularyError("this vocabulary has no counts (it was loaded, not built from a corpus)")
        n = check_int("n", n, "WordVocab.most_common", minimum=0)
        return [(w, self.counts[w]) for w in self.tokens[3 : 3 + n]]

    def _id(self, token):
        i = self.word_to_index.get(token)
        if i is None and self.lower:
            i = self.word_to_index.get(token.lower())
        return self.unknown_id if i is None else i

    def encode(self, sentence):
        """Ids (int64 array) of a sentence: a string (tokenized with ``word_tokenize``) or a list
        of tokens.  Words not in the vocabulary get ``UNKNOWN_TOKEN``'s id.  No start or end marker
        is added (see ``training_pair``)."""
        if not isinstance(sentence, str):
            _check_sequence(sentence, "sentence (a string or a list of tokens)", "WordVocab.encode", VocabularyError)
        tokens = word_tokenize(sentence, self.lower) if isinstance(sentence, str) else list(sentence)
        if not all(isinstance(t, str) for t in tokens):
            raise VocabularyError("encode: expected a string or a list of token strings")
        return np.fromiter((self._id(t) for t in tokens), dtype=np.int64, count=len(tokens))

    def ids_to_tokens(self, ids):
        """The tokens for a sequence of ids; padding (-1) is skipped."""
        if not (isinstance(ids, np.ndarray) and ids.dtype.kind in "iu"):
            ids = check_ids("ids", ids, "WordVocab.ids_to_tokens")
        out = []
        for i in np.asarray(ids).reshape(-1):
            i = int(i)
            if i == PAD:
                continue
            if not 0 <= i < len(self.tokens):
                raise VocabularyError(f"id {i} is not in the vocabulary (ids run 0..{len(self) - 1}, -1 is padding)")
            out.append(self.tokens[i])
        return out

    def decode(self, ids):
        """The text for a sequence of ids (``join_words`` of ``ids_to_tokens``)."""
        return join_words(self.ids_to_tokens(ids))

    def texts_to_sequences(self, texts):
        """Keras's ``Tokenizer.texts_to_sequences``: one list of ids per text (each text tokenized
        with ``word_tokenize``; unknown words map to ``UNKNOWN_TOKEN``, as Keras does with an
        ``oov_token``)."""
        if isinstance(texts, str):
            raise CorpusError("texts_to_sequences takes a list of texts, not a single string")
        _check_sequence(texts, "texts", "WordVocab.texts_to_sequences")
        return [self.encode(t).tolist() for t in texts]

    def sequences_to_texts(self, sequences):
        """The inverse of ``texts_to_sequences`` (up to spacing, case and unknown words)."""
        _check_sequence(sequences, "sequences", "WordVocab.sequences_to_texts", VocabularyError)
        return [self.decode(s) for s in sequences]

    def training_pair(self, sentence):
        """The tutorial's (x, y) for one sentence: x = [START, w1..wn], y = [w1..wn, END], int64."""
        ids = self.encode(sentence)
        if len(ids) == 0:
            raise CorpusError("training_pair: the sentence has no words")
        return np.concatenate(([self.start_id], ids)), np.concatenate((ids, [self.end_id]))

    def training_pairs(self, sentences):
        """(X, Y): lists of ``training_pair`` arrays for many sentences (strings or token lists)."""
        _check_sequence(sentences, "sentences", "WordVocab.training_pairs")
        pairs = [self.training_pair(s) for s in sentences]
        return [x for x, _ in pairs], [y for _, y in pairs]
