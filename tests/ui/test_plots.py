"""Tests for rnnlib.plots: moving_average's arithmetic, and that each plotting function returns a
matplotlib Figure with the expected axes, lines and labels.  Uses the non-interactive Agg backend."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from rnnlib.ui.plots import moving_average, plot_clipping, plot_distributions, plot_history  # noqa: E402
from rnnlib.training.trainer import History  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def fake_runs(steps=60, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "not clipped": {"loss": 3 + rng.random(steps), "grad_norm": 10 ** rng.uniform(0, 4, steps)},
        "clipped": {"loss": np.linspace(3, 1, steps), "grad_norm": 10 ** rng.uniform(0, 2, steps)},
    }


# ----------------------------------------------------------------------------------------------
# moving_average


@pytest.mark.parametrize("window", [1, 2, 3, 7, 10])
def test_moving_average_matches_convolution(window):
    values = np.random.default_rng(1).normal(size=10)
    expected = np.convolve(values, np.ones(window) / window, mode="valid")
    got = moving_average(values, window)
    assert got.shape == (10 - window + 1,)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_moving_average_small_example():
    np.testing.assert_array_equal(moving_average([1, 2, 3, 4, 5], 2), [1.5, 2.5, 3.5, 4.5])
    np.testing.assert_array_equal(moving_average([1, 2, 3, 4, 5], 5), [3.0])


def test_moving_average_window_one_is_identity():
    values = [0.5, -1.0, 2.25]
    np.testing.assert_array_equal(moving_average(values, 1), values)


def test_moving_average_window_larger_than_data_is_the_mean():
    np.testing.assert_allclose(moving_average([1.0, 2.0, 6.0], 100), [3.0])


@pytest.mark.parametrize("window", [0, -3])
def test_moving_average_window_below_one_means_one(window):
    np.testing.assert_array_equal(moving_average([4.0, 5.0], window), [4.0, 5.0])


def test_moving_average_returns_float64_for_ints_and_lists():
    got = moving_average([1, 2, 3, 4], 2)
    assert isinstance(got, np.ndarray) and got.dtype == np.float64


def test_moving_average_does_not_modify_input():
    values = np.array([1.0, 2.0, 3.0])
    moving_average(values, 2)
    np.testing.assert_array_equal(values, [1.0, 2.0, 3.0])


def test_moving_average_of_nothing_is_empty():
    assert moving_average([], 5).shape == (0,)


def test_moving_average_inf_stays_local():
    with np.errstate(invalid="ignore"):
        got = moving_average([1.0, np.inf, 1.0, 1.0, 1.0], 2)
    np.testing.assert_array_equal(got, [np.inf, np.inf, 1.0, 1.0])


# ----------------------------------------------------------------------------------------------
# plot_clipping


def test_plot_clipping_figure():
    runs = fake_runs(steps=60)
    fig = plot_clipping(runs, window=10)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    ax_norm, ax_loss = fig.axes
    assert ax_norm.get_yscale() == "log"
    for ax in (ax_norm, ax_loss):
        assert len(ax.get_lines()) == 2
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["not clipped", "clipped"]
    # Gradient norms: every step, unchanged.
    x, y = ax_norm.get_lines()[0].get_data()
    np.testing.assert_array_equal(x, np.arange(60))
    np.testing.assert_array_equal(y, runs["not clipped"]["grad_norm"])
    # Loss: the moving average, each point placed at the last step of its window.
    x, y = ax_loss.get_lines()[1].get_data()
    np.testing.assert_array_equal(x, np.arange(9, 60))
    np.testing.assert_allclose(y, moving_average(runs["clipped"]["loss"], 10))
    assert "10" in ax_loss.get_ylabel()


def test_plot_clipping_from_the_experiment():
    from rnnlib.ui.experiments import clipping_experiment
    from rnnlib.data.chars import CharVocab

    names = ["bakox", "ritux", "mebax", "kotux"]
    runs = clipping_experiment(names, CharVocab("\nabeikmortux"), steps=20, hidden_size=6)
    fig = plot_clipping(runs, window=5)
    assert len(fig.axes) == 2 and all(len(ax.get_lines()) == 2 for ax in fig.axes)


def test_plot_clipping_window_longer_than_run():
    fig = plot_clipping(fake_runs(steps=50), window=100)  # the default window with a short run
    x, _ = fig.axes[1].get_lines()[0].get_data()
    assert 0 <= x.min() and x.max() <= 49


# ----------------------------------------------------------------------------------------------
# plot_history


def make_history():
    return History(step=[10, 20, 30, 40], train_loss=[2.5, 2.0, 1.7, 1.5], val_loss=[2.4, 1.9, 1.8, 1.85],
                   seconds=[0.1, 0.2, 0.3, 0.4], best_step=30, best_val_loss=1.8)


def test_plot_history_figure():
    fig = plot_history(make_history(), title="My run")
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 3  # training, validation, and the vertical marker of the best step
    np.testing.assert_array_equal(lines[0].get_xdata(), [10, 20, 30, 40])
    np.testing.assert_array_equal(lines[1].get_ydata(), [2.4, 1.9, 1.8, 1.85])
    assert list(lines[2].get_xdata()) == [30, 30]
    assert ax.get_title() == "My run"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == 3 and "1.800 at step 30" in legend[2]


def test_plot_history_onto_given_axes():
    fig, axes = plt.subplots(1, 2)
    got = plot_history(make_history(), ax=axes[1])
    assert got is fig
    assert len(axes[1].get_lines()) == 3 and len(axes[0].get_lines()) == 0


def test_plot_history_of_a_real_run():
    from rnnlib.training.trainer import TrainConfig, train

    names = ["bakox", "ritux", "mebax", "kotux", "tubax", "rimex"]
    _, history = train(names[:4], names[4:], TrainConfig(hidden_size=4, batch_size=2, steps=6, eval_every=2), progress=False)
    fig = plot_history(history)
    assert len(fig.axes[0].get_lines()) == 3


# ----------------------------------------------------------------------------------------------
# plot_distributions


def test_plot_distributions_figure():
    chars = ["\n", "a", "b", "c"]
    dists = {"T = 0.5": np.array([0.1, 0.6, 0.2, 0.1]), "T = 1": np.full(4, 0.25), "T = 2": np.array([0.2, 0.3, 0.3, 0.2])}
    fig = plot_distributions(dists, chars, title="Next char")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    for ax, (label, p) in zip(fig.axes, dists.items()):
        assert ax.get_title() == label
        heights = [bar.get_height() for bar in ax.patches]
        np.testing.assert_allclose(heights, p)
        assert [t.get_text() for t in ax.get_xticklabels()] == ["\\n", "a", "b", "c"]
    assert fig.axes[0].get_ylabel() == "probability"
    assert fig._suptitle.get_text() == "Next char"


def test_plot_distributions_single_panel():
    fig = plot_distributions({"only": np.array([0.5, 0.5])}, ["\n", "a"])
    assert len(fig.axes) == 1 and len(fig.axes[0].patches) == 2


def test_word_map_places_the_words_by_their_two_main_directions():
    from rnnlib.data.word_vectors import WordVectors
    from rnnlib.ui.plots import plot_word_map

    # four words spread along x, one off the line: the first component is x, the second y
    wv = WordVectors(["a", "b", "c", "d", "e"], [[-3, 0, 0], [-1, 0, 0], [1, 0, 0], [3, 0, 0], [0, 1, 0]])
    fig = plot_word_map(wv, ["a", "b", "c", "d", "e"], title="t")
    ax = fig.axes[0]
    labels = {t.get_text(): t.xy for t in ax.texts}
    assert set(labels) == {"a", "b", "c", "d", "e"}
    xs = [labels[w][0] for w in "abcd"]
    assert xs == sorted(xs) or xs == sorted(xs, reverse=True)
    assert abs(labels["e"][1]) > abs(labels["a"][1])
    assert fig not in [plt.figure(n) for n in plt.get_fignums()]


def test_piano_roll_figure():
    import matplotlib.pyplot as plt

    from rnnlib.ui.plots import plot_piano_roll

    fig = plot_piano_roll([(0, 0.5, 60), (0.5, 0.5, 64)], [(0, 4, (48, 52, 55))], title="roll")
    assert fig.axes[0].get_title() == "roll" and fig.number not in plt.get_fignums()
    assert len(fig.axes[0].collections) == 5  # three chord tones, two notes
    empty = plot_piano_roll([])
    assert empty.axes[0].texts[0].get_text() == "no notes"


def test_confusion_matrix_figure_normalises_rows_and_writes_counts():
    from rnnlib.ui.plots import plot_confusion_matrix

    counts = np.array([[8, 2], [1, 9]])
    fig = plot_confusion_matrix(counts, ["a", "b"])
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.images[0].get_array(), [[0.8, 0.2], [0.1, 0.9]])
    assert sorted(t.get_text() for t in ax.texts) == ["1\n10.0%", "2\n20.0%", "8\n80.0%", "9\n90.0%"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    raw = plot_confusion_matrix(counts, ["a", "b"], normalize=False)
    np.testing.assert_array_equal(raw.axes[0].images[0].get_array(), counts)


# ---------------------------------------------------------------------------------------------- classifiers
from rnnlib.errors import ConfigError  # noqa: E402
from rnnlib.nn.metrics import confusion_matrix  # noqa: E402
from rnnlib.ui.plots import plot_confusion_matrix, plot_gradient_norms, plot_learning_curves  # noqa: E402


def test_plot_confusion_matrix_shows_counts_and_row_shares():
    fig = plot_confusion_matrix(confusion_matrix([0, 0, 0, 1], [0, 0, 1, 1], 2), ["negative", "positive"])
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["2\n66.7%", "1\n33.3%", "0\n0.0%", "1\n100.0%"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["negative", "positive"]
    assert "accuracy 0.750" in ax.get_title() and "n = 4" in ax.get_title()
    assert not plt.get_fignums()  # closed: the notebook shows it once


def test_plot_learning_curves_one_colour_per_model_dashed_training():
    histories = {"a": {"accuracy": [0.5, 0.6, 0.7], "val_accuracy": [0.5, 0.55, 0.6]},
                 "b": {"accuracy": [0.4, 0.8]}}
    fig = plot_learning_curves(histories)
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    assert ax.lines[0].get_linestyle() == "--" and ax.lines[1].get_linestyle() == "-"
    assert list(ax.lines[1].get_ydata()) == [0.5, 0.55, 0.6]
    assert ax.lines[0].get_color() == ax.lines[1].get_color() != ax.lines[2].get_color()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    with pytest.raises(ConfigError, match="no 'loss'"):
        plot_learning_curves({"a": {"accuracy": [1]}}, metric="loss")


def test_plot_learning_curves_takes_a_fit_history():
    from rnnlib.nn.model import History as FitHistory
    h = FitHistory()
    h.append({"loss": 0.7, "val_loss": 0.69})
    h.append({"loss": 0.5, "val_loss": 0.6})
    ax = plot_learning_curves({"gru": h}, metric="loss").axes[0]
    assert list(ax.lines[1].get_ydata()) == [0.69, 0.6]


def test_plot_gradient_norms_takes_axis_labels_and_skips_nan():
    fig = plot_gradient_norms({"lstm": np.array([1.0, 0.5, np.nan])}, xlabel="words back", ylabel="norm", bottom=1e-3)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "words back" and ax.get_ylabel() == "norm"
    assert ax.get_ylim()[0] == pytest.approx(1e-3)


# ----------------------------------------------------------------------------------------------
# bad input: each figure checks its arguments before drawing (issue 9's fuzz gaps)

def _history():
    h = History()
    h.step, h.train_loss, h.val_loss, h.seconds = [1, 2], [3.0, 2.5], [3.1, 2.7], [0.1, 0.2]
    h.best_step, h.best_val_loss = 2, 2.7
    return h


def _bad_history():
    h = _history()
    h.val_loss = [3.1]  # one entry short
    return h


@pytest.mark.parametrize("call,error,match", [
    (lambda: plot_history(None), "ConfigError", "History"),
    (lambda: plot_history(_bad_history()), "ShapeError", "val_loss has 1 entries"),
    (lambda: plot_history(_history(), title=3), "ConfigError", "title"),
    (lambda: plot_history(_history(), title="$^$"), "ConfigError", "mathtext"),
    (lambda: plot_history(_history(), ax="left"), "ConfigError", "Axes"),
    (lambda: plot_clipping({}), "ConfigError", "empty"),
    (lambda: plot_clipping({"a": {"loss": np.ones(3)}}), "ConfigError", "grad_norm"),
    (lambda: plot_clipping(fake_runs(), window=0), "ConfigError", "window"),
    (lambda: plot_clipping({"a": {"loss": [[1], [2, 3]], "grad_norm": np.ones(2)}}), "ShapeError", "rectangular"),
    (lambda: plot_distributions({"T": np.ones(3) / 3}, ["a", "b"]), "ShapeError", "3 probabilities for 2"),
    (lambda: plot_distributions({"T": np.ones(2) / 2}, "ab"), "ConfigError", "chars"),
    (lambda: plot_distributions({"T": np.array([np.nan, 1.0])}, ["a", "b"]), "ShapeError", "NaN"),
])
def test_figures_refuse_bad_arguments_with_rnnlib_errors(call, error, match):
    import rnnlib.errors

    with pytest.raises(getattr(rnnlib.errors, error), match=match):
        call()


def test_gradient_norms_lstm_gates_and_cell_comparison_refuse_bad_arguments():
    from rnnlib.core.lm import init_parameters
    from rnnlib.errors import ConfigError, ShapeError
    from rnnlib.ui.experiments import lstm_gate_activations
    from rnnlib.ui.plots import plot_cell_comparison, plot_gradient_norms, plot_lstm_gates

    with pytest.raises(ConfigError, match="curves"):
        plot_gradient_norms([1.0, 2.0])
    with pytest.raises(ConfigError, match="bottom"):
        plot_gradient_norms({"rnn": [1.0, 0.1]}, bottom=0)
    acts = lstm_gate_activations(init_parameters(5, 4, cell="lstm"), [1, 2, 3])
    with pytest.raises(ShapeError, match="3 time steps but text has 2"):
        plot_lstm_gates(acts, "ab", [0])
    with pytest.raises(ConfigError, match="not in the vocabulary|ids run"):
        plot_lstm_gates(acts, "abc", [7])  # there are 4 hidden units
    with pytest.raises(ConfigError, match="acts"):
        plot_lstm_gates({"forget": acts["forget"]}, "abc", [0])
    with pytest.raises(ConfigError, match="parameters"):
        plot_cell_comparison([{"cell": "rnn", "history": _history()}])
    with pytest.raises(ConfigError, match="History"):
        plot_cell_comparison([{"cell": "rnn", "history": {}, "parameters": 3}])
    assert isinstance(plot_lstm_gates(acts, "abc", [0, 3]), Figure)


def test_word_map_of_one_word_puts_it_at_the_origin():
    from rnnlib.data.word_vectors import WordVectors
    from rnnlib.errors import VocabularyError
    from rnnlib.ui.plots import plot_word_map

    wv = WordVectors(["a", "b"], [[1.0, 2.0], [3.0, 4.0]])
    fig = plot_word_map(wv, ["a"])
    assert [t.get_text() for t in fig.axes[0].texts] == ["a"]
    assert tuple(fig.axes[0].texts[0].xy) == (0.0, 0.0)
    with pytest.raises(VocabularyError, match="'zebra'"):
        plot_word_map(wv, ["a", "zebra"])


def test_piano_roll_refuses_a_span_too_long_to_draw_and_bad_notes():
    from rnnlib.errors import ConfigError
    from rnnlib.ui.plots import MAX_MEASURES, plot_piano_roll

    with pytest.raises(ConfigError, match="measures"):
        plot_piano_roll([(0, 1, 60), (4 * MAX_MEASURES + 8, 1, 62)])  # the old code drew every line
    with pytest.raises(ConfigError, match="measures"):
        plot_piano_roll([(0, 1, 60)], beats_per_measure=1e-300)
    with pytest.raises(ConfigError, match="pitch"):
        plot_piano_roll([(0, 1, 128)])
    with pytest.raises(ConfigError, match="duration"):
        plot_piano_roll([(0, -1, 60)])
    with pytest.raises(ConfigError, match="triple"):
        plot_piano_roll([(0, 1)])


def test_confusion_matrix_and_learning_curves_refuse_bad_arguments():
    from rnnlib.errors import ConfigError, ShapeError
    from rnnlib.ui.plots import plot_confusion_matrix, plot_learning_curves

    with pytest.raises(ShapeError, match="square"):
        plot_confusion_matrix(np.ones((2, 3), int), ["a", "b"])
    with pytest.raises(ConfigError, match="2 strings"):
        plot_confusion_matrix(np.ones((2, 2), int), ["a"])
    with pytest.raises(ShapeError, match="integers"):
        plot_confusion_matrix(np.ones((2, 2)) / 2, ["a", "b"])
    with pytest.raises(ConfigError, match="between 0"):
        plot_confusion_matrix(-np.ones((2, 2), int), ["a", "b"])
    with pytest.raises(ConfigError, match="histories"):
        plot_learning_curves([])
    with pytest.raises(ShapeError, match="val_accuracy"):
        plot_learning_curves({"m": {"accuracy": [0.5, 0.6], "val_accuracy": [0.5]}})
