"""Tests for tools/exercises.py and what it writes: the student notebooks and solutions.json.

* the committed student notebooks and ``rnnlib/exercises/solutions.json`` are what the tool writes now;
* every student notebook has no outputs, one stub per exercise and no solution left in it;
* every solution cell of the course notebooks passes its own ``check`` cell, and the solution cells and
  the registered exercises are the same set;
* every student notebook runs from top to bottom in the notebooks' "rnnlib" kernel, each check saying
  "not implemented yet" (``use`` falls back to rnnlib's functions).
"""
import importlib.util
import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("jupytext")
nbformat = pytest.importorskip("nbformat")
spec = importlib.util.spec_from_file_location("exercise_tools", ROOT / "tools" / "exercises.py")
tools = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tools)

from rnnlib.exercises import EXERCISES, check, registry  # noqa: E402  (after the skips above)

SOLUTION_NOTEBOOKS = tools.solution_notebooks()
STUDENT_NOTEBOOKS = sorted(tools.EXERCISE_DIR.glob("*.ipynb"))
CHECK_CELL = re.compile(r"^check\(\"(\w+)\", (\w+)(?:, forward=(\w+))?\)$")


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


# --- the tool itself ---------------------------------------------------------------------------------

def test_a_solution_block_becomes_the_stub_at_its_indentation():
    source = ("def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    y = x + 1\n    if y:\n        y = 2\n"
              "    ### END SOLUTION\n    return y")
    assert tools.strip_solutions(source) == (
        "def f(x):\n    \"\"\"Doc.\"\"\"\n    # YOUR CODE HERE\n    raise NotImplementedError()\n    return y")
    nested = "def g():\n    for i in range(3):\n        ### BEGIN SOLUTION\n        pass\n        ### END SOLUTION\n"
    assert "        # YOUR CODE HERE\n        raise NotImplementedError()\n" in tools.strip_solutions(nested)


@pytest.mark.parametrize("broken, why", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "has no ### END SOLUTION"),
    ("def f():\n    ### END SOLUTION\n", "without a ### BEGIN SOLUTION"),
    ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n", "inside another solution block"),
])
def test_broken_markup_is_refused_with_the_line(broken, why):
    with pytest.raises(tools.SolutionMarkupError, match=why):
        tools.strip_solutions(broken, "demo.ipynb")


def test_check_mode_names_a_stale_file_and_writing_fixes_it(tmp_path, monkeypatch, capsys):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 1 · Demo\n\nNext: [2 · Other](02_other.ipynb).", id="title"),
        nbformat.v4.new_code_cell("def twice(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    ### END SOLUTION\n"
                                  "    return y", id="solution"),
    ])
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="left over\n")]
    nb.cells[1].execution_count = 3
    nbformat.write(nb, tmp_path / "01_demo.ipynb")
    monkeypatch.setattr(tools.notebook_tools, "NOTEBOOKS", tmp_path)
    monkeypatch.setattr(tools, "EXERCISE_DIR", tmp_path / "exercises")
    monkeypatch.setattr(tools, "SOLUTIONS_JSON", tmp_path / "solutions.json")
    monkeypatch.setattr(tools, "ROOT", tmp_path)
    assert tools.main(["--check"]) == 1
    assert "exercises/01_demo.ipynb" in capsys.readouterr().out
    assert tools.main([]) == 0 and tools.main(["--check"]) == 0
    student = nbformat.read(tmp_path / "exercises" / "01_demo.ipynb", as_version=4)
    assert student.cells[0].id == tools.NOTE_ID and "exercise version" in student.cells[0].source
    assert "](../02_other.ipynb)" in student.cells[1].source  # no exercise version of 02: the course's
    assert student.cells[2].outputs == [] and student.cells[2].execution_count is None
    assert "raise NotImplementedError()" in student.cells[2].source and "2 * x" not in student.cells[2].source
    assert json.loads((tmp_path / "solutions.json").read_text()) == {"twice": nb.cells[1].source}
    first = (tmp_path / "exercises" / "01_demo.ipynb").read_text()
    tools.main([])
    assert (tmp_path / "exercises" / "01_demo.ipynb").read_text() == first  # deterministic
    (tmp_path / "exercises" / "09_gone.py").write_text("# %%\n")
    assert tools.stale_files() == [tmp_path / "exercises" / "09_gone.py"]  # an orphan is stale too


def test_a_function_solved_in_two_notebooks_is_refused(tmp_path, monkeypatch):
    cell = "def f():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION\n"
    for name in ("01_a.ipynb", "02_b.ipynb"):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)]), tmp_path / name)
    monkeypatch.setattr(tools.notebook_tools, "NOTEBOOKS", tmp_path)
    with pytest.raises(tools.SolutionMarkupError, match="f has a solution cell in both 01_a.ipynb and 02_b.ipynb"):
        tools.expected_files()


# --- what it wrote -----------------------------------------------------------------------------------

def test_committed_student_notebooks_and_solutions_are_current():
    stale = tools.stale_files()
    assert not stale, f"out of date: {[str(p.relative_to(ROOT)) for p in stale]}; run `make exercises`"


def test_show_reads_the_solution_cells():
    shown = registry._solutions()
    assert sorted(shown) == sorted(EXERCISES)
    assert "### BEGIN SOLUTION" in shown["rnn_cell_forward"]
    assert shown["rnn_cell_forward"].startswith("def rnn_cell_forward(xt, a_prev, parameters):")


@pytest.mark.parametrize("path", STUDENT_NOTEBOOKS, ids=lambda p: p.stem)
def test_student_notebook_has_stubs_and_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    source_nb = nbformat.read(tools.NOTEBOOKS / path.name, as_version=4)
    names = [name for name, _ in tools.solution_cells(source_nb, path.name)]
    text = "\n".join(cell.source for cell in nb.cells)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code_cells(nb))
    for name in names:
        cells = [cell for cell in code_cells(nb) if re.search(rf"^def {name}\(", cell.source, re.MULTILINE)]
        assert len(cells) == 1, f"{path.name}: {len(cells)} cells define {name}"
        assert cells[0].source.count("raise NotImplementedError()") == 1
    assert text.count("# YOUR CODE HERE\n") == len(names)


# --- the solution cells ----------------------------------------------------------------------------

def test_every_registered_exercise_has_one_solution_cell_in_its_notebook():
    solved = {name: path.name for path, nb in SOLUTION_NOTEBOOKS for name, _ in tools.solution_cells(nb, path.name)}
    assert sorted(solved) == sorted(EXERCISES), "solution cells and registered exercises differ"
    for name, exercise in EXERCISES.items():
        assert solved[name] == exercise.notebook, f"{name}: solution in {solved[name]}, registered {exercise.notebook}"


@pytest.mark.parametrize("path, nb", SOLUTION_NOTEBOOKS, ids=[p.stem for p, _ in SOLUTION_NOTEBOOKS])
def test_every_solution_cell_passes_its_check(path, nb, monkeypatch):
    """Run the notebook's import cell and its solution cells in order, and evaluate each check cell.

    Every solution is followed by its check cell (``check("name", name[, forward=...])``) and then by a
    ``name = use("name", name)`` cell before the notebook calls it."""
    monkeypatch.chdir(path.parent)  # the notebooks' relative paths resolve from notebooks/
    cells = code_cells(nb)
    namespace = {"__name__": "__main__"}
    with redirect_stdout(io.StringIO()):
        exec(cells[0].source, namespace)
    solutions = dict((id(cell), name) for name, cell in tools.solution_cells(nb, path.name))
    for index, cell in enumerate(cells):
        if id(cell) not in solutions:
            continue
        name = solutions[id(cell)]
        exec(cell.source, namespace)
        check_cell = cells[index + 1].source.strip()
        match = CHECK_CELL.match(check_cell)
        assert match and match.group(1) == match.group(2) == name, f"{path.name}: {name}'s next cell is {check_cell!r}"
        assert (match.group(3) is not None) == EXERCISES[name].takes_forward, check_cell
        with redirect_stdout(io.StringIO()):
            verdict = eval(check_cell, {**namespace, "check": check})
        assert verdict.passed, verdict.message
        later = cells[index + 2:]
        uses = [i for i, c in enumerate(later) if re.search(rf'^{name} = use\("{name}", {name}\)$', c.source, re.M)]
        calls = [i for i, c in enumerate(later) if re.search(rf"\b{name}\(", c.source)]
        assert uses and (not calls or uses[0] < calls[0]), (
            f"{path.name}: no `{name} = use(...)` cell before the first cell after its check that calls it")


# --- the student notebooks run -------------------------------------------------------------------

def _kernel_available():
    try:
        from jupyter_client.kernelspec import NoSuchKernel, get_kernel_spec
        get_kernel_spec("rnnlib")
        return True
    except (ImportError, NoSuchKernel):
        return False


@pytest.mark.skipif(not _kernel_available(), reason="the rnnlib kernel (make venv) is not registered")
@pytest.mark.parametrize("path", STUDENT_NOTEBOOKS, ids=lambda p: p.stem)
def test_student_notebook_runs_top_to_bottom(path, tmp_path):
    """As a student first opens it: every function a stub, every check "not implemented yet", and the
    notebook still runs to the end on rnnlib's functions (in a scratch folder: it writes files)."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="rnnlib", timeout=600, resources={"metadata": {"path": str(tmp_path)}}).execute()
    checks = [cell for cell in code_cells(nb) if CHECK_CELL.match(cell.source.strip())]
    assert checks
    for cell in checks:
        shown = "".join(out.get("data", {}).get("text/plain", "") for out in cell.outputs)
        assert "not implemented yet" in shown, f"{path.name}: {cell.source} showed {shown!r}"
