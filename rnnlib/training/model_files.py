"""Saving and loading models without pickle.

A model file is a NumPy ``.npz`` archive holding

* one array per parameter, under ``param/<name>``, and
* ``meta``: a 0-d unicode array with JSON text: format tag and version, the vocabulary, the config.

It is read back with ``np.load(..., allow_pickle=False)``, so a file can never run code.  Writes
go to a temporary file in the same folder that is then renamed over the target (``os.replace`` is
atomic on one filesystem): a crash or Ctrl-C mid-save leaves the previous file intact, never a
half-written one.
"""
import glob
import json
import math
import os
import struct
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ..core.checks import MAX_ELEMENTS, check_finite
from ..errors import ModelFileError, RnnlibError
from .language_model import LanguageModel
from ..data.chars import CharVocab
from ..data.words import WordVocab

FORMAT = "rnnlib-model"
VERSION = 1


def save_model(model, path):
    """Write ``model`` (a LanguageModel) to ``path`` atomically.  Returns the Path written.

    A model that ``load_model`` would refuse (NaN or infinite parameters, integer or object arrays,
    shapes that do not fit together or the vocabulary, a config that is not a JSON object) is
    refused here, before anything is written.  The temporary file is named after this process
    (``.NAME.<pid>.<random>.npz.tmp``); ones left behind by a writer that was killed are removed.
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ModelFileError(f"save_model: path must be a file name ending in .npz, got {path!r}")
    path = Path(path)
    if path.suffix != ".npz":
        raise ModelFileError(f"model files end in .npz, got {path.name!r}")
    if path.is_dir():
        raise ModelFileError(f"{path} is a folder; give a file name ending in .npz")
    if not isinstance(getattr(model, "parameters", None), dict) or not hasattr(model, "vocab"):
        raise ModelFileError(f"save_model: model must be a LanguageModel, got {type(model).__name__}")
    if getattr(model.vocab, "kind", None) == "words" and isinstance(model.vocab, WordVocab):
        vocab_meta = {"vocab_kind": "words", "tokens": list(model.vocab.tokens), "lower": model.vocab.lower}
    elif isinstance(model.vocab, CharVocab):  # characters: the original format, unchanged
        vocab_meta = {"chars": model.vocab.chars}
    else:
        raise ModelFileError(f"save_model: the vocabulary must be a CharVocab or WordVocab, got {type(model.vocab).__name__}")
    if not isinstance(model.config, dict):
        raise ModelFileError(f"save_model: the model's config must be a dict, got {type(model.config).__name__}")
    meta = {"format": FORMAT, "version": VERSION, **vocab_meta, "config": model.config}
    try:
        text = json.dumps(meta)
    except (TypeError, ValueError, RecursionError) as e:  # ValueError: a config that contains itself
        raise ModelFileError(f"model config must be JSON-serialisable: {e}") from None
    arrays = {}
    for k, v in model.parameters.items():
        if not isinstance(k, str) or not isinstance(v, np.ndarray):
            raise ModelFileError(f"save_model: parameter {k!r} must be a numpy array under a string name")
        arrays[k] = v
    _check_parameters(arrays, len(model.vocab), "save_model")
    arrays = {f"param/{k}": v for k, v in arrays.items()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.{os.getpid()}.", suffix=".npz.tmp", dir=path.parent)
    except OSError as e:
        raise ModelFileError(f"cannot write a model file in {path.parent}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, meta=np.array(text), **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; a model file is not secret
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise ModelFileError(f"cannot write {path}: {e.strerror or e}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _remove_stale_temporaries(path):
    """Delete ``.NAME.<pid>.*.npz.tmp`` files next to ``path`` whose writing process is gone."""
    for tmp in path.parent.glob(f".{glob.escape(path.stem)}.*.npz.tmp"):
        pid = tmp.name[len(path.stem) + 2:].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or a pid we cannot ask about: leave its file alone
    return True


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def load_model(path, expect_vocab=None):
    """Read a model file written by ``save_model``.

    expect_vocab: optional CharVocab or WordVocab; a file built on a different vocabulary is refused.
    Raises ModelFileError naming the problem for a missing, corrupt, foreign or inconsistent file.
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ModelFileError(f"load_model: path must be a file name, got {path!r}")
    if expect_vocab is not None and not isinstance(expect_vocab, (CharVocab, WordVocab)):
        raise ModelFileError(f"load_model: expect_vocab must be a CharVocab, a WordVocab or None, "
                             f"got {type(expect_vocab).__name__}")
    path = Path(path)
    try:
        found = path.is_file()
    except OSError as e:  # a name too long for the file system, a permission problem ...
        raise ModelFileError(f"cannot read a model file at {str(path)[:80]!r}: {e.strerror or e}") from None
    if not found:
        raise ModelFileError(f"no model file at {path}")
    if not zipfile.is_zipfile(path):  # checked first: numpy would blame "pickled data" for any non-zip
        raise ModelFileError(f"{path} is not an rnnlib model file (not an .npz archive)")
    try:
        files = _read_archive(path)
    except ModelFileError:
        raise
    except _READ_ERRORS as e:
        raise ModelFileError(f"{path} is not a readable rnnlib model file ({type(e).__name__}: {e})") from None
    if "meta" not in files:
        raise ModelFileError(f"{path} has no 'meta' entry: not an rnnlib model file")
    meta_array = files.pop("meta")
    if meta_array.dtype.kind != "U" or meta_array.shape != ():
        raise ModelFileError(f"{path}: its 'meta' entry should be one string, got a {meta_array.dtype} array "
                             f"of shape {meta_array.shape}")
    try:
        meta = json.loads(str(meta_array))
    except (json.JSONDecodeError, TypeError, RecursionError) as e:
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


#: What reading a damaged archive can raise (zipfile, zlib, numpy's header parser, the OS).
_READ_ERRORS = (OSError, ValueError, EOFError, zipfile.BadZipFile, NotImplementedError, RuntimeError, struct.error,
                RecursionError, MemoryError, KeyError, SyntaxError, UnicodeDecodeError, OverflowError, TypeError)
MAX_FILE_BYTES = 8 * MAX_ELEMENTS  # uncompressed size of all of a model file's members together
MAX_MEMBERS = 1000


def _read_archive(path):
    """name -> array for every ``.npy`` member, after checking what the archive claims first.

    The central directory (sizes, compression method, the encryption flag) and each member's
    ``.npy`` header (dtype, shape) are read before any data, so a zip bomb, an encrypted or
    oddly compressed member, or a header claiming 10^12 elements is refused without reading it.
    """
    files = {}
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ModelFileError(f"{path} has {len(infos)} members; a model file has a few dozen")
        total = sum(i.file_size for i in infos)
        if total > MAX_FILE_BYTES:
            raise ModelFileError(f"{path} would unpack to {total:,} bytes, more than the {MAX_FILE_BYTES:,} "
                                 "a model file may hold")
        for info in infos:
            if info.flag_bits & 0x1:
                raise ModelFileError(f"{path}: member {info.filename!r} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ModelFileError(f"{path}: member {info.filename!r} uses compression method "
                                     f"{info.compress_type}; model files are stored or deflated")
            if not info.filename.endswith(".npy"):
                continue
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
                elif version == (2, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
                else:
                    raise ModelFileError(f"{path}: member {info.filename!r} has .npy version {version}")
                if dtype.hasobject or dtype.kind not in "fiubU":
                    raise ModelFileError(f"{path} is not an rnnlib model file: member {info.filename!r} has dtype "
                                         f"{dtype}, not plain numbers or text")
                count = math.prod(shape)
                if count > MAX_ELEMENTS or count * dtype.itemsize > info.file_size:
                    raise ModelFileError(f"{path}: member {info.filename!r} claims shape {shape} of {dtype}, "
                                         f"which its {info.file_size:,} bytes cannot hold")
                data = member.read(count * dtype.itemsize)
                if len(data) != count * dtype.itemsize:
                    raise ModelFileError(f"{path}: member {info.filename!r} is truncated")
                array = np.frombuffer(data, dtype=dtype, count=count)
                files[info.filename[:-4]] = array.reshape(shape, order="F" if fortran else "C").copy()
    return files


def _check_parameters(parameters, vocab_size, path):
    """Every parameter present, finite, and of shapes consistent with each other and the vocab."""
    from ..core.lm import describe, layer_names

    if "Waa" not in parameters:
        raise ModelFileError(f"{path} lacks parameters ['Waa']")
    for name, array in parameters.items():  # dtype first: describe() reads Waa
        if not np.issubdtype(array.dtype, np.floating):
            raise ModelFileError(f"{path}: parameter {name} has dtype {array.dtype}, expected floats")
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
