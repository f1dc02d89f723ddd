"""Exercise tests.  A package, because some of its test modules share their basenames with tests in
tests/core and tests/course (test_gru, test_dinosaurs, test_shakespeare, test_jazz: they mirror
rnnlib/exercises/), and pytest's default import mode needs unique basenames outside packages."""
