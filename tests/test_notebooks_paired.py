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


def test_from_text_reads_an_edited_twin_and_keeps_unchanged_outputs(tmp_path, monkeypatch):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("x")])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="kept\n")]
    nb.cells[1].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=2)]
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setattr(tools, "NOTEBOOKS", tmp_path)
    tools.sync()
    twin = tools.twin_path(path)
    twin.write_text(twin.read_text().replace("\nx\n", "\nx + 1\n"))
    assert tools.main(["from-text", str(twin)]) == 0
    edited = nbformat.read(path, as_version=4)
    assert [c.source for c in edited.cells] == ["x = 1", "x + 1"]
    assert edited.cells[0].outputs[0]["text"] == "kept\n"  # unchanged cell: its output stays
    assert edited.cells[1].outputs == []  # changed cell: no output until the notebook runs again
    assert tools.stale_twins() == []
