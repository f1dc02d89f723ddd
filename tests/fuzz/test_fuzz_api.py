"""Every public function and method, fed arguments with one or two of them made bad.

Each case in ``cases.CASES`` is first called with its valid arguments (it must work), then with
``fuzzing.bad_arguments``: any exception other than an rnnlib error, any hang and any NaN returned
for finite input fails the example.
"""
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases import CASES as FIRST_CASES
from cases_more import MORE_CASES
from fuzzing import bad_arguments, call
from rnnlib.data import datasets
from rnnlib.errors import DatasetUnavailable

CASES = {**FIRST_CASES, **MORE_CASES}


def make_case(name):
    """The case's (fn, args, kwargs, frozen); skipped when it needs a corpus that is neither mirrored
    nor cached (the jazz and surname cases read the Metheny file and the surname lists)."""
    try:
        return CASES[name]()
    except DatasetUnavailable as exc:
        pytest.skip(f"{name} needs a corpus that is neither mirrored nor cached: {str(exc)[:120]}")


@pytest.mark.parametrize("name", sorted(CASES))
def test_valid_arguments_work(name):
    if name.startswith("datasets.") and not datasets.on_disk("dinos"):
        pytest.skip("the dinosaur names are neither mirrored nor cached (the valid call would download them)")
    fn, args, kwargs, _ = make_case(name)
    _, error = call(fn, *args, **kwargs)
    if isinstance(error, DatasetUnavailable):
        pytest.skip(f"{name} needs a corpus that is neither mirrored nor cached")
    assert error is None, f"{name} refused its valid base arguments: {error}"


# Cases whose bad-argument fuzz still finds foreign exceptions (findings not yet fixed), with what it
# finds.  They are skipped so the suite guards everything else; FUZZ_ALL=1 runs them too.  All three are
# the models' inner passes, which fit/predict/evaluate call on arguments they have already checked.
KNOWN_GAPS = {}


def _bad_cases():
    run_all = os.environ.get("FUZZ_ALL") == "1"
    return [pytest.param(n, marks=pytest.mark.skip(reason=f"known gap: {KNOWN_GAPS[n]}"))
            if n in KNOWN_GAPS and not run_all else n for n in sorted(CASES)]


@pytest.mark.parametrize("name", _bad_cases())
@given(data=st.data())
def test_bad_arguments_raise_rnnlib_errors(name, data):
    fn, args, kwargs, frozen = make_case(name)
    args, kwargs = data.draw(bad_arguments(args, kwargs, frozen), label="arguments")
    call(fn, *args, **kwargs)
