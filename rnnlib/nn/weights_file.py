"""Weights on disk: a ``.npz`` of the model's ``get_weights()`` in Keras's layout, keyed
``"<index>.<layer name>.<weight name>"``; read with ``allow_pickle=False`` (a weights file cannot
run code) and written atomically (a temporary file in the same folder renamed over the target, so a
crash never leaves half a file)."""
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ..errors import ModelFileError


def weight_keys(model):
    keys = []
    for i, layer in enumerate(model.layers):
        for name in layer.weight_names():
            keys.append(f"{i:03d}.{layer.name}.{name.replace('/', '.')}")
    return keys


def save_weights(model, path):
    path = Path(path)
    if path.suffix != ".npz":
        raise ModelFileError(f"save_weights: {path} should end in .npz (rnnlib writes numpy archives, not HDF5)")
    arrays = dict(zip(weight_keys(model), model.get_weights()))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".npz.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def load_weights(model, path):
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"load_weights: no file at {path}")
    try:
        with np.load(path, allow_pickle=False) as data:
            stored = {k: data[k] for k in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise ModelFileError(f"load_weights: {path} is not a readable .npz weights file ({e})") from None
    keys = weight_keys(model)
    missing = [k for k in keys if k not in stored]
    extra = [k for k in stored if k not in keys]
    if missing or extra:
        raise ModelFileError(f"load_weights: {path} does not match this model: "
                             f"missing {missing or 'nothing'}, unexpected {extra or 'nothing'}")
    for key, current in zip(keys, model.get_weights()):
        if stored[key].shape != current.shape:
            raise ModelFileError(f"load_weights: {key} has shape {stored[key].shape} in {path}, the model needs {current.shape}")
    model.set_weights([stored[k] for k in keys])
