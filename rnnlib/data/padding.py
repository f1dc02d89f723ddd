"""Padding id sequences into one rectangular array, with Keras's ``pad_sequences`` semantics."""
import numpy as np

from ..core.checks import check_choice, check_elements, is_int, is_real
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
    check_choice("padding", padding, ("pre", "post"), "pad_sequences", error=CorpusError)
    check_choice("truncating", truncating, ("pre", "post"), "pad_sequences", error=CorpusError)
    if isinstance(sequences, (str, np.ndarray)) and np.ndim(sequences) < 2:
        raise CorpusError("pad_sequences takes a list of sequences")
    if sequences is None or isinstance(sequences, (bytes, dict)) or not hasattr(sequences, "__iter__"):
        raise CorpusError(f"pad_sequences takes a list of sequences, got {type(sequences).__name__}")
    try:
        out_dtype = np.dtype(dtype)
    except (TypeError, ValueError):
        raise CorpusError(f"pad_sequences: dtype must be a numpy number type such as 'int32', got {dtype!r}") from None
    if out_dtype.kind not in "biuf":
        raise CorpusError(f"pad_sequences: dtype must be a numpy number type such as 'int32', got {dtype!r}")
    if not is_real(value) or (out_dtype.kind in "biu" and not float(value).is_integer()):
        raise CorpusError(f"pad_sequences: value must be a number that fits dtype {out_dtype}, got {value!r}")
    if out_dtype.kind in "iu" and not np.iinfo(out_dtype).min <= value <= np.iinfo(out_dtype).max:
        raise CorpusError(f"pad_sequences: value {value!r} does not fit dtype {out_dtype}")
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
    elif not is_int(maxlen) or maxlen < 0:
        raise CorpusError(f"pad_sequences: maxlen must be None or an integer >= 0, got {maxlen!r}")
    check_elements(len(rows) * int(maxlen), f"a ({len(rows)}, {maxlen}) padded array", "pad_sequences", error=CorpusError)
    for i, row in enumerate(rows):
        if row.size and out_dtype.kind in "iu" and row.dtype.kind in "iuf" and (
                not np.all(np.isfinite(row)) or row.min() < np.iinfo(out_dtype).min or row.max() > np.iinfo(out_dtype).max):
            raise CorpusError(f"pad_sequences: sequence {i} has values that do not fit dtype {out_dtype}")
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
