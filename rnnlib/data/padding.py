"""Padding id sequences into one rectangular array, with Keras's ``pad_sequences`` semantics."""
import numpy as np

from ..errors import CorpusError


def pad_sequences(sequences, maxlen=None, *, dtype="int32", padding="pre", truncating="pre", value=0):
    """Keras's ``pad_sequences``: a list of id sequences -> one ``(len(sequences), maxlen)`` array.

    maxlen: row length; None means the longest sequence's length.
    truncating: sequences longer than ``maxlen`` lose values from the start (``'pre'``, Keras's
        default) or the end (``'post'``).
    padding: shorter ones are filled with ``value`` before (``'pre'``, default) or after (``'post'``).
    value: the fill; Keras's default is 0, rnnlib's padding id is ``PAD`` (-1), which is what the
        rnnlib models need (padding after the sequence: ``padding='post'``).
    dtype: of the result (Keras's default, int32).
    Raises CorpusError for bad options or sequences that are not flat lists of numbers.
    """
    if padding not in ("pre", "post"):
        raise CorpusError(f"pad_sequences: padding must be 'pre' or 'post', got {padding!r}")
    if truncating not in ("pre", "post"):
        raise CorpusError(f"pad_sequences: truncating must be 'pre' or 'post', got {truncating!r}")
    if isinstance(sequences, (str, np.ndarray)) and np.ndim(sequences) < 2:
        raise CorpusError("pad_sequences takes a list of sequences")
    rows = []
    for i, s in enumerate(sequences):
        try:
            row = np.asarray(s)
        except (TypeError, ValueError):
            row = None
        if row is None or row.ndim != 1 or (row.size and not np.issubdtype(row.dtype, np.number)):
            raise CorpusError(f"pad_sequences: sequence {i} is not a flat sequence of numbers: {s!r:.60}")
        rows.append(row)
    if maxlen is None:
        maxlen = max((len(r) for r in rows), default=0)
    elif not isinstance(maxlen, (int, np.integer)) or maxlen < 0:
        raise CorpusError(f"pad_sequences: maxlen must be None or an integer >= 0, got {maxlen!r}")
    out = np.full((len(rows), maxlen), value, dtype=dtype)
    for i, row in enumerate(rows):
        if maxlen == 0 or len(row) == 0:
            continue
        row = row[-maxlen:] if truncating == "pre" else row[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(row) :] = row
        else:
            out[i, : len(row)] = row
    return out
