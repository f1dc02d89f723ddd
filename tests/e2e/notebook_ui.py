"""Operating a notebook in JupyterLab 4 through the page, as a person would: open it, wait for
its kernel, clear the outputs, Run > Run All Cells, wait for the run to finish.

Every wait is bounded and waits on something visible (a selector or a page condition), never
on a fixed sleep.
"""
from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from lab_harness import KERNEL_NAME

OPEN_TIMEOUT_MS = 60_000
KERNEL_TIMEOUT_MS = 60_000
RUN_TIMEOUT_MS = 300_000  # the notebooks' own cells (03_sampling: a few seconds)
MENU_TIMEOUT_MS = 10_000


# True once a run has started (some cell is numbered or waiting) and nothing waits any more
# ("[*]") and the kernel is idle.  After an error, Run All stops with later cells unnumbered.
_RUN_FINISHED_JS = """
(panel) => {
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent.trim());
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status;
  const numbered = prompts.filter(p => /^\\[\\d+\\]:$/.test(p)).length;
  const started = numbered > 0 || prompts.some(p => p === '[*]:');
  return started && !prompts.includes('[*]:') && status === 'idle';
}
"""


def kernel_display_name(server) -> str:
    specs = server.api("GET", "api/kernelspecs")["kernelspecs"]
    assert KERNEL_NAME in specs, (
        f"the server sees no '{KERNEL_NAME}' kernel (only {sorted(specs)}); register it in this "
        f"environment with `make venv` (ipykernel install --sys-prefix --name {KERNEL_NAME})")
    return specs[KERNEL_NAME]["spec"]["display_name"]


def open_notebook(page, server, name: str):
    """Open ``name`` and wait until its kernel (the project's) is connected and idle.

    Returns the notebook panel's locator.  The execution indicator reads "idle" even before a
    kernel is attached ("No Kernel"), so the wait needs the kernel's name in the toolbar too;
    clicking Run All before that loses the run.
    """
    display = kernel_display_name(server)
    page.goto(server.url(f"lab/tree/{name}"), wait_until="domcontentloaded",
              timeout=OPEN_TIMEOUT_MS)
    tab = page.locator(".lm-TabBar-tab.jp-mod-current", has_text=name)
    expect(tab).to_be_visible(timeout=OPEN_TIMEOUT_MS)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(panel).to_have_count(1, timeout=OPEN_TIMEOUT_MS)
    try:
        page.wait_for_function(
            """([panel, display]) =>
                 panel.querySelector('.jp-Toolbar-kernelName')?.textContent.trim() === display
                 && panel.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle'
                 && panel.querySelectorAll('.jp-Cell').length > 0""",
            arg=[panel.element_handle(), display], timeout=KERNEL_TIMEOUT_MS)
    except PlaywrightTimeout:
        raise AssertionError(
            f"{name}: the kernel '{display}' was not idle within {KERNEL_TIMEOUT_MS / 1000:.0f} s "
            f"(toolbar shows {panel.locator('.jp-Toolbar-kernelName').inner_text()!r})") from None
    sessions = [s for s in server.api("GET", "api/sessions") if s["path"].endswith(name)]
    assert sessions and sessions[0]["kernel"]["name"] == KERNEL_NAME, \
        f"{name} is not running the '{KERNEL_NAME}' kernel: {sessions}"
    return panel


def menu(page, top: str, item: str | re.Pattern):
    """Click a main-menu entry, e.g. menu(page, "Run", "Run All Cells")."""
    page.get_by_role("menuitem", name=top, exact=True).click(timeout=MENU_TIMEOUT_MS)
    pattern = item if isinstance(item, re.Pattern) else re.compile(f"^{re.escape(item)}")
    page.locator(".lm-Menu").get_by_role("menuitem", name=pattern).click(timeout=MENU_TIMEOUT_MS)


def stderr_text(panel) -> str:
    """The error/stderr outputs shown in the notebook (for failure messages)."""
    texts = panel.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()
    return "\n---\n".join(t.strip() for t in texts)[-3000:] or "(no error output)"


def run_all(page, panel, name: str, expected_cells: int):
    """Clear every output, Run > Run All Cells, wait until the run has finished.

    Clearing first means any widget found afterwards comes from this run (the committed
    notebook's saved widget outputs look the same).  Fails, with the notebook's error output,
    unless all ``expected_cells`` code cells got an execution count.
    """
    menu(page, "Edit", "Clear Outputs of All Cells")
    expect(panel.locator(".jp-CodeCell .jp-InputPrompt", has_text=re.compile(r"\d"))).to_have_count(
        0, timeout=MENU_TIMEOUT_MS)
    menu(page, "Run", "Run All Cells")
    try:
        page.wait_for_function(_RUN_FINISHED_JS, arg=panel.element_handle(),
                               timeout=RUN_TIMEOUT_MS, polling=100)
    except PlaywrightTimeout:
        raise AssertionError(f"{name}: Run All did not finish within "
                             f"{RUN_TIMEOUT_MS / 1000:.0f} s\n{stderr_text(panel)}") from None
    prompts = panel.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
    done = sum(1 for p in prompts if re.fullmatch(r"\[\d+\]:", p.strip()))
    assert done == expected_cells, (
        f"{name}: only {done} of {expected_cells} code cells ran (a cell failed?)\n"
        f"{stderr_text(panel)}")
