"""Tests for rnnlib.nn.unrolled: the shared-cell model's gradient, Keras's summed multi-output loss,
the feedback (inference) loop, and bad input."""
import numpy as np
import pytest

from rnnlib.errors import ConfigError, ShapeError
from rnnlib.nn import GRU, LSTM, Dense, Reshape, UnrolledCellModel, losses


def tiny(cell_cls=LSTM, n_x=5, units=3, steps=4, seed=0):
    cell = cell_cls(units, return_state=True)
    head = Dense(n_x, activation="softmax")
    model = UnrolledCellModel(cell, head, steps, reshaper=Reshape((1, n_x)), n_x=n_x, seed=seed, dtype="float64")
    return model


def data(model, m=3, seed=1):
    rng = np.random.default_rng(seed)
    X = np.eye(model.n_x)[rng.integers(0, model.n_x, size=(m, model.steps))]
    states = [rng.normal(size=(m, model.cell.units)) * 0.3 for _ in range(model.n_states)]
    Y = [np.eye(model.n_x)[rng.integers(0, model.n_x, size=m)] for _ in range(model.steps)]
    return [X] + states, Y


def total_loss(model, inputs, Y):
    outputs, _ = model.forward(inputs)
    return sum(losses.categorical_crossentropy(y, p)[0] for y, p in zip(Y, outputs))


@pytest.mark.parametrize("cell_cls", [LSTM, GRU])
def test_gradient_matches_finite_differences(cell_cls):
    model = tiny(cell_cls)
    inputs, Y = data(model)
    outputs, caches = model.forward(inputs)
    model.backward([losses.categorical_crossentropy(y, p)[1] for y, p in zip(Y, outputs)], caches)
    for layer in (model.cell, model.head):
        for name, w in layer.weights.items():
            analytic = layer.grads["d" + name]
            numeric = np.zeros_like(w)
            for idx in np.ndindex(w.shape):
                old = w[idx]
                w[idx] = old + 1e-6
                up = total_loss(model, inputs, Y)
                w[idx] = old - 1e-6
                down = total_loss(model, inputs, Y)
                w[idx] = old
                numeric[idx] = (up - down) / 2e-6
            err = np.abs(analytic - numeric).max() / max(np.abs(numeric).max(), 1e-8)
            assert err < 1e-6, f"{layer.name}/{name}: relative error {err}"


def test_loss_is_the_sum_of_the_outputs_losses_and_fit_lowers_it():
    model = tiny()
    inputs, Y = data(model, m=6)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    before = model.evaluate(inputs, Y)
    assert before == pytest.approx(total_loss(model, inputs, Y))
    history = model.fit(inputs, Y, epochs=30, batch_size=4, verbose=0)
    assert len(history.history["loss"]) == 30 and history.history["loss"][-1] < before
    assert model.optimizer.iterations == 60  # two batches (4 + 2) per epoch


def test_teacher_forcing_matches_stepping_by_hand():
    model = tiny()
    inputs, _ = data(model)
    outputs = model.predict(inputs)
    states = inputs[1:]
    for t in range(model.steps):
        y, states, _ = model.step(inputs[0][:, t, :], states)
        np.testing.assert_allclose(y, outputs[t], rtol=1e-12)


def test_feedback_model_feeds_back_the_argmax_and_shares_the_weights():
    train = tiny(steps=3)
    infer = UnrolledCellModel(train.cell, train.head, 6, feedback=True)
    assert infer.count_params() == train.count_params() - train.reshaper.count_params()
    x0 = np.zeros((1, 1, train.n_x))
    outs = infer.predict([x0, np.zeros((1, 3)), np.zeros((1, 3))])
    x, states = x0[:, 0, :], [np.zeros((1, 3)), np.zeros((1, 3))]
    for y in outs:
        mine, states, _ = infer.step(x, states)
        np.testing.assert_allclose(mine, y)
        x = np.eye(train.n_x)[[np.argmax(y[0])]]
    with pytest.raises(ConfigError):
        infer.compile(optimizer="adam", loss="categorical_crossentropy")


def test_bad_input():
    model = tiny()
    inputs, Y = data(model)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    with pytest.raises(ShapeError):
        model.fit(inputs[:2], Y)  # c0 missing
    with pytest.raises(ShapeError):
        model.fit([inputs[0][:, :2]] + inputs[1:], Y)  # too few steps
    with pytest.raises(ShapeError):
        model.fit(inputs, Y[:2])  # too few targets
    with pytest.raises(ConfigError):
        UnrolledCellModel(LSTM(3), Dense(5), 4, n_x=5)  # no return_state
    with pytest.raises(ShapeError):
        UnrolledCellModel(LSTM(3, return_state=True), Dense(4), 4, n_x=5, feedback=True)


def test_backward_refuses_caches_it_did_not_make_and_forward_refuses_huge_states():
    model, other = tiny(), tiny(seed=1)
    inputs, Y = data(model)
    outputs, caches = model.forward(inputs)
    d_outputs = [losses.categorical_crossentropy(y, p)[1] for y, p in zip(Y, outputs)]
    with pytest.raises(ShapeError, match="what this model's forward returned"):
        other.backward(d_outputs, caches)  # another model's caches
    with pytest.raises(ShapeError, match="what this model's forward returned"):
        model.backward(d_outputs, list(caches))  # a list built elsewhere
    with pytest.raises(ShapeError, match="batch of 2, the caches for 3"):
        model.backward([d[:2] for d in d_outputs], caches)
    model.backward(d_outputs, caches)  # its own caches still work
    huge = [inputs[0]] + [np.full_like(s, 1e300) for s in inputs[1:]]
    with pytest.raises(ShapeError, match="finite values within"):
        model.forward(huge)
