"""Word vectors: the shipped GloVe subset, nearest neighbours by cosine similarity, analogies, and the
embedding matrix a Keras-style ``Embedding`` layer starts from.

``load_glove()`` reads ``data/embeddings/glove.6B.50d.subset.npz``: Stanford's GloVe 6B 50d vectors of 36,228
words, bit for bit (the 30,000 most frequent words and every other GloVe word of the sentence-polarity corpus;
``tools/make_glove_subset.py`` made it, the card beside it gives the hashes and the PDDL licence).

Similarity is the cosine ``u.v / (|u| |v|)``, computed against every word the table holds: ``most_similar``
says over how many that was, since a neighbour list means little without it.  The query words themselves are
left out of the answer, as gensim and the word2vec tools do.
"""
import hashlib
import sys
from pathlib import Path

import numpy as np

from ..core.checks import as_array, check_elements, check_path, check_sequence
from ..errors import ModelFileError, ShapeError, VocabularyError

GLOVE_FILE = "glove.6B.50d.subset.npz"
GLOVE_SHA256 = "69511f184dbfe45379ecbec0d4696623f9a782c4079c2ff867d99c958fb734ba"
# A source checkout keeps it in data/embeddings/; a non-editable `pip install` copies it to
# <prefix>/share/rnnlib/embeddings/ (pyproject.toml's data-files).
GLOVE_PLACES = (
    Path(__file__).resolve().parents[2] / "data" / "embeddings",
    Path(sys.prefix) / "share" / "rnnlib" / "embeddings",
)


class Neighbours(list):
    """A list of ``(word, cosine similarity)`` pairs, best first, that remembers how many words were searched."""

    def __init__(self, pairs, query, searched):
        super().__init__(pairs)
        self.query, self.searched = query, searched

    def __str__(self):
        shown = ", ".join(f"{w} {s:.3f}" for w, s in self)
        return f"nearest to {self.query} among {self.searched:,} words: {shown}"


class WordVectors:
    """A table of word vectors: ``words[i]`` has the vector ``vectors[i]``.

    words: distinct non-empty strings (V of them); vectors: (V, d) finite floats, kept as float32.
    ``wv[word]`` is a word's vector, ``word in wv`` asks whether it is there.
    """

    def __init__(self, words, vectors, name="word vectors"):
        words = check_sequence("words", words, "word vectors", error=VocabularyError, nonempty=False, what="a list of words")
        vectors = as_array("vectors", vectors, "word vectors")
        if not isinstance(name, str):
            raise VocabularyError(f"word vectors: name must be a string, got {type(name).__name__}")
        if not all(isinstance(w, str) and w for w in words):
            raise VocabularyError("word vectors: every word must be a non-empty string")
        if len(set(words)) != len(words):
            raise VocabularyError("word vectors: the words must be distinct")
        if vectors.ndim != 2 or vectors.shape[0] != len(words) or vectors.shape[1] < 1:
            raise ShapeError(f"word vectors: vectors must be ({len(words)}, d) for {len(words)} words, "
                             f"got shape {vectors.shape}")
        real = np.issubdtype(vectors.dtype, np.floating) or np.issubdtype(vectors.dtype, np.integer)
        if not real or vectors.dtype == bool or not np.all(np.isfinite(vectors)):
            raise ShapeError(f"word vectors: vectors must be finite real numbers, got dtype {vectors.dtype}")
        self.words, self.name = words, name
        self.vectors = vectors.astype(np.float32)
        self.index = {w: i for i, w in enumerate(words)}
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        # a zero vector is similar to nothing (cosine 0), rather than a division by zero
        self._unit = self.vectors / np.where(norms > 0, norms, 1.0)

    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return word in self.index

    def __repr__(self):
        return f"WordVectors({self.name}: {len(self):,} words x {self.dim})"

    @property
    def dim(self):
        return self.vectors.shape[1]

    def __getitem__(self, word):
        return self.vectors[self._id(word)]

    def _id(self, word):
        if not isinstance(word, str):
            raise VocabularyError(f"words are strings, got {type(word).__name__}")
        i = self.index.get(word)
        if i is None:
            hint = " (the vectors are lowercase)" if word.lower() in self.index else ""
            raise VocabularyError(f"{word!r} is not among the {len(self):,} words of {self.name}{hint}")
        return i

    def similarity(self, a, b):
        """The cosine similarity of words ``a`` and ``b`` (gensim's ``wv.similarity``)."""
        return float(self._unit[self._id(a)] @ self._unit[self._id(b)])

    def most_similar(self, positive=(), negative=(), topn=10):
        """The ``topn`` words whose vectors are closest (cosine) to the sum of the ``positive`` words' unit
        vectors minus the ``negative`` ones', leaving the query words out.

        positive: a word or a list of words; negative: a list of words (gensim's names and rule:
        ``most_similar(positive=["king", "woman"], negative=["man"])`` is king - man + woman).
        Returns a Neighbours list of (word, similarity), with ``.searched``, the number of words compared.
        """
        positive, negative = (_as_word_list(positive, "positive"), _as_word_list(negative, "negative"))
        if not positive and not negative:
            raise VocabularyError("most_similar: give at least one word")
        if not isinstance(topn, (int, np.integer)) or isinstance(topn, bool) or topn < 1 or topn > 10**9:
            raise ShapeError(f"most_similar: topn must be an integer >= 1, got {topn!r}")
        ids = [self._id(w) for w in positive] + [self._id(w) for w in negative]
        query = self._unit[ids[: len(positive)]].sum(axis=0) - self._unit[ids[len(positive):]].sum(axis=0)
        norm = np.linalg.norm(query)
        scores = self._unit @ (query / norm if norm > 0 else query)
        scores[ids] = -np.inf  # the query words themselves are no answer
        k = min(topn, len(self) - len(set(ids)))
        best = np.argpartition(-scores, k - 1)[:k] if k > 0 else np.array([], dtype=np.int64)
        best = best[np.argsort(-scores[best], kind="stable")]
        shown = " + ".join(map(repr, positive)) + "".join(f" - {w!r}" for w in negative)
        return Neighbours([(self.words[i], float(scores[i])) for i in best], shown, len(self))

    def analogy(self, a, b, c, topn=1):
        """"``a`` is to ``b`` as ``c`` is to ?": ``most_similar(positive=[b, c], negative=[a])``.

        ``analogy("man", "king", "woman")`` asks for king - man + woman.
        """
        return self.most_similar(positive=[b, c], negative=[a], topn=topn)

    def embedding_matrix(self, word_index, num_words=None):
        """The weights for an ``Embedding`` over a Keras ``Tokenizer``'s ids.

        word_index: dict word -> id >= 1 (id 0 is Keras's padding); num_words: the matrix's rows (the
        Embedding's ``input_dim``); default max id + 1; words with ids >= num_words are left out, as
        the Tokenizer leaves them out.  Row 0 and the rows of words without a vector are zeros.
        Returns (matrix (num_words, d) float32, missing: the words that got a zero row).
        """
        if not isinstance(word_index, dict) or not word_index:
            raise VocabularyError("embedding_matrix: word_index must be a non-empty dict word -> id")
        ids = list(word_index.values())
        if not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) and i >= 1 for i in ids):
            raise VocabularyError("embedding_matrix: ids must be integers >= 1 (0 is the padding id)")
        rows = max(ids) + 1 if num_words is None else num_words
        if not isinstance(rows, (int, np.integer)) or isinstance(rows, bool) or rows < 1:
            raise ShapeError(f"embedding_matrix: num_words must be an integer >= 1, got {num_words!r}")
        check_elements(int(rows) * self.dim, f"a ({rows:,}, {self.dim}) embedding matrix", "embedding_matrix",
                       error=ShapeError)
        matrix = np.zeros((rows, self.dim), dtype=np.float32)
        missing = []
        for word, i in word_index.items():
            if i >= rows:
                continue
            j = self.index.get(word)
            if j is None:
                missing.append(word)
            else:
                matrix[i] = self.vectors[j]
        return matrix, missing


def _as_word_list(words, name):
    if isinstance(words, str):
        return [words]
    if not isinstance(words, (list, tuple)):
        raise VocabularyError(f"most_similar: {name} must be a word or a list of words, got {type(words).__name__}")
    return list(words)


def load_glove(path=None):
    """The shipped GloVe 6B 50d subset as WordVectors (checked against its sha256), or another file made
    by ``tools/make_glove_subset.py`` at ``path`` (then unchecked)."""
    if path is None:
        found = [p / GLOVE_FILE for p in GLOVE_PLACES if (p / GLOVE_FILE).is_file()]
        if not found:
            raise ModelFileError(f"the GloVe subset {GLOVE_FILE} is in none of: " + ", ".join(map(str, GLOVE_PLACES)))
        path, expected = found[0], GLOVE_SHA256
    else:
        path, expected = check_path("path", path, "load_glove", error=ModelFileError), None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"cannot read word vectors at {path}: {exc.strerror or exc}") from None
    if expected and hashlib.sha256(data).hexdigest() != expected:
        raise ModelFileError(f"{path} is not the shipped GloVe subset (its sha256 differs); restore it from git")
    import io
    import zipfile

    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            words = bytes(archive["words_utf8"]).decode("utf-8").split("\n")
            vectors = archive["vectors"]
    except (OSError, ValueError, KeyError, UnicodeDecodeError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelFileError(f"{path} is not a word-vector file ({type(exc).__name__}: {exc})") from None
    return WordVectors(words, vectors, name="GloVe 6B 50d")
