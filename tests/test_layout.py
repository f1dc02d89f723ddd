"""The package's shape: layers import only downwards, the public face is explicit and unshadowed."""
import ast
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import rnnlib

PACKAGE = Path(rnnlib.__file__).parent
# Each layer may import itself, the layers before it, and rnnlib.errors (which imports nothing).
LAYERS = ["core", "data", "training", "nn", "course", "exercises", "ui"]
# The faces: modules that only re-export.  They may import any layer; no layer may import them.
# rnnlib.preprocessing gives Keras's preprocessing names one import line (rnnlib.data.preprocessing).
FACES = ["rnnlib", "rnnlib.preprocessing"]
# The only other modules outside the layers.
OUTSIDE_LAYERS = ["rnnlib.errors", "rnnlib.__main__"]


def _modules():
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="rnnlib."):
        yield info.name


def _rnnlib_imports(path, module):
    """The rnnlib modules ``path`` imports (relative imports resolved against ``module``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "rnnlib")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "rnnlib":
                if node.module is None:  # "from . import x": x is a module of that package
                    yield from (f"{target}.{a.name}" for a in node.names)
                else:
                    yield target


def _layer(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _path(module):
    relative = Path(*module.split(".")[1:])
    return PACKAGE / relative / "__init__.py" if (PACKAGE / relative).is_dir() else PACKAGE / f"{relative}.py"


@pytest.mark.parametrize("module", [m for m in _modules() if _layer(m)])
def test_layers_import_only_downwards(module):
    rank = LAYERS.index(_layer(module))
    for target in _rnnlib_imports(_path(module), module):
        if target == "rnnlib.errors":
            continue
        layer = _layer(target)
        assert layer is not None, f"{module} imports {target}, which is outside the layers (the public face?)"
        assert LAYERS.index(layer) <= rank, f"{module} ({LAYERS[rank]}) imports {target} ({layer}), a layer above it"


def test_every_module_is_in_a_layer_or_a_face():
    """A new top-level module must be declared here as a face (or go into a layer)."""
    stray = [m for m in _modules() if not _layer(m) and m not in FACES + OUTSIDE_LAYERS]
    assert not stray, f"modules outside the layers and not declared as faces: {stray}"


@pytest.mark.parametrize("face", FACES)
def test_faces_import_only_layers_and_errors(face):
    targets = list(_rnnlib_imports(_path(face), face))
    assert targets, f"{face} re-exports nothing"
    for target in targets:
        assert target == "rnnlib.errors" or _layer(target), f"{face} imports {target}, which is not a layer module"


def test_faces_only_re_export():
    """A face holds no code of its own: every name it lists is defined in a layer module."""
    import rnnlib.preprocessing

    for face in (rnnlib, rnnlib.preprocessing):
        for name in face.__all__:
            value = getattr(face, name)
            home = getattr(value, "__module__", None) or getattr(value, "__name__", None)
            if home is None:  # a constant (a string, a number) records no home module
                continue
            assert home == "rnnlib.errors" or _layer(home), f"{face.__name__}.{name} is defined in {home}"


def test_the_layer_test_sees_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from ..ui.widgets import dino_sampler\nfrom . import lm\n")
    assert list(_rnnlib_imports(bad, "rnnlib.core.bad")) == ["rnnlib.ui.widgets", "rnnlib.core.lm"]


def test_errors_imports_nothing_from_rnnlib():
    assert list(_rnnlib_imports(PACKAGE / "errors.py", "rnnlib.errors")) == []


def test_every_public_name_exists_and_is_listed_once():
    assert len(rnnlib.__all__) == len(set(rnnlib.__all__))
    missing = [n for n in rnnlib.__all__ if not hasattr(rnnlib, n)]
    assert not missing


#: Modules that import an optional extra's package at import time: module -> that package.
OPTIONAL_EXTRA_MODULES = {"rnnlib.core._numba_kernels": "numba", "rnnlib.core._numba_pool": "numba"}
#: Packages of the optional extras (pyproject's ``fast`` and ``bench``), never imported by the rest.
OPTIONAL_PACKAGES = {"numba", "torch"}


def _importable(module):
    """Whether ``module`` can be imported here: its optional extra is installed and, for the pooled
    loops, numpy's own OpenBLAS can be found (``_numba_pool`` refuses to load without it)."""
    package = OPTIONAL_EXTRA_MODULES.get(module)
    if package is not None and importlib.util.find_spec(package) is None:
        return False
    if module == "rnnlib.core._numba_pool":
        from rnnlib.core import _blas

        return _blas.load() is not None
    return True


def _top_level_imports(path):
    """The root package of every import at a module's top level (not inside functions)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module.split(".")[0]


def test_every_module_importing_an_optional_extra_at_import_time_is_listed():
    """``make test`` installs no extra, so a module that imports one at its top level must be in
    OPTIONAL_EXTRA_MODULES (the import test below skips those where the extra is missing)."""
    unlisted = []
    for module in _modules():
        relative = module.split(".")[1:]
        path = PACKAGE.joinpath(*relative).with_suffix(".py")
        if not path.exists():
            path = PACKAGE.joinpath(*relative, "__init__.py")
        needs = set(_top_level_imports(path)) & OPTIONAL_PACKAGES
        if needs and OPTIONAL_EXTRA_MODULES.get(module) not in needs:
            unlisted.append((module, sorted(needs)))
    assert not unlisted, f"modules importing an optional extra at import time, not in OPTIONAL_EXTRA_MODULES: {unlisted}"


def test_no_submodule_shadows_a_public_name():
    """Importing every submodule must not replace a public function with a module of the same name
    (``from rnnlib import model`` once returned the module rnnlib/model.py after ``import rnnlib.train``)."""
    before = {n: getattr(rnnlib, n) for n in rnnlib.__all__}
    for module in _modules():
        if not _importable(module):
            continue  # needs an optional extra that is not installed (make test does not install them)
        importlib.import_module(module)
    for name in rnnlib.__all__:
        assert getattr(rnnlib, name) is before[name], f"rnnlib.{name} changed after importing the submodules"
    top_level = {m.split(".")[1] for m in _modules()}
    assert not top_level & (set(rnnlib.__all__) - {"datasets"}), top_level & set(rnnlib.__all__)
    assert rnnlib.datasets is importlib.import_module("rnnlib.data.datasets")


def test_course_functions_are_callable_after_reimporting():
    """A student re-running an import cell after the fast path was used still gets the course's ``model``."""
    importlib.import_module("rnnlib.training.trainer")
    from rnnlib import model, train

    assert callable(model) and model.__module__ == "rnnlib.course.dinosaurs"
    assert callable(train) and train.__module__ == "rnnlib.training.trainer"


def test_the_layer_test_sees_a_layer_importing_a_face(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from ..preprocessing import Tokenizer\nfrom .. import sample\n")
    targets = list(_rnnlib_imports(bad, "rnnlib.data.bad"))
    assert targets == ["rnnlib.preprocessing", "rnnlib.sample"]
    assert not any(_layer(t) for t in targets)  # so test_layers_import_only_downwards would fail on them


def test_ui_face_is_explicit():
    import rnnlib.ui

    assert all(hasattr(rnnlib.ui, n) for n in rnnlib.ui.__all__)
