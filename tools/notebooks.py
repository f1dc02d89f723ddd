"""Keep the course notebooks executed and their text twins in step.

    python tools/notebooks.py execute [NOTEBOOK ...]  # run in a fresh "rnnlib" kernel, save outputs in place
    python tools/notebooks.py sync                    # rewrite every notebook's py:percent twin
    python tools/notebooks.py check                   # exit 1, naming them, if any twin is out of date
    python tools/notebooks.py from-text [TWIN ...]    # after editing a twin: update its notebook's cells

``from-text`` makes the twin the file you edit: it rewrites the notebook's cells from the twin's
text and keeps the outputs (and metadata) of every cell whose source did not change; changed and
new cells have no output until ``execute`` runs the notebook again.

Every ``notebooks/NN_name.ipynb`` (outputs included: nbval compares those) has a twin
``notebooks/NN_name.py`` in jupytext's percent format, with no metadata, so a change to a notebook
reads as a plain diff in review.  ``notebooks/jupytext.toml`` pairs them the same way, so JupyterLab
with jupytext installed saves both; ``tests/test_notebooks_paired.py`` runs ``check``.

``execute`` uses the kernel that ``make venv`` registers (its floating-point pins make the outputs
bit-stable), stores the widgets' state so JupyterLab can show them without re-running, and records no
timestamps, so re-running an unchanged notebook changes nothing in git.
"""
import sys
from pathlib import Path

import jupytext
import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
TEXT_FORMAT = "py:percent"
# The same filters as notebooks/jupytext.toml: the twin holds the cells' text and nothing else.
TEXT_OPTIONS = {"notebook_metadata_filter": "-all", "cell_metadata_filter": "-all"}


def course_notebooks():
    """The notebooks nbval checks: notebooks/*.ipynb (not the exercises' sub-folder)."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def twin_path(notebook):
    return notebook.with_suffix(".py")


def as_text(notebook):
    """The py:percent text of ``notebook`` (a path), exactly as ``sync`` writes it."""
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["jupytext"] = dict(TEXT_OPTIONS)
    return jupytext.writes(nb, fmt=TEXT_FORMAT)


def stale_twins():
    """Notebooks whose twin is missing or differs from ``as_text``."""
    stale = []
    for notebook in course_notebooks():
        twin = twin_path(notebook)
        if not twin.is_file() or twin.read_text(encoding="utf-8") != as_text(notebook):
            stale.append(notebook)
    return stale


def sync():
    for notebook in course_notebooks():
        twin_path(notebook).write_text(as_text(notebook), encoding="utf-8")


def from_text(twins):
    """Rewrite each twin's notebook from the twin's cells, keeping the outputs of unchanged cells."""
    from jupytext.combine import combine_inputs_with_outputs

    for twin in twins:
        twin = Path(twin).resolve().with_suffix(".py")
        notebook = twin.with_suffix(".ipynb")
        edited = jupytext.read(twin, fmt=TEXT_FORMAT)
        saved = nbformat.read(notebook, as_version=4)
        combined = combine_inputs_with_outputs(edited, saved, fmt=TEXT_FORMAT)
        # jupytext also hands an edited cell the outputs of the cell it replaced; those are stale
        unchanged = {cell.source for cell in saved.cells if cell.cell_type == "code"}
        for cell in combined.cells:
            if cell.cell_type == "code" and cell.source not in unchanged:
                cell.outputs, cell.execution_count = [], None
        combined.metadata.pop("jupytext", None)  # the course notebooks keep no jupytext metadata
        nbformat.write(combined, notebook)
        print(f"{notebook.name}: cells from {twin.name}", flush=True)


def execute(paths):
    from nbclient import NotebookClient

    for path in paths:
        path = Path(path).resolve()
        nb = nbformat.read(path, as_version=4)
        print(f"executing {path.name} ...", flush=True)
        NotebookClient(nb, kernel_name="rnnlib", timeout=600, record_timing=False, store_widget_state=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = coalesce_streams(cell.outputs)
        nbformat.write(nb, path)


def coalesce_streams(outputs):
    """Join consecutive stdout (or stderr) pieces into one output, as JupyterLab shows and saves them."""
    joined = []
    for out in outputs:
        if (out.output_type == "stream" and joined and joined[-1].output_type == "stream"
                and joined[-1].name == out.name):
            joined[-1].text += out.text
        else:
            joined.append(out)
    return joined


def main(argv):
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command == "execute":
        execute(rest or course_notebooks())
        sync()
    elif command == "from-text":
        if not rest:
            print("from-text needs the twins to read, e.g. notebooks/05_rnn_step_by_step.py")
            return 2
        from_text(rest)
        # only these twins: the others may hold edits not yet read into their notebooks
        for twin in rest:
            notebook = Path(twin).resolve().with_suffix(".ipynb")
            twin_path(notebook).write_text(as_text(notebook), encoding="utf-8")
    elif command == "sync":
        sync()
    elif command == "check":
        stale = stale_twins()
        if stale:
            print("out of date (run `python tools/notebooks.py sync`):", ", ".join(p.name for p in stale))
            return 1
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
