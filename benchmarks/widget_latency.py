"""Widget responsiveness: time from a slider change to the updated names in the browser.

Starts a throwaway JupyterLab server on a copy of notebooks/ (tests/e2e/lab_harness.py), opens
03_sampling.ipynb in headless Chromium, runs all its cells with the project's kernel, then moves
the dinosaur sampler's slider one step with the arrow key, again and again.  Each change is
timed in the page, from the keydown event to the first change of the names' HTML (a
MutationObserver), so it covers the browser -> kernel message, the kernel's re-sampling and the
re-render.  It prints each time, the median (target: under 100 ms) and the command.

Needs Chromium at /usr/bin/chromium (``apt-get install -y chromium``) and Playwright's Python
package (in the dev extra); run from the repository root::

    RNNLIB_DATA_MIRROR=/path/to/corpora python benchmarks/widget_latency.py [--changes 20]
"""
import argparse
import os
import platform
import shlex
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # the e2e suite's server and page helpers

from lab_harness import (CHROMIUM, NOTEBOOKS, LabServer, code_cell_count,  # noqa: E402
                         launch_chromium, missing_browser_requirement)

TARGET_MS = 100.0
CHANGE_TIMEOUT_MS = 10_000

# Keydown -> first mutation of the names output; the pair is reset on every keydown.
INSTRUMENT_JS = """
(names) => {
  window.__latency = {t0: 0, t1: 0};
  document.addEventListener('keydown', () => {
    window.__latency = {t0: performance.now(), t1: 0};
  }, true);
  new MutationObserver(() => {
    const lat = window.__latency;
    if (lat.t0 && !lat.t1) lat.t1 = performance.now();
  }).observe(names, {childList: true, subtree: true, characterData: true});
}
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=20, help="timed slider changes (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed changes first (default 2)")
    parser.add_argument("--slider", choices=("temperature", "count", "top-k"), default="temperature",
                        help="which slider of the sampler to move (default temperature)")
    parser.add_argument("--notebook", default="03_sampling.ipynb")
    return parser.parse_args(argv)


def slider_position(handle) -> tuple[float, float, float]:
    return tuple(float(handle.get_attribute(f"aria-value{a}")) for a in ("min", "now", "max"))


def measure(page, box, args) -> list[float]:
    names = box.locator(".rnnlib-names").element_handle()
    page.evaluate(INSTRUMENT_JS, names)
    handle = box.locator(f".rnnlib-{args.slider} .noUi-handle")
    readout = box.locator(f".rnnlib-{args.slider} .widget-readout")
    handle.click()
    times, direction = [], "ArrowRight"
    for i in range(args.warmup + args.changes):
        low, now, high = slider_position(handle)  # turn round at either end
        if direction == "ArrowRight" and now >= high - 1e-9:
            direction = "ArrowLeft"
        elif direction == "ArrowLeft" and now <= low + 1e-9:
            direction = "ArrowRight"
        page.keyboard.press(direction)
        try:
            page.wait_for_function("window.__latency.t1 > 0", timeout=CHANGE_TIMEOUT_MS,
                                   polling="raf")
        except Exception:
            raise SystemExit(f"change {i + 1}: the names did not change within "
                             f"{CHANGE_TIMEOUT_MS} ms (slider at {readout.inner_text()}); "
                             f"try --slider count") from None
        t0, t1 = page.evaluate("[window.__latency.t0, window.__latency.t1]")
        if i >= args.warmup:
            times.append(t1 - t0)
            print(f"  change {i + 1 - args.warmup:2d}: {args.slider} -> "
                  f"{readout.inner_text():>5}  {t1 - t0:7.1f} ms", flush=True)
    return times


def main(argv=None) -> int:
    args = parse_args(argv)
    reason = missing_browser_requirement()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from notebook_ui import open_notebook, run_all

    command = shlex.join(["python", "benchmarks/widget_latency.py", *sys.argv[1:]])
    with LabServer() as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            panel = open_notebook(page, server, args.notebook)
            run_all(page, panel, args.notebook, code_cell_count(NOTEBOOKS / args.notebook))
            box = panel.locator(".rnnlib-dino-sampler").first
            box.wait_for(timeout=30_000)
            box.scroll_into_view_if_needed()
            print(f"Chromium {browser.version} ({CHROMIUM}), Python {platform.python_version()}, "
                  f"{os.cpu_count()} CPUs; {args.notebook}, {args.slider} slider, "
                  f"{args.warmup} untimed + {args.changes} timed changes")
            times = measure(page, box, args)
        finally:
            browser.close()
    median = statistics.median(times)
    verdict = "meets" if median < TARGET_MS else "MISSES"
    print(f"median slider change -> updated names: {median:.1f} ms over {len(times)} changes "
          f"(min {min(times):.1f}, max {max(times):.1f}); {verdict} the {TARGET_MS:.0f} ms target")
    print(f"command: {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
