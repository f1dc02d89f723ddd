"""Tests for rnnlib.nn.layers.recurrent: SimpleRNN, GRU (both reset variants) and LSTM on core's loops."""
import numpy as np
import pytest

from rnnlib.core.layers import CELLS, layer_forward
from rnnlib.errors import ConfigError, ShapeError
from rnnlib.nn import GRU, LSTM, SimpleRNN

RNG = np.random.default_rng(0)
M, T, N = 3, 5, 4
MASK = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [0, 0, 1, 1, 1]], bool)  # full, post-, pre-padded


def built(layer, seed=0):
    layer.build((T, N), np.random.default_rng(seed), np.float64)
    # non-zero biases, so that a wrong bias gradient shows
    for k, v in layer.weights.items():
        v += np.random.default_rng(seed + 1).uniform(-0.3, 0.3, v.shape)
    return layer


LAYERS = {
    "simple_rnn": lambda **kw: SimpleRNN(3, **kw),
    "gru": lambda **kw: GRU(3, **kw),
    "gru_before": lambda **kw: GRU(3, reset_after=False, **kw),
    "lstm": lambda **kw: LSTM(3, **kw),
}


@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("options", [{}, {"return_sequences": True}, {"go_backwards": True},
                                     {"go_backwards": True, "return_sequences": True}])
@pytest.mark.parametrize("masked", [False, True])
def test_gradients(kind, options, masked, layer_gradient_errors):
    layer = built(LAYERS[kind](**options))
    x = RNG.standard_normal((M, T, N))
    errors = layer_gradient_errors(layer, x, mask=MASK if masked else None)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_gradients_with_dropout_masks_held_fixed(kind, layer_gradient_errors):
    layer = built(LAYERS[kind](dropout=0.3, recurrent_dropout=0.4, seed=5))
    x = RNG.standard_normal((M, T, N))
    # the same dropout masks for every loss evaluation: reseed before each forward
    forward = layer.forward

    def seeded_forward(*args, **kwargs):
        layer.dropout_rng = np.random.default_rng(11)
        return forward(*args, **kwargs)

    layer.forward = seeded_forward
    errors = layer_gradient_errors(layer, x, mask=MASK, training=True)
    assert max(errors.values()) < 1e-7, errors


def test_dropout_uses_one_mask_per_sequence_and_only_while_training():
    layer = built(SimpleRNN(3, dropout=0.5, return_sequences=True, seed=1))
    x = np.ones((M, T, N))
    y_infer, _ = layer.forward(x)
    y_again, _ = layer.forward(x)
    np.testing.assert_array_equal(y_infer, y_again)
    _, cache = layer.forward(x, training=True)
    keep = cache[2]  # (m, 1, n_x): one mask per sequence, broadcast over the steps
    assert keep.shape == (M, 1, N) and set(np.unique(keep)) <= {0.0, 2.0}


def test_state_is_carried_over_padding_and_many_to_one_returns_the_last_real_step():
    layer = built(LSTM(3, return_sequences=True))
    seq = layer.forward(RNG.standard_normal((M, T, N)), mask=MASK)[0]
    last = built(LSTM(3))
    x = RNG.standard_normal((M, T, N))
    full, _ = layer.forward(x, mask=MASK)
    final, _ = last.forward(x, mask=MASK)
    np.testing.assert_allclose(final[1], full[1, 2])  # post-padded: its step 2 is the last real one
    np.testing.assert_allclose(final[2], full[2, 4])  # pre-padded: the last step is real
    np.testing.assert_allclose(full[1, 3], full[1, 2])  # a padded step repeats the previous output
    assert seq.shape == (M, T, 3)


def test_the_layer_runs_the_core_loop():
    """No second RNN: the layer's outputs are core.layers.layer_forward's on the converted weights."""
    layer = built(GRU(3, return_sequences=True))
    x = RNG.standard_normal((M, T, N))
    w = layer.weights
    xw = np.einsum("gn,mtn->gtm", w["Wx"], x) + w["b"][:, :, None]
    H, _, _ = layer_forward(CELLS["gru_reset_after"], xw, (np.zeros((3, M)),), w["Wh"])
    np.testing.assert_allclose(layer.forward(x)[0], H.transpose(2, 1, 0), rtol=1e-12)


@pytest.mark.parametrize("kind, count", [("simple_rnn", 3 * (N + 3 + 1)), ("lstm", 4 * 3 * (N + 3 + 1)),
                                         ("gru", 3 * 3 * (N + 3 + 2)), ("gru_before", 3 * 3 * (N + 3 + 1))])
def test_parameter_counts_are_keras(kind, count):
    assert built(LAYERS[kind]()).count_params() == count


def test_keras_layout_round_trip_and_initial_biases():
    lstm = LSTM(2)
    lstm.build((T, N), np.random.default_rng(0), np.float32)
    kernel, recurrent, bias = lstm.get_weights()
    assert kernel.shape == (N, 8) and recurrent.shape == (2, 8) and bias.shape == (8,)
    np.testing.assert_array_equal(bias, [0, 0, 1, 1, 0, 0, 0, 0])  # Keras's i, f, c, o: unit forget bias
    # the recurrent kernel starts orthogonal (Keras's default): its rows are orthonormal
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(2), atol=1e-6)
    gru = GRU(2)
    gru.build((T, N), np.random.default_rng(0), np.float32)
    arrays = [np.random.default_rng(k).standard_normal(s).astype(np.float32) for k, s in enumerate(gru.keras_shapes())]
    gru.set_weights(arrays)
    assert [a.shape for a in arrays] == [(N, 6), (2, 6), (2, 6)]
    for got, want in zip(gru.get_weights(), arrays):
        np.testing.assert_array_equal(got, want)


def test_return_state_and_initial_state():
    layer = built(LSTM(3, return_state=True))
    x = RNG.standard_normal((M, T, N))
    (out, h, c), _ = layer.forward(x)
    np.testing.assert_array_equal(out, h)
    (out2, _, _), cache = layer.forward(x[:, 2:], initial_state=[h * 0, c * 0])
    assert out2.shape == (M, 3)
    dx = layer.backward([np.ones((M, 3)), None, np.ones((M, 3))], cache)
    assert dx.shape == (M, T - 2, N) and len(layer.last_dinitial_state) == 2
    with pytest.raises(ShapeError, match="initial_state"):
        layer.forward(x, initial_state=[h])


def test_bad_settings_and_inputs_are_named():
    with pytest.raises(ConfigError, match="units"):
        LSTM(0)
    with pytest.raises(ConfigError, match="activation"):
        SimpleRNN(3, activation="relu")
    with pytest.raises(ConfigError, match="dropout"):
        GRU(3, dropout=1.5)
    with pytest.raises(ConfigError, match="unknown argument"):
        LSTM(3, retrun_sequences=True)
    with pytest.raises(ConfigError, match="initializer"):
        LSTM(3, kernel_initializer="nope")
    with pytest.raises(ConfigError, match="stateful"):
        LSTM(3, stateful=True)
    layer = built(SimpleRNN(3))
    with pytest.raises(ShapeError, match="Embedding"):
        layer.forward(np.zeros((M, T)))
    with pytest.raises(ShapeError, match="features"):
        layer.forward(np.zeros((M, T, N + 1)))
    with pytest.raises(ShapeError, match="dtype"):
        layer.forward(np.array([[["a"] * N] * T] * M))
    with pytest.raises(ShapeError, match="mask"):
        layer.forward(np.zeros((M, T, N)), mask=np.ones((M, T + 1), bool))


def test_layers_can_be_called_eagerly_like_a_keras_cell():
    """The jazz model's inference loop: one shared LSTM cell stepped with its own state."""
    cell = LSTM(4, return_state=True)
    x = RNG.standard_normal((2, 1, 3)).astype(np.float32)
    a, c = np.zeros((2, 4), np.float32), np.zeros((2, 4), np.float32)
    outs = []
    for _ in range(3):
        out, a, c = cell(x, initial_state=[a, c])
        outs.append(out)
    assert cell.built and cell.input_shape == (1, 3) and out.dtype == np.float32
    whole = LSTM(4, return_sequences=True)
    whole.build((3, 3), np.random.default_rng(0), np.float32)
    whole.set_weights(cell.get_weights())
    np.testing.assert_allclose(whole(np.repeat(x, 3, axis=1)), np.stack(outs, axis=1), atol=1e-6)


# every sequence is padding at step 0 and step 4: the layer skips them (trim_padding)
SPAN_MASKS = {
    "ragged_span": np.array([[0, 1, 1, 1, 0], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]], bool),
    "equal_lengths_in_span": np.array([[0, 1, 1, 0, 0], [0, 1, 1, 0, 0], [0, 1, 1, 0, 0]], bool),
}
SPAN_OPTIONS = [{}, {"return_sequences": True}, {"go_backwards": True}, {"go_backwards": True, "return_sequences": True},
                {"return_state": True}]


@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("options", SPAN_OPTIONS)
@pytest.mark.parametrize("mask_name", sorted(SPAN_MASKS))
def test_skipping_all_padding_steps_changes_nothing(kind, options, mask_name):
    mask = SPAN_MASKS[mask_name]
    x = RNG.standard_normal((M, T, N))
    results = []
    for trim in (True, False):
        layer = built(LAYERS[kind](**options))
        layer.trim_padding = trim
        y, cache = layer.forward(x, mask=mask, initial_state=None)
        if trim:
            assert cache[7:9] == {"ragged_span": (1, 4), "equal_lengths_in_span": (1, 3)}[mask_name]  # really cut
        w = [np.random.default_rng(3).standard_normal(np.shape(a)) for a in (y if isinstance(y, list) else [y])]
        layer.zero_grads()
        dx = layer.backward(w if isinstance(y, list) else w[0], cache)
        results.append(([np.array(a) for a in (y if isinstance(y, list) else [y])], dx,
                         {k: v.copy() for k, v in layer.grads.items()}, layer.last_dinitial_state))
    (y1, dx1, g1, s1), (y0, dx0, g0, s0) = results
    for a, b in zip(y1, y0):
        np.testing.assert_allclose(a, b, atol=1e-12)
    np.testing.assert_allclose(dx1, dx0, atol=1e-12)
    for k in g0:
        np.testing.assert_allclose(g1[k], g0[k], atol=1e-12)
    for a, b in zip(s1, s0):
        np.testing.assert_allclose(a, b, atol=1e-12)


@pytest.mark.parametrize("kind", ["gru", "lstm"])
@pytest.mark.parametrize("options", [{}, {"return_sequences": True}, {"go_backwards": True, "return_sequences": True}])
def test_gradients_with_a_trimmed_span(kind, options, layer_gradient_errors):
    layer = built(LAYERS[kind](**options))
    x = RNG.standard_normal((M, T, N))
    errors = layer_gradient_errors(layer, x, mask=SPAN_MASKS["ragged_span"])
    assert max(errors.values()) < 1e-7, errors
