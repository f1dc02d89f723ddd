"""The fuzz suite's settings, hang guard and call counter.

Profiles (``HYPOTHESIS_PROFILE`` picks one; "ci" is the default, and what ``make test`` runs):

* ``ci``: derandomized (the same examples every run), ``CI_EXAMPLES`` examples per test, no deadline.
* ``triage``: the ci examples without shrinking (lists many failures fast, while fixing them).
* ``long``: random, ``LONG_EXAMPLES`` examples per test.  One command::

      HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/fuzz -q

At the end of a run the summary says how many library calls were made and how many failed.
"""
import os

import matplotlib
import pytest
from hypothesis import HealthCheck, Phase, settings

matplotlib.use("Agg")

CI_EXAMPLES = 25
LONG_EXAMPLES = 150

_COMMON = dict(deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.data_too_large,
                                                                        HealthCheck.filter_too_much,
                                                                        HealthCheck.function_scoped_fixture])
settings.register_profile("ci", derandomize=True, max_examples=CI_EXAMPLES, database=None, **_COMMON)
settings.register_profile("long", derandomize=False, max_examples=LONG_EXAMPLES, **_COMMON)
# for fixing: the ci examples without shrinking, so a run with many failures lists them all quickly
settings.register_profile("triage", derandomize=True, max_examples=CI_EXAMPLES, database=None,
                          phases=[Phase.explicit, Phase.generate], **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter):
    from fuzzing import STATS

    if STATS["calls"]:
        profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
        terminalreporter.write_line(
            f"fuzz ({profile} profile): {STATS['calls']} calls, {STATS['refused']} refused with an rnnlib error, "
            f"{len(STATS['failures'])} distinct failures"
        )
        for failure in sorted(STATS["failures"]):
            terminalreporter.write_line(f"  failure: {failure}")


@pytest.fixture(autouse=True)
def _quiet_tmp(tmp_path, monkeypatch):
    """Every fuzz test runs in its own folder (the CLI writes runs/ relative to it)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RNNLIB_DATA_DIR", str(tmp_path / "cache"))
