"""benchmarks/timing.py's pure helpers: argument and environment handling, alternation, medians,
ratios, and the child-process worker.  No timing is asserted: only what the helpers compute."""
import operator
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import timing  # noqa: E402


@pytest.mark.parametrize("argv, expected", [
    ([], "2"),
    (["--threads", "1"], "1"),
    (["--quick", "--threads=4"], "4"),
    (["--threads"], "2"),  # a flag with no value: the default
    (["--torch-threads", "3"], "2"),  # not one of the flags asked for
])
def test_threads_from_argv(argv, expected):
    assert timing.threads_from_argv(argv) == expected


def test_threads_from_argv_other_flags():
    assert timing.threads_from_argv(["--torch-threads", "3"], flags=("--torch-threads",)) == "3"


def test_set_blas_threads_only_when_the_caller_did_not(monkeypatch):
    monkeypatch.delenv(timing.BLAS_VAR, raising=False)
    assert timing.set_blas_threads(["--threads", "1"]) is None
    assert os.environ[timing.BLAS_VAR] == "1"
    assert "set by this script" in timing.blas_threads_line(None)
    monkeypatch.setenv(timing.BLAS_VAR, "3")
    assert timing.set_blas_threads(["--threads", "1"]) == "3"
    assert os.environ[timing.BLAS_VAR] == "3"
    assert timing.blas_threads_line("3") == f"{timing.BLAS_VAR}=3 (set by the caller)"


def test_blas_kernels_line_names_the_kernel_set_and_who_chose_it(monkeypatch):
    from rnnlib.core import _blas

    monkeypatch.setenv(timing.CORE_VAR, "Haswell")
    forced = timing.blas_kernels_line()
    assert forced.startswith("numpy's OpenBLAS kernels: ") and "forced by OPENBLAS_CORETYPE=Haswell" in forced
    monkeypatch.delenv(timing.CORE_VAR)
    chosen = timing.blas_kernels_line()
    assert "own choice" in chosen and "forced" not in chosen
    # the name is the loaded library's (it was fixed at import), the same in both lines
    name = forced.split(": ", 1)[1].split(" (", 1)[0]
    assert name == chosen.split(": ", 1)[1].split(" (", 1)[0]
    assert name != "unknown" or _blas.load() is None


def test_load_average_is_three_numbers_or_unknown():
    text = timing.load_average()
    assert text == "?" or len([float(x) for x in text.split(", ")]) == 3


def test_alternate_interleaves_after_one_warmup_each():
    calls = []

    def job(name, seconds):
        def run():
            calls.append(name)
            return seconds
        return run

    times = timing.alternate({"a": job("a", 1.0), "b": job("b", 2.0)}, repeats=3,
                             warmup={"a": lambda: calls.append("warm a")})
    assert calls == ["warm a", "b", "a", "b", "a", "b", "a", "b"]  # b's warm-up is its own job
    assert times == {"a": [1.0] * 3, "b": [2.0] * 3}


def test_median_spread_and_ratio():
    assert timing.median([3.0, 1.0, 2.0]) == 2.0
    assert timing.spread([3.0, 1.0, 2.0]) == (1.0, 3.0)
    # ours takes half the time: twice as fast
    assert timing.ratio_of_medians([1.0, 1.0, 9.0], [2.0, 2.0, 0.5]) == 2.0


def test_child_worker_runs_the_job_in_another_process():
    with timing.ChildWorker(operator.methodcaller, "bit_length") as worker:
        assert worker(5) == 3
        assert worker(256) == 9


def test_child_worker_reports_the_child_s_error():
    with timing.ChildWorker(operator.methodcaller, "no_such_method") as worker:
        with pytest.raises(RuntimeError, match="AttributeError"):
            worker(5)


def test_child_worker_reports_a_failed_setup():
    with pytest.raises(RuntimeError, match="TypeError"):
        timing.ChildWorker(operator.methodcaller)  # methodcaller needs a name
