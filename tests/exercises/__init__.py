"""The exercises tests are a package so that test_dinosaurs.py here and tests/course/test_dinosaurs.py (same
basename, as the tests mirror the modules) can be collected together."""
