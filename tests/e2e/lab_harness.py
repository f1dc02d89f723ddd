"""A throwaway JupyterLab server and a headless Chromium, for the browser tests in this folder
and for benchmarks/widget_latency.py.

``LabServer`` copies the notebooks into a temporary root (so running them never touches the
committed files), gives the server its own config, runtime, settings and workspace folders (so a
developer's own JupyterLab setup cannot leak in), starts ``python -m jupyter lab`` from the
running interpreter's environment on a free loopback port with a fresh random token, and stops
it (kernels included) afterwards.  ``launch_chromium`` starts the system's Chromium through
Playwright; no browser is ever downloaded.

The JupyterLab settings written for the test server avoid two known traps:

* JupyterLab 4 only attaches on-screen cells to the page ("windowing"); ``windowingMode: none``
  puts every cell in the DOM, so a widget at the bottom of a long notebook can be found;
* the "get notified about Jupyter news?" toast can cover widgets; ``fetchNews: false`` (and no
  news URL on the server) stops it.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SCREENSHOTS = ROOT / "screenshots"

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
KERNEL_NAME = "rnnlib"  # the kernel named in the notebooks' metadata (see `make venv`)
CHROMIUM = os.environ.get("RNNLIB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = "install it with `apt-get install -y chromium` (never `playwright install`)"

LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
SERVER_CONFIG = {
    "ServerApp": {"open_browser": False},
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
    },
}


def code_cell_count(path: Path) -> int:
    """Code cells with some source: the cells Run All gives an execution count."""
    cells = json.loads(Path(path).read_text())["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip())


def widget_outputs(path: Path) -> int:
    """How many widget views the notebook's saved outputs display."""
    cells = json.loads(Path(path).read_text())["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code"
               for out in c.get("outputs", []) if WIDGET_VIEW_MIME in out.get("data", {}))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing_browser_requirement() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright's Python package is missing ({exc}); `pip install -e '.[dev]'`"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}; {INSTALL_HINT}"
    return None


def launch_chromium(playwright, **kwargs):
    """The system Chromium, headless, through Playwright (``playwright`` from sync_playwright())."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000, **kwargs)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """A JupyterLab server over a temporary copy of ``notebooks``; use as a context manager."""

    def __init__(self, notebooks: list[str] | None = None, source: Path = NOTEBOOKS,
                 start_timeout: float = 90.0):
        self.source = Path(source)
        self.names = notebooks  # None: copy every notebook
        self.start_timeout = start_timeout
        self.token = secrets.token_hex(24)
        self.port: int | None = None
        self.base = None
        self.proc: subprocess.Popen | None = None
        self.tmp = Path(tempfile.mkdtemp(prefix="rnnlib-e2e-"))
        self.root = self.tmp / "notebooks"
        self.log_path = self.tmp / "server.log"

    # -- setup -----------------------------------------------------------------------------
    def _copy_notebooks(self):
        ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
        shutil.copytree(self.source, self.root, ignore=ignore)
        if self.names is not None:
            for name in self.names:
                if not (self.root / name).is_file():
                    raise FileNotFoundError(f"no notebook {name} in {self.source}")

    def _environment(self) -> dict[str, str]:
        dirs = {name: self.tmp / name for name in ("config", "data", "runtime", "settings",
                                                    "workspaces", "ipython")}
        for path in dirs.values():
            path.mkdir()
        for rel, values in LAB_SETTINGS.items():
            target = dirs["settings"] / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values, indent=2))
        (dirs["config"] / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))
        env = dict(os.environ)
        env.update({
            # Only this environment's kernels and extensions: the user-level data folder (which
            # may hold another `rnnlib` kernel) is replaced by an empty one.
            "JUPYTER_CONFIG_DIR": str(dirs["config"]),
            "JUPYTER_DATA_DIR": str(dirs["data"]),
            "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
            "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
            "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
            "IPYTHONDIR": str(dirs["ipython"]),
            "PYTHONUNBUFFERED": "1",
        })
        env.pop("JUPYTER_TOKEN", None)
        return env

    def _command(self) -> list[str]:
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--ServerApp.port_retries=0",
               f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={self.root}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> "LabServer":
        self._copy_notebooks()
        env = self._environment()
        for attempt in range(3):  # a free port can be taken between free_port() and the bind
            self.port = free_port()
            self.base = f"http://127.0.0.1:{self.port}/"
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    self._command(), cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            if self._wait_ready():
                return self
            if attempt == 2 or "already in use" not in self.log_tail():
                message = (f"JupyterLab did not start within {self.start_timeout:.0f} s (exit "
                           f"code {self.proc.poll()}); its log:\n{self.log_tail()}")
                self.stop()
                raise RuntimeError(message)
        raise AssertionError("unreachable")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                self.api("GET", "api/status", timeout=2)
                return True
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)  # polling a socket that is not listening yet: nothing to wait on
        return False

    def stop(self):
        """Shut the kernels and the server down; kill the server if it does not go."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                for kernel in self.api("GET", "api/kernels", timeout=5):
                    self.api("DELETE", f"api/kernels/{kernel['id']}", timeout=15)
                self.api("POST", "api/shutdown", timeout=5)
            except (OSError, urllib.error.URLError, ValueError):
                pass
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- access ----------------------------------------------------------------------------
    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"

    def api(self, method: str, path: str, timeout: float = 10):
        request = urllib.request.Request(self.base + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no server log)"
