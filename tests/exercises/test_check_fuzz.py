"""Property test: whatever ``check`` is given, it returns a Verdict and never raises."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnlib.exercises import EXERCISES, Verdict, check

# What a student's function might return: nothing, numbers, strings, arrays of any shape, tuples of those.
junk = st.recursive(
    st.none() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=5)
    | st.builds(np.full, st.lists(st.integers(0, 6), max_size=3).map(tuple), st.floats(allow_nan=True)),
    lambda inner: st.tuples(inner, inner) | st.tuples(inner, inner, inner) | st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(name=st.sampled_from(sorted(EXERCISES)) | st.text(max_size=8) | st.integers() | st.none(),
       result=junk)
def test_check_never_raises(name, result):
    verdict = check(name, lambda *args, **kwargs: result)
    assert isinstance(verdict, Verdict) and isinstance(verdict.message, str) and verdict.message
    assert not verdict.passed


@settings(max_examples=30, deadline=None, derandomize=True)
@given(fn=junk, forward=st.none() | junk)
def test_check_with_non_callables_never_raises(fn, forward):
    verdict = check(sorted(EXERCISES)[0], fn, forward=forward)
    assert isinstance(verdict, Verdict) and not verdict.passed
