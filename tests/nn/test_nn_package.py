"""rnnlib.nn's public face: a subpackage import, Keras's names, nothing shadowed in rnnlib."""
import rnnlib


def test_imports_as_a_subpackage_and_exports_kerass_names():
    from rnnlib import nn
    from rnnlib.nn import LSTM, Dense, Embedding, Sequential  # noqa: F401

    assert all(hasattr(nn, name) for name in nn.__all__)
    assert {"Sequential", "Input", "Embedding", "SimpleRNN", "GRU", "LSTM", "Bidirectional", "Dense", "Dropout",
            "Reshape", "RepeatVector"} <= set(nn.__all__)
    assert "nn" not in rnnlib.__all__ and rnnlib.SGD is rnnlib.core.optim.SGD  # core's SGD is not nn's
