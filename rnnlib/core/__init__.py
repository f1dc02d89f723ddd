"""The math, with no course names and no user interface: cells, time loops, the stacked language
model, optimizers, gradient checks and argument checks.  Nothing here imports from the rest of
rnnlib except ``rnnlib.errors`` (``tests/test_layout.py`` enforces it)."""
