"""The public callables the fuzz suite must drive, found by walking the public faces.

``public_callables()`` maps a case name to the object, for every callable that a user reaches
through ``rnnlib.__all__``, ``rnnlib.preprocessing.__all__``, ``rnnlib.nn.__all__``,
``rnnlib.ui.__all__`` and the public functions and classes defined in each ``rnnlib.course.*``
module, plus the public methods those classes define.  A case name is the bare name
(``"plot_history"``) when one object goes by it, else the face's short name and the name
(``"nn.History"``, ``"course.lstm_step_by_step.as_cell_cache"``); a method adds ``.method``.
"""
import importlib
import inspect
import pkgutil

import rnnlib
import rnnlib.course
import rnnlib.nn
import rnnlib.preprocessing
import rnnlib.ui


def _faces():
    """(short name, module, public names) for every face."""
    yield "", rnnlib, rnnlib.__all__
    yield "preprocessing", rnnlib.preprocessing, rnnlib.preprocessing.__all__
    yield "nn", rnnlib.nn, rnnlib.nn.__all__
    yield "ui", rnnlib.ui, rnnlib.ui.__all__
    for info in sorted(pkgutil.iter_modules(rnnlib.course.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"rnnlib.course.{info.name}")
        names = getattr(module, "__all__", None) or [
            n for n, v in vars(module).items()
            if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__]
        yield f"course.{info.name}", module, names


def _is_target(value):
    if inspect.ismodule(value) or not callable(value):
        return False
    if inspect.isclass(value) and issubclass(value, BaseException):
        return False  # the errors: raised, not called
    return True


def _methods(cls):
    """Public methods (and classmethods/staticmethods) that ``cls`` or an rnnlib base defines."""
    out = {}
    for klass in cls.__mro__:
        if not klass.__module__.startswith("rnnlib"):
            continue
        for name, attr in vars(klass).items():
            if name.startswith("_") or name in out:
                continue
            if isinstance(attr, (staticmethod, classmethod)) or inspect.isfunction(attr):
                out[name] = attr
    return out


def public_callables():
    """Case name -> object (see the module docstring)."""
    return {name: obj for name, (obj, _) in _walk().items()}


def method_owners():
    """Case name of each method -> the case name of its class."""
    return {name: owner for name, (_, owner) in _walk().items() if owner is not None}


def _walk():
    found = []  # (face, name, object)
    for face, module, names in _faces():
        for name in names:
            value = getattr(module, name)
            if _is_target(value):
                found.append((face, name, value))
    owners = {}
    for face, name, value in found:
        owners.setdefault(name, set()).add(id(value))
    out = {}
    for face, name, value in found:
        key = name if len(owners[name]) == 1 or not face else f"{face}.{name}"
        out.setdefault(key, (value, None))
        if inspect.isclass(value):
            for method in _methods(value):
                out.setdefault(f"{key}.{method}", (getattr(value, method), key))
    return out
