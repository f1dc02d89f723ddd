"""Saving and loading models without pickle.

A model file is a NumPy ``.npz`` archive holding

* one array per parameter, under ``param/<name>``, and
* ``meta``: a 0-d unicode array with JSON text: format tag and version, the vocabulary, the config.

It is read back with ``np.load(..., allow_pickle=False)``, so a file can never run code.  Writes
go to a temporary file in the same folder that is then renamed over the target (``os.replace`` is
atomic on one filesystem): a crash or Ctrl-C mid-save leaves the previous file intact, never a
half-written one.
"""
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ..core.checks import check_finite
from ..errors import ModelFileError, RnnlibError
from .language_model import LanguageModel
from ..data.chars import CharVocab
from ..data.words import WordVocab

FORMAT = "rnnlib-model"
VERSION = 1


def save_model(model, path):
    """Write ``model`` (a LanguageModel) to ``path`` atomically.  Returns the Path written."""
    path = Path(path)
    if path.suffix != ".npz":
        raise ModelFileError(f"model files end in .npz, got {path.name!r}")
    if getattr(model.vocab, "kind", None) == "words":  # a WordVocab: its tokens, tagged as words
        vocab_meta = {"vocab_kind": "words", "tokens": list(model.vocab.tokens), "lower": model.vocab.lower}
    else:  # characters: the original format, unchanged
        vocab_meta = {"chars": model.vocab.chars}
    meta = {"format": FORMAT, "version": VERSION, **vocab_meta, "config": model.config}
    try:
        text = json.dumps(meta)
    except (TypeError, ValueError) as e:  # ValueError: a config that contains itself
        raise ModelFileError(f"model config must be JSON-serialisable: {e}") from None
    arrays = {f"param/{k}": np.asarray(v) for k, v in model.parameters.items()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".npz.tmp", dir=path.parent)
    except OSError as e:
        raise ModelFileError(f"cannot write a model file in {path.parent}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, meta=np.array(text), **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; a model file is not secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def load_model(path, expect_vocab=None):
    """Read a model file written by ``save_model``.

    expect_vocab: optional CharVocab or WordVocab; a file built on a different vocabulary is refused.
    Raises ModelFileError naming the problem for a missing, corrupt, foreign or inconsistent file.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"no model file at {path}")
    if not zipfile.is_zipfile(path):  # checked first: numpy would blame "pickled data" for any non-zip
        raise ModelFileError(f"{path} is not an rnnlib model file (not an .npz archive)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            files = {k: archive[k] for k in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise ModelFileError(f"{path} is not a readable rnnlib model file ({e})") from None
    if "meta" not in files:
        raise ModelFileError(f"{path} has no 'meta' entry: not an rnnlib model file")
    try:
        meta = json.loads(str(files.pop("meta")))
    except (json.JSONDecodeError, TypeError) as e:
        raise ModelFileError(f"{path}: its 'meta' entry is not valid JSON ({e})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not an rnnlib model file (format tag {meta.get('format') if isinstance(meta, dict) else None!r})")
    if meta.get("version") != VERSION:
        raise ModelFileError(f"{path} has model format version {meta.get('version')}, this rnnlib reads {VERSION}")
    kind = meta.get("vocab_kind", "chars")
    if kind not in ("chars", "words"):
        raise ModelFileError(f"{path}: unknown vocabulary kind {kind!r} (this rnnlib reads 'chars' and 'words')")
    try:
        if kind == "words":
            if not isinstance(meta["tokens"], list) or not isinstance(meta.get("lower", True), bool):
                raise TypeError("'tokens' must be a list and 'lower' true or false")
            vocab = WordVocab(meta["tokens"], lower=meta.get("lower", True))
        else:
            vocab = CharVocab(meta["chars"])
    except (KeyError, TypeError, RnnlibError) as e:
        raise ModelFileError(f"{path}: bad vocabulary in model file ({e})") from None
    if not isinstance(meta.get("config", {}), dict):
        raise ModelFileError(f"{path}: the model's config should be a JSON object, got {type(meta['config']).__name__}")
    if expect_vocab is not None and vocab != expect_vocab:
        def shown(v):  # characters as before; a word vocabulary by its repr
            return repr("".join(v.chars)) if hasattr(v, "chars") else repr(v)

        raise ModelFileError(f"{path} was trained on vocabulary {shown(vocab)}, expected {shown(expect_vocab)}")
    parameters = {k[len("param/"):]: v for k, v in files.items() if k.startswith("param/")}
    _check_parameters(parameters, len(vocab), path)
    return LanguageModel(parameters, vocab, meta.get("config", {}))


def _check_parameters(parameters, vocab_size, path):
    """Every parameter present, finite, and of shapes consistent with each other and the vocab."""
    from ..core.lm import describe, layer_names

    if "Waa" not in parameters:
        raise ModelFileError(f"{path} lacks parameters ['Waa']")
    try:
        cell, layers, n_a = describe(parameters)
    except RnnlibError as e:
        raise ModelFileError(f"{path}: {e}") from None
    G = parameters["Waa"].shape[0] // n_a
    want = {"Wya": (vocab_size, n_a), "by": (vocab_size, 1)}
    for k in range(1, layers + 1):
        Wx, Wh, b = layer_names(k)
        want.update({Wx: (G * n_a, vocab_size if k == 1 else n_a), Wh: (G * n_a, n_a), b: (G * n_a, 1)})
    missing = [k for k in want if k not in parameters]
    if missing:
        raise ModelFileError(f"{path} lacks parameters {missing}")
    extra = sorted(set(parameters) - set(want))
    if extra:
        raise ModelFileError(f"{path} has unexpected parameters {extra} for a {layers}-layer {cell}")
    for name, shape in want.items():
        if parameters[name].shape != shape:
            raise ModelFileError(f"{path}: parameter {name} has shape {parameters[name].shape}, expected {shape} "
                                 f"for a {layers}-layer {cell} over a vocabulary of {vocab_size}")
        if not np.issubdtype(parameters[name].dtype, np.floating):
            raise ModelFileError(f"{path}: parameter {name} has dtype {parameters[name].dtype}, expected floats")
        try:
            check_finite(name, parameters[name], str(path))
        except RnnlibError as e:
            raise ModelFileError(str(e)) from None
