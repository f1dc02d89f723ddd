"""Make the student notebooks and ``show()``'s solutions from the course notebooks' solution cells.

    python tools/exercises.py           # write notebooks/exercises/ and rnnlib/exercises/solutions.json
    python tools/exercises.py --check   # exit 1, naming them, if any of those files is out of date

A course notebook (``notebooks/NN_name.ipynb``) holds the readable solution of each graded function in
one code cell, with nbgrader's markup around the part a student writes::

    def rnn_cell_forward(xt, a_prev, parameters):
        \"\"\"...\"\"\"
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION
        return a_next, yt_pred, cache

For every notebook with such cells this writes

* ``notebooks/exercises/NN_name.ipynb``, the exercise version: the same cells without outputs, each
  solution block replaced by nbgrader's stub (``# YOUR CODE HERE`` and ``raise NotImplementedError()``
  at the block's indentation), a note on top, and links to other notebooks pointing where they
  resolve from the sub-folder; plus its py:percent twin, as ``tools/notebooks.py`` writes twins;
* ``rnnlib/exercises/solutions.json``: {function name: its solution cell's source}, which
  ``rnnlib.exercises.show`` displays.

The output depends on the notebooks' cells only (sorted keys, the source cells' ids, no timestamps), so
running it twice changes nothing; ``--check`` is what the tests and CI run.
"""
import importlib.util
import json
import re
import sys
import textwrap
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXERCISE_DIR = NOTEBOOKS / "exercises"
SOLUTIONS_JSON = ROOT / "rnnlib" / "exercises" / "solutions.json"

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
NOTE_ID = "exercise-version-note"
_DEF = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)
_LINK = re.compile(r"\]\((\d\d_[\w-]+\.ipynb)((?:#[^)]*)?)\)")


def _load_notebook_tools():
    """tools/notebooks.py (twins and the list of course notebooks), loaded by path."""
    spec = importlib.util.spec_from_file_location("notebook_tools", Path(__file__).with_name("notebooks.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


notebook_tools = _load_notebook_tools()


class SolutionMarkupError(ValueError):
    """A solution cell's markup is broken (an unmatched marker, no function, a name used twice)."""


def strip_solutions(source, where="cell"):
    """``source`` with every BEGIN/END SOLUTION block replaced by the stub at the block's indentation.

    Raises SolutionMarkupError for a BEGIN without its END (or the reverse), or nested blocks.
    """
    out, indent = [], None
    for number, line in enumerate(source.split("\n"), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if indent is not None:
                raise SolutionMarkupError(f"{where}, line {number}: {BEGIN} inside another solution block")
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub_line for stub_line in STUB)
        elif marker == END:
            if indent is None:
                raise SolutionMarkupError(f"{where}, line {number}: {END} without a {BEGIN} before it")
            indent = None
        elif indent is None:
            out.append(line)
    if indent is not None:
        raise SolutionMarkupError(f"{where}: {BEGIN} has no {END}")
    return "\n".join(out)


def solution_cells(nb, where):
    """[(function name, cell)] for the code cells of ``nb`` that hold a solution block, in order."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code" or BEGIN not in cell.source:
            continue
        names = _DEF.findall(cell.source)
        if not names:
            raise SolutionMarkupError(f"{where}: a solution cell defines no function:\n{cell.source[:200]}")
        found.append((names[0], cell))
    return found


def exercise_path(notebook):
    return EXERCISE_DIR / notebook.name


def _title(nb, notebook):
    """The notebook's first heading ("5 · Building an RNN step by step"), else its file name."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.stem


def _note(nb, notebook, names):
    """The markdown cell on top of an exercise notebook, wrapped like the course notebooks' text."""
    functions = ", ".join(f"`{name}`" for name in names)
    first = names[0]
    paragraph = (
        f"**This is the exercise version of [{_title(nb, notebook)}](../{notebook.name}).** Yours to write: "
        f"{functions}. In each function, replace `# YOUR CODE HERE` and the `raise NotImplementedError()` line "
        "under it with your code, run the cell, then the `check(...)` cell below it: it says what passed, or "
        f"which mistake it found. `hint(\"{first}\", 1)` gives a hint (levels 1 to 3: the formula, the shapes, "
        f"the first line) and `show(\"{first}\")` the solution. Until a function passes, the `use(...)` cell "
        "after its check falls back to rnnlib's own, so the notebook runs from top to bottom either way."
    )
    return (textwrap.fill(paragraph, width=110, break_long_words=False, break_on_hyphens=False)
            + "\n\n*Generated by `tools/exercises.py` from the course notebook: edit that one, not this file.*")


def _relink(markdown, exercise_names):
    """Links to other notebooks, as seen from notebooks/exercises/: the exercise version where there is one."""
    def target(match):
        name, anchor = match.group(1), match.group(2)
        return f"]({name if name in exercise_names else '../' + name}{anchor})"
    return _LINK.sub(target, markdown)


def student_notebook(nb, notebook, exercise_names):
    """The exercise version of the solution notebook ``nb`` (read from ``notebook``), as a new notebook."""
    solutions = solution_cells(nb, notebook.name)
    cells = [nbformat.v4.new_markdown_cell(_note(nb, notebook, [name for name, _ in solutions]), id=NOTE_ID)]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cells.append(nbformat.v4.new_code_cell(strip_solutions(cell.source, f"{notebook.name}, cell {cell.id}"),
                                                   id=cell.id, metadata=dict(cell.metadata)))
        elif cell.cell_type == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(_relink(cell.source, exercise_names), id=cell.id,
                                                       metadata=dict(cell.metadata)))
        else:
            cells.append(nbformat.v4.new_raw_cell(cell.source, id=cell.id, metadata=dict(cell.metadata)))
    metadata = {key: nb.metadata[key] for key in ("kernelspec", "language_info") if key in nb.metadata}
    student = nbformat.v4.new_notebook(cells=cells, metadata=metadata)
    student.nbformat, student.nbformat_minor = nb.nbformat, nb.nbformat_minor
    nbformat.validate(student)
    return student


def solution_notebooks():
    """[(path, notebook)] for the course notebooks that hold at least one solution cell."""
    found = []
    for path in notebook_tools.course_notebooks():
        nb = nbformat.read(path, as_version=4)
        if any(cell.cell_type == "code" and BEGIN in cell.source for cell in nb.cells):
            found.append((path, nb))
    return found


def expected_files():
    """{path: text} of every file this tool writes, computed from the course notebooks."""
    notebooks = solution_notebooks()
    exercise_names = {path.name for path, _ in notebooks}
    files, solutions, seen = {}, {}, {}
    for path, nb in notebooks:
        for name, cell in solution_cells(nb, path.name):
            if name in seen:
                raise SolutionMarkupError(f"{name} has a solution cell in both {seen[name]} and {path.name}")
            seen[name] = path.name
            solutions[name] = cell.source
        target = exercise_path(path)
        student = student_notebook(nb, path, exercise_names)
        text = nbformat.writes(student)
        files[target] = text if text.endswith("\n") else text + "\n"  # as nbformat.write ends a file
        # the twin, exactly as tools/notebooks.py's sync would write it for this notebook
        student.metadata["jupytext"] = dict(notebook_tools.TEXT_OPTIONS)
        files[notebook_tools.twin_path(target)] = jupytext.writes(student, fmt=notebook_tools.TEXT_FORMAT)
    files[SOLUTIONS_JSON] = json.dumps(solutions, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return files


def orphans(expected):
    """Files in notebooks/exercises/ that no course notebook produces any more (to delete)."""
    if not EXERCISE_DIR.is_dir():
        return []
    return sorted(p for p in EXERCISE_DIR.iterdir()
                  if p.is_file() and p.suffix in (".ipynb", ".py") and p not in expected)


def stale_files():
    """Paths that ``write`` would create, change or delete."""
    expected = expected_files()
    stale = [path for path, text in expected.items()
             if not path.is_file() or path.read_text(encoding="utf-8") != text]
    return sorted(stale) + orphans(expected)


def write():
    expected = expected_files()
    EXERCISE_DIR.mkdir(exist_ok=True)
    for path in orphans(expected):
        path.unlink()
        print(f"removed {path.relative_to(ROOT)}")
    for path, text in sorted(expected.items()):
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")


def main(argv):
    if argv == ["--check"]:
        stale = stale_files()
        if stale:
            print("out of date (run `make exercises`):", ", ".join(str(p.relative_to(ROOT)) for p in stale))
            return 1
        return 0
    if argv:
        print(__doc__)
        return 2
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
