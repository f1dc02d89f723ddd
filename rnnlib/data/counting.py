"""Counting and ranking tokens: the one piece the word tools and the Keras-style Tokenizer share.

Both build a vocabulary the same way: count how often each token occurs, then give ids from the
most to the least frequent.  They differ only in how they break ties:

* ``WordVocab`` (the WildML tutorial's preprocessing, ``rnnlib.data.words``) breaks them
  alphabetically, so the vocabulary does not depend on the order of the sentences;
* Keras's ``Tokenizer`` (``rnnlib.data.preprocessing``) keeps tied tokens in the order they were
  first seen: keras-preprocessing 1.1.2 sorts ``word_counts.items()`` (an insertion-ordered dict)
  by count with Python's stable ``list.sort(reverse=True)``, which keeps equal keys in their
  original order.
"""

from ..errors import ConfigError

TIE_BREAKS = ("first_seen", "alphabetical")


def count_tokens(token_lists, counts=None, document_counts=None):
    """Count tokens over documents.

    token_lists: an iterable of documents, each an iterable of hashable tokens (strings).
    counts: optional dict token -> occurrences to add to (updated in place, new tokens appended in
        the order they are first seen); a new dict when None.
    document_counts: optional dict token -> number of documents containing it, likewise.
    Returns (counts, document_counts, n_documents): n_documents is how many documents were read
    in this call.
    """
    counts = {} if counts is None else counts
    document_counts = {} if document_counts is None else document_counts
    n_documents = 0
    for tokens in token_lists:
        n_documents += 1
        seen_here = {}  # a dict, not a set: iteration order stays deterministic
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
            seen_here[token] = None
        for token in seen_here:
            document_counts[token] = document_counts.get(token, 0) + 1
    return counts, document_counts, n_documents


def rank_by_count(counts, ties="first_seen"):
    """The (token, count) pairs of ``counts`` from the most to the least frequent.

    ties: ``"first_seen"`` keeps tied tokens in ``counts``'s own order (Keras's rule; ``counts``
        must then be insertion-ordered by first occurrence, as ``count_tokens`` makes it), or
        ``"alphabetical"`` sorts them by the token itself (the WildML tools' rule).
    """
    items = list(counts.items())
    if ties == "first_seen":
        # sorted() is stable, so equal counts keep their first-seen order.
        return sorted(items, key=lambda item: -item[1])
    if ties == "alphabetical":
        return sorted(items, key=lambda item: (-item[1], item[0]))
    raise ConfigError(f"ties must be one of {TIE_BREAKS}, got {ties!r}")
