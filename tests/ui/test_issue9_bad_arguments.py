"""Issue 9 fuzz findings in rnnlib.ui: bad arguments end in ConfigError/ShapeError, not numpy or Python errors."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib.errors import ConfigError, ShapeError  # noqa: E402
from rnnlib.ui import moving_average, render_message, render_names, render_poem  # noqa: E402


def test_render_functions_refuse_non_strings():
    with pytest.raises(ConfigError, match="names"):
        render_names([["a", "b"]], b"bytes")
    with pytest.raises(ConfigError, match="known_flags"):
        render_names(["a", "b"], float("nan"))
    with pytest.raises(ConfigError, match="text"):
        render_message(b"bytes")
    with pytest.raises(ConfigError, match="text"):
        render_poem(None)


def test_moving_average_refuses_bad_window_and_ragged_values():
    with pytest.raises(ConfigError, match="window"):
        moving_average([1.0, 1.0, 1.0], None)
    with pytest.raises(ShapeError, match="values"):
        moving_average([1.0, 2.0, [[1, 2], [3]]], 2)
    assert moving_average([1.0, 2.0, 3.0], 2).tolist() == [1.5, 2.5]
