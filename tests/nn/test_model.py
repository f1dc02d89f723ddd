"""Tests for rnnlib.nn.model: Sequential's build, training loop, evaluation and bad input."""
import numpy as np
import pytest

from rnnlib.errors import ConfigError, ShapeError, TrainingDiverged, VocabularyError
from rnnlib.nn import GRU, LSTM, Bidirectional, Dense, Dropout, Embedding, Input, Sequential, SimpleRNN, optimizers

V, T = 12, 6


def padded_ids(m=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, V, size=(m, T))
    for j, L in enumerate(rng.integers(1, T + 1, size=m)):
        if j % 2:
            x[j, L:] = 0  # post-padded
        else:
            x[j, : T - L] = 0  # pre-padded
    return x


END_TO_END = {
    "unmasked_simplernn": lambda: [Embedding(V, 4), SimpleRNN(3), Dense(1, activation="sigmoid")],
    "masked_gru": lambda: [Embedding(V, 4, mask_zero=True), GRU(3), Dense(3, activation="softmax")],
    "masked_bidirectional": lambda: [Embedding(V, 4, mask_zero=True), Bidirectional(LSTM(3)), Dense(1, activation="sigmoid")],
    "stacked_sequences_into_lstm": lambda: [Embedding(V, 4, mask_zero=True), LSTM(3, return_sequences=True),
                                            GRU(3, reset_after=False, return_sequences=True), LSTM(2), Dense(2, activation="softmax")],
}
LOSS = {"unmasked_simplernn": "binary_crossentropy", "masked_gru": "sparse_categorical_crossentropy",
        "masked_bidirectional": "binary_crossentropy", "stacked_sequences_into_lstm": "categorical_crossentropy"}


def labels(loss, m, rng):
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, size=(m, 1)).astype(float)
    if loss == "sparse_categorical_crossentropy":
        return rng.integers(0, 3, size=m)
    return np.eye(2)[rng.integers(0, 2, size=m)]


@pytest.mark.parametrize("name", sorted(END_TO_END))
def test_end_to_end_gradients(name, model_gradient_errors):
    model = Sequential(END_TO_END[name](), dtype="float64", seed=3)
    model.compile("adam", LOSS[name])
    x = padded_ids()
    y = model._check_data(x, labels(LOSS[name], len(x), np.random.default_rng(1)), "test")[1]
    errors = model_gradient_errors(model, x, y)
    assert max(errors.values()) < 1e-6, errors


def test_fit_learns_history_has_kerass_keys_and_runs_repeat():
    rng = np.random.default_rng(0)
    x = padded_ids(m=120, seed=2)
    y = (np.isin(x, [3, 4]).any(axis=1)).astype(np.float32)  # does the sequence hold a 3 or a 4?

    def run():
        model = Sequential([Embedding(V, 8, mask_zero=True), GRU(8), Dense(1, activation="sigmoid")], seed=0)
        model.compile(optimizer=optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy", metrics=["accuracy"])
        return model, model.fit(x, y, epochs=25, batch_size=16, validation_split=0.25, verbose=0, seed=1)

    model, history = run()
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 25 and history.epoch == list(range(25))
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9
    _, again = run()
    assert again.history == history.history
    loss, acc = model.evaluate(x, y)
    assert 0 <= acc <= 1 and loss > 0
    assert model.predict(x[:5]).shape == (5, 1) and model.predict(x[:5]).dtype == np.float32


def test_evaluate_without_metrics_returns_the_loss_and_validation_data_is_used():
    x, y = padded_ids(m=20), np.zeros(20)
    model = Sequential([Input((T,)), Embedding(V, 2), SimpleRNN(2), Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy")
    assert isinstance(model.evaluate(x, y), float)
    h = model.fit(x, y, epochs=2, validation_data=(x, y), verbose=0)
    assert set(h.history) == {"loss", "val_loss"}


def test_frozen_embedding_is_not_updated_and_counts_as_non_trainable(capsys):
    vectors = np.random.default_rng(0).standard_normal((V, 4)).astype(np.float32)
    model = Sequential([Input((T,)), Embedding(V, 4, weights=[vectors], trainable=False), LSTM(3), Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    model.fit(padded_ids(m=16), np.ones(16), epochs=2, verbose=0)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], vectors)
    assert model.count_params() - model.count_params(trainable_only=True) == V * 4
    model.summary()
    out = capsys.readouterr().out
    assert f"Non-trainable params: {V * 4}" in out and "embedding (Embedding)" in out and "(None, 6, 4)" in out


def test_dropout_layers_train_and_predict_deterministically():
    model = Sequential([Embedding(V, 4), LSTM(4, dropout=0.2, recurrent_dropout=0.2, return_sequences=True),
                        Dropout(0.5), LSTM(2), Dense(2, activation="softmax")])
    model.compile(optimizers.RMSprop(clipnorm=1.0), "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = padded_ids(m=10)
    model.fit(x, np.arange(10) % 2, epochs=2, verbose=0)
    np.testing.assert_array_equal(model.predict(x), model.predict(x))


def test_gradient_clipping_options_reuse_core_clipping():
    g = {"dw": np.array([3.0, 4.0]), "dv": np.array([12.0])}
    p = {"w": np.zeros(2), "v": np.zeros(1)}
    optimizers.SGD(learning_rate=1.0, clipnorm=1.0).apply(p, g)
    np.testing.assert_allclose(p["w"], [-0.6, -0.8])  # each gradient to norm 1 separately
    np.testing.assert_allclose(p["v"], [-1.0])
    p = {"w": np.zeros(2), "v": np.zeros(1)}
    optimizers.SGD(learning_rate=1.0, global_clipnorm=1.3).apply(p, {"dw": np.array([3.0, 4.0]), "dv": np.array([12.0])})
    np.testing.assert_allclose(p["w"], [-0.3, -0.4])  # all together: norm 13 -> 1.3
    p = {"w": np.zeros(2)}
    optimizers.Adam(clipvalue=0.5).apply(p, {"dw": np.array([3.0, -0.1])})
    assert optimizers.Adam().core.eps == 1e-7 and optimizers.Adam().learning_rate == 0.001


def test_bad_input_gets_clear_errors():
    model = Sequential([Embedding(V, 4), SimpleRNN(2), Dense(1, activation="sigmoid")])
    x = padded_ids()
    with pytest.raises(ConfigError, match="compile"):
        model.fit(x, np.zeros(len(x)))
    with pytest.raises(ConfigError, match="loss"):
        model.compile("adam", "hinge_of_doom")
    with pytest.raises(ConfigError, match="optimizer"):
        model.compile("adamw_typo", "mse")
    with pytest.raises(ConfigError, match="metric"):
        model.compile("adam", "mse", metrics=["f1"])
    model.compile("adam", "binary_crossentropy")
    with pytest.raises(ShapeError, match="match"):
        model.fit(x, np.zeros(len(x) - 1))
    with pytest.raises(ShapeError, match="labels have shape"):
        model.fit(x, np.zeros((len(x), 3)))
    with pytest.raises(ShapeError, match="texts"):
        model.fit(np.array([["a movie"], ["a film"]]), np.zeros(2))
    with pytest.raises(ShapeError, match="shape"):
        model.fit(x[:, :3], np.zeros(len(x)))
    with pytest.raises(VocabularyError, match="input_dim"):
        model.fit(x + V, np.zeros(len(x)))
    with pytest.raises(ConfigError, match="batch_size"):
        model.fit(x, np.zeros(len(x)), batch_size=0)
    with pytest.raises(ConfigError, match="validation_split"):
        model.fit(x, np.zeros(len(x)), validation_split=1.5)
    with pytest.raises(ConfigError, match="return_state"):
        Sequential([Embedding(V, 4), LSTM(2, return_state=True)])
    cat = Sequential([Embedding(V, 4), SimpleRNN(2), Dense(3, activation="softmax")])
    cat.compile("adam", "categorical_crossentropy")
    with pytest.raises(ShapeError, match="to_categorical"):
        cat.fit(x, np.zeros(len(x)))
    sparse = Sequential([Embedding(V, 4), SimpleRNN(2), Dense(3, activation="softmax")])
    sparse.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(ShapeError, match="class ids"):
        sparse.fit(x, np.full(len(x), 3))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_is_reported():
    model = Sequential([Input((T, 1)), SimpleRNN(2), Dense(1)])
    model.compile(optimizers.SGD(learning_rate=1e30), "mse")
    x = np.ones((4, T, 1))
    with pytest.raises(TrainingDiverged):
        model.fit(x, np.full(4, 1e20), epochs=3, verbose=0)


def test_layer_names_are_unique_like_kerass():
    model = Sequential([Input((T,)), Embedding(V, 4), LSTM(3, return_sequences=True), LSTM(3), Dense(2), Dense(1)])
    assert [l.name for l in model.layers] == ["embedding", "lstm", "lstm_1", "dense", "dense_1"]
    assert model.output_shape == (None, 1)
    model.add(Dense(4))
    assert model.layers[-1].built and model.output_shape == (None, 4)


def test_train_on_batch_shapes_labels_as_fit_does():
    """Labels (m,) for a Dense(1) output: the same update as labels (m, 1), never an (m, m) broadcast."""
    x = padded_ids(8)
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1], np.float32)
    losses = []
    for targets in (y, y[:, None]):
        model = Sequential([Embedding(V, 4, mask_zero=True), GRU(3), Dense(1, activation="sigmoid")], seed=0)
        model.compile(optimizer="sgd", loss="binary_crossentropy")
        losses.append(model.train_on_batch(x, targets)[0])
        losses.append(model.train_on_batch(x, targets)[0])
    assert losses[:2] == pytest.approx(losses[2:], abs=1e-7)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    with pytest.raises(ShapeError):
        model.train_on_batch(x, y[:5])


def test_bad_arguments_are_named_not_left_to_numpy(tmp_path):
    """Issue 9's fuzz findings on the model API: each ends in an rnnlib error that names the argument."""
    from rnnlib.errors import ConfigError, ModelFileError, ShapeError
    from rnnlib.nn import LSTM, Dense, Embedding, Input, Sequential

    model = Sequential([Input((4,)), Embedding(10, 3), LSTM(2), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x, y = np.ones((2, 4), int), np.array([0.0, 1.0])
    with pytest.raises(ShapeError, match="labels are None"):
        model.train_on_batch(x, None)
    with pytest.raises(ShapeError, match="rectangular"):
        model.predict([[1, 2, 3, 4], [1, 2]])
    with pytest.raises(ConfigError, match="seed"):
        model.fit(x, y, epochs=1, verbose=0, seed=-1)
    with pytest.raises(ConfigError, match="print_fn"):
        model.summary(print_fn=3)
    with pytest.raises(ConfigError, match="is a folder"):
        model.save_weights(tmp_path)
    with pytest.raises(ModelFileError, match="file path"):
        model.load_weights(None)
    with pytest.raises(ShapeError, match="weight arrays"):
        model.set_weights(None)
    with pytest.raises(ConfigError, match="True or False"):
        LSTM(2, return_sequences="yes")
    with pytest.raises(ConfigError, match="up to 1,000,000"):
        Dense(2**63)
    with pytest.raises(ConfigError, match="dtype"):
        Dense(2, dtype="")
    with pytest.raises(ConfigError, match="input shape"):
        Input("ab")


def test_backward_refuses_caches_from_another_model_or_batch():
    def model():
        m = Sequential([Input((4,)), Dense(3), Dense(2)])
        m.compile(loss="mse", optimizer="sgd")
        return m

    first, second = model(), model()
    x = np.ones((5, 4))
    out, caches = first.forward(x)
    with pytest.raises(ShapeError, match="what this model's forward returned"):
        second.backward(np.ones_like(out), caches)
    with pytest.raises(ShapeError, match="what this model's forward returned"):
        first.backward(np.ones_like(out), list(caches))
    with pytest.raises(ShapeError, match="batch of 2, the caches for 5"):
        first.backward(np.ones((2, 2)), caches)
    first.backward(np.ones_like(out), caches)  # its own caches are accepted
    assert np.all(first.layers[-1].grads["dbias"] == 5.0)  # d(sum of outputs)/d(bias): one per example


def test_validation_data_without_labels_is_refused():
    model = Sequential([Input((4,)), Dense(2)])
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ShapeError, match="validation_data.*labels are None"):
        model.fit(np.ones((5, 4)), np.ones((5, 2)), validation_data=(np.ones((3, 4)), None), verbose=0)
