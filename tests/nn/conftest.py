"""Shared checks for tests/nn: numerical gradient checks of one layer or of a whole model (float64)."""
import numpy as np
import pytest

from rnnlib.core.gradcheck import check_gradients


def _layer_check(layer, x, mask=None, seed=0, training=False):
    """Relative errors (norm measure) of a built layer's backward against centred differences, for
    every weight and (for float inputs) the input, with loss = sum(y * w) for a fixed random w."""
    rng = np.random.default_rng(seed)
    y, _ = layer.forward(x, mask=mask, training=training)
    w = rng.standard_normal(np.shape(y))

    def loss():
        return float(np.sum(layer.forward(x, mask=mask, training=training)[0] * w))

    layer.zero_grads()
    dx = layer.backward(w, layer.forward(x, mask=mask, training=training)[1])
    arrays, analytic = {}, {}
    for sub in getattr(layer, "sublayers", [layer]):
        for k, v in sub.weights.items():
            arrays[f"{sub.name}/{k}"], analytic[f"{sub.name}/{k}"] = v, sub.grads["d" + k]
    if dx is not None:
        arrays["x"], analytic["x"] = x, dx
    return check_gradients(loss, arrays, analytic, measure="norm")


def _model_check(model, x, y):
    """The same for a whole compiled Sequential model's loss, over every trainable weight."""
    out, caches, mask = model.forward_with_mask(x)
    _, dout = model.loss_fn(y, out, mask)
    model.backward(dout, caches)
    params, grads = model.trainable_parameters()

    def loss():
        out, _, mask = model.forward_with_mask(x)
        return model.loss_fn(y, out, mask)[0]

    return check_gradients(loss, params, {k: grads["d" + k] for k in params}, measure="norm")


@pytest.fixture
def layer_gradient_errors():
    return _layer_check


@pytest.fixture
def model_gradient_errors():
    return _model_check
