"""Fixtures shared by the tests of rnnlib.core."""
import pytest

from rnnlib.core import kernels


@pytest.fixture
def restore_kernels():
    """Whatever path a test turns on (numba, the pool), the one active before comes back after it."""
    before = kernels.active()
    yield
    kernels.use(before)


@pytest.fixture
def loop_spy():
    """(taken, spy): ``spy(name, loop)`` wraps a compiled loop so that each call appends
    (name, whether it ran, i.e. did not decline by returning None) to the list ``taken``."""
    taken = []

    def spy(name, loop):
        def spied(*args, **options):
            result = loop(*args, **options)
            taken.append((name, result is not None))
            return result
        return spied

    return taken, spy
