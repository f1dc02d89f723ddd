"""Exercise tests.  A package, because three of its test modules share their basenames with
tests/core/test_gru.py and tests/course/test_{shakespeare,jazz}.py (they mirror rnnlib/exercises/),
and pytest's default import mode needs unique basenames outside packages."""
