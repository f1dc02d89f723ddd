"""End-to-end: the course notebooks' widgets work in a real browser.

nbval re-runs the notebooks but has no front end, so it cannot see a slider move or the names
change.  Here a throwaway JupyterLab server (tests/e2e/lab_harness.py) serves a copy of the
notebooks, headless Chromium opens each notebook that displays widgets, runs all its cells with
the project's kernel, and operates every widget with the mouse and keyboard
(tests/e2e/widget_drivers.py), asserting on what the page shows.  A screenshot of each widget
goes to screenshots/ (git-ignored; CI keeps it).

Run alone:  CI=true python -m pytest tests/e2e -v
"""
import re

import pytest

from lab_harness import NOTEBOOKS, SCREENSHOTS, code_cell_count, widget_outputs

# The notebooks that display widgets: CSS class of each widget's outer box -> how many of them.
# A new notebook with widgets adds a line here (and, for a new kind of widget, a driver in
# widget_drivers.py); test_every_widget_notebook_is_listed fails until it does.
WIDGET_NOTEBOOKS = {
    "03_sampling.ipynb": {"rnnlib-dino-sampler": 1},
    "08_writing_like_shakespeare.ipynb": {"rnnlib-live-training": 1, "rnnlib-poem-writer": 1},
    "10_jazz_improvisation.ipynb": {"rnnlib-jazz-improviser": 1},
    "12_names_by_language.ipynb": {"rnnlib-language-guesser": 1},
}

VIEWPORT = {"width": 1280, "height": 1400}


def notebooks_with_widgets() -> dict[str, int]:
    found = {}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        count = widget_outputs(path)
        if count:
            found[path.name] = count
    return found


def test_every_widget_notebook_is_listed():
    """Each notebook whose saved outputs show widgets is in WIDGET_NOTEBOOKS, with that many."""
    listed = {name: sum(boxes.values()) for name, boxes in WIDGET_NOTEBOOKS.items()}
    assert notebooks_with_widgets() == listed


def test_every_listed_widget_has_a_driver(browser_requirements):
    from widget_drivers import DRIVERS  # imports playwright

    missing = {cls for boxes in WIDGET_NOTEBOOKS.values() for cls in boxes} - DRIVERS.keys()
    assert not missing, f"no driver in widget_drivers.py for {sorted(missing)}"


@pytest.mark.parametrize("notebook", sorted(WIDGET_NOTEBOOKS))
def test_widgets_work_in_the_browser(notebook, lab_server, browser):
    from notebook_ui import open_notebook, run_all
    from playwright.sync_api import expect
    from widget_drivers import DRIVERS

    SCREENSHOTS.mkdir(exist_ok=True)
    stem = re.sub(r"\W+", "_", notebook.removesuffix(".ipynb"))
    failed_shot = SCREENSHOTS / f"{stem}-FAILED.png"
    failed_shot.unlink(missing_ok=True)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        panel = open_notebook(page, lab_server, notebook)
        run_all(page, panel, notebook, code_cell_count(NOTEBOOKS / notebook))
        for css_class, count in WIDGET_NOTEBOOKS[notebook].items():
            boxes = panel.locator(f".{css_class}")
            expect(boxes, f"{notebook}: widgets .{css_class} after running it").to_have_count(
                count, timeout=30_000)
            for i in range(count):
                box = boxes.nth(i)
                box.scroll_into_view_if_needed()
                DRIVERS[css_class](page, box)
                box.screenshot(path=SCREENSHOTS / f"{stem}-{css_class}-{i}.png")
    except BaseException:
        try:  # the whole page as it was, for the CI artefacts
            page.screenshot(path=failed_shot, full_page=True, timeout=10_000)
        except Exception:
            pass
        raise
    finally:
        context.close()
