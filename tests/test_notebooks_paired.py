"""Every course notebook has an up-to-date py:percent twin (tools/notebooks.py), so reviews read diffs."""
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("jupytext")
spec = importlib.util.spec_from_file_location("notebook_tools", ROOT / "tools" / "notebooks.py")
tools = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tools)


def test_there_are_notebooks():
    assert len(tools.course_notebooks()) >= 9


@pytest.mark.parametrize("notebook", tools.course_notebooks(), ids=lambda p: p.stem)
def test_twin_is_current(notebook):
    twin = tools.twin_path(notebook)
    assert twin.is_file(), f"{twin.name} is missing: run `python tools/notebooks.py sync`"
    assert twin.read_text(encoding="utf-8") == tools.as_text(notebook), (
        f"{twin.name} is out of date with {notebook.name}: run `python tools/notebooks.py sync`")


def test_a_changed_notebook_is_noticed(tmp_path, monkeypatch):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setattr(tools, "NOTEBOOKS", tmp_path)
    tools.sync()
    assert tools.stale_twins() == []
    nb.cells[0].source = "x = 2"
    nbformat.write(nb, path)
    assert tools.stale_twins() == [path]
    assert "x = 1" in tools.twin_path(path).read_text()
