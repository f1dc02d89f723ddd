"""The matplotlib figures the notebooks show.

Each function returns the Figure it drew and removes it from pyplot's list of open figures, so a
notebook shows it exactly once, as the cell's value (end a cell with the call, no semicolon),
whatever inline-backend hooks the kernel or a test runner such as nbval has installed.
"""
import math

import matplotlib.pyplot as plt
import numpy as np

from ..core.checks import check_array, check_ids, check_instance, check_int, check_real, check_sequence, is_int, is_real
from ..errors import ConfigError, ShapeError
from ..training.trainer import History

#: The most panels, curves, characters or labels one figure draws: a figure sized by its data
#: (``plot_lstm_gates`` widens with the text) must not ask matplotlib for a canvas of kilometres.
MAX_ITEMS = 500
#: The most measure lines ``plot_piano_roll`` draws (10,000 measures: a 40,000-beat solo).
MAX_MEASURES = 10_000
#: The most note and chord-tone bars one piano roll draws (each is a matplotlib artist).
MAX_BARS = 20_000
#: The most classes a confusion matrix shows (each cell gets a text label).
MAX_CLASSES = 100


# ---- argument checks shared by the figures (each names the figure and the argument)

def _check_label(name, text, where):
    """``text`` unless it is not a str, or is matplotlib mathtext (text between $ signs) that does
    not parse: matplotlib would raise its ValueError only when the figure is drawn."""
    if not isinstance(text, str):
        raise ConfigError(f"{where}: {name} must be a string, got {type(text).__name__}")
    from matplotlib import cbook
    from matplotlib.mathtext import MathTextParser

    if cbook.is_math_text(text):
        try:
            MathTextParser("path").parse(text)
        except ValueError:
            raise ConfigError(f"{where}: {name} {text!r:.60} is not valid matplotlib mathtext "
                              "(write a literal dollar sign as \\$)") from None
    return text


def _check_title(title, where):
    return _check_label("title", title, where)


def _check_labels(mapping, where):
    """Every key of ``mapping`` as the legend will show it (str of the key), checked as a label."""
    for label in mapping:
        _check_label(f"the label {label!r:.40}", str(label), where)


def _check_mapping(name, value, where, what):
    """``value`` unless it is not a non-empty dict of at most MAX_ITEMS entries (label -> ``what``)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {name} must be a dict mapping a label to {what}, got {type(value).__name__}")
    if not value:
        raise ConfigError(f"{where}: {name} is empty (nothing to plot)")
    if len(value) > MAX_ITEMS:
        raise ConfigError(f"{where}: {name} has {len(value):,} entries, more than the {MAX_ITEMS} one figure draws")
    return value


def _check_curve(name, values, where, finite=False):
    """``values`` as a 1-D float64 array of at most MAX_ELEMENTS points (NaN allowed unless ``finite``:
    a diverged run's curve is still worth a look)."""
    return check_array(name, values, where, ndim=1, finite=finite, error=ShapeError).astype(np.float64)


def _check_axes(ax, where):
    from matplotlib.axes import Axes

    if ax is not None:
        check_instance("ax", ax, Axes, where, what="None or a matplotlib Axes")
    return ax


def _check_history(name, history, where):
    """A trainer History whose step, train_loss and val_loss are equally long 1-D numeric curves."""
    check_instance(name, history, History, where, what="an rnnlib History (what train returns)")
    steps = _check_curve(f"{name}.step", history.step, where, finite=True)
    for field in ("train_loss", "val_loss"):
        curve = _check_curve(f"{name}.{field}", getattr(history, field), where)
        if len(curve) != len(steps):
            raise ShapeError(f"{where}: {name}.{field} has {len(curve)} entries but {name}.step has {len(steps)}")
    if not is_real(history.best_step) or not math.isfinite(history.best_step):
        raise ConfigError(f"{where}: {name}.best_step must be a finite number, got {history.best_step!r}")
    if not is_real(history.best_val_loss):
        raise ConfigError(f"{where}: {name}.best_val_loss must be a number, got {history.best_val_loss!r}")
    return history


def moving_average(values, window):
    """Mean of each run of ``window`` consecutive values (length len(values) - window + 1)."""
    values = check_array("values", values, "moving_average", ndim=1, finite=False).astype(np.float64)
    if not is_int(window):
        raise ConfigError(f"moving_average: window must be a whole number, got {window!r}")
    if values.size == 0:
        return values
    window = effective_window(window, len(values))
    # a direct sum per window, not differences of a running sum: one inf must not poison the rest
    return np.convolve(values, np.full(window, 1.0 / window), mode="valid")


def effective_window(window, n):
    """The window ``moving_average`` really uses for ``n`` values: between 1 and n."""
    return max(1, min(window, n))


def plot_clipping(runs, window=100):
    """Two panels from ``experiments.clipping_experiment``: gradient norm (log scale) and loss.

    runs: label -> {"loss": (steps,), "grad_norm": (steps,)}; window: the loss curve's moving
    average, a whole number >= 1.
    """
    where = "plot_clipping"
    _check_mapping("runs", runs, where, 'a run dict with "loss" and "grad_norm"')
    _check_labels(runs, where)
    window = check_int("window", window, where, minimum=1)
    checked = {}
    for label, run in runs.items():
        if not isinstance(run, dict) or "loss" not in run or "grad_norm" not in run:
            raise ConfigError(f"{where}: runs[{label!r}] must be a dict with 'loss' and 'grad_norm' curves "
                              "(what clipping_experiment returns)")
        checked[label] = {k: _check_curve(f"runs[{label!r}][{k!r}]", run[k], where) for k in ("loss", "grad_norm")}
    runs = checked
    fig, (ax_norm, ax_loss) = plt.subplots(1, 2, figsize=(11, 3.8))
    for label, run in runs.items():
        steps = np.arange(len(run["grad_norm"]))
        ax_norm.plot(steps, run["grad_norm"], lw=0.6, alpha=0.8, label=label)
        smooth = moving_average(run["loss"], window)
        used = effective_window(window, len(run["loss"]))
        ax_loss.plot(np.arange(len(smooth)) + used - 1, smooth, label=label)
    ax_norm.set(yscale="log", xlabel="training step (one name each)", ylabel="gradient norm",
                title="Gradient norm before clipping")
    ax_loss.set(xlabel="training step (one name each)", ylabel=f"loss, nats/char (mean of {window})",
                title="Training loss")
    for ax in (ax_norm, ax_loss):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_history(history, title="Fast trainer", ax=None):
    """Training and validation loss (nats/char) against steps, the kept (best) model marked.

    history: what ``train`` returns (a History); ax: None (a new figure) or a matplotlib Axes to draw on.
    """
    where = "plot_history"
    _check_history("history", history, where)
    _check_title(title, where)
    _check_axes(ax, where)
    caller_ax = ax
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7, 4))
    ax.plot(history.step, history.train_loss, label="training (mean since last point)")
    ax.plot(history.step, history.val_loss, label="validation")
    ax.axvline(history.best_step, color="gray", ls="--", lw=1,
               label=f"best: {history.best_val_loss:.3f} at step {history.best_step}")
    ax.set(xlabel="optimizer step", ylabel="loss (nats per character)", title=title)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    if caller_ax is None:  # never close a figure the caller passed in
        plt.close(fig)
    return fig


def plot_distributions(distributions, chars, title="Next-character probabilities"):
    """Bar charts side by side: ``distributions`` maps a label (e.g. 'T = 0.5') to a (V,) array;
    ``chars`` holds the V characters (strings) that label the bars."""
    where = "plot_distributions"
    _check_mapping("distributions", distributions, where, "a (V,) array of probabilities")
    _check_labels(distributions, where)
    if len(distributions) > 50:
        raise ConfigError(f"{where}: {len(distributions)} distributions are too many panels side by side (at most 50)")
    chars = check_sequence("chars", chars, where, what="a list of the characters (strings)")
    if len(chars) > MAX_ITEMS or not all(isinstance(c, str) for c in chars):
        raise ConfigError(f"{where}: chars must be at most {MAX_ITEMS} strings, one per bar")
    for c in chars:
        _check_label("each char", repr(c)[1:-1], where)
    distributions = {label: _check_curve(f"distributions[{label!r}]", p, where, finite=True)
                     for label, p in distributions.items()}
    for label, p in distributions.items():
        if len(p) != len(chars):
            raise ShapeError(f"{where}: distributions[{label!r}] has {len(p)} probabilities for {len(chars)} chars")
    _check_title(title, where)
    fig, axes = plt.subplots(1, len(distributions), figsize=(4 * len(distributions), 3), sharey=True)
    axes = np.atleast_1d(axes)
    labels = [repr(c)[1:-1] for c in chars]  # show '\n' as \n
    for ax, (label, p) in zip(axes, distributions.items()):
        ax.bar(np.arange(len(p)), p)
        ax.set_xticks(np.arange(len(p)), labels, fontsize=7)
        ax.set_title(label)
    axes[0].set_ylabel("probability")
    fig.suptitle(title)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_gradient_norms(curves, title="How far back does the gradient reach?",
                        xlabel="steps back from the last character", ylabel="‖dL / da⟨t⟩‖ (log scale)",
                        bottom=1e-30):
    """``curves`` maps a label to the output of ``experiments.gradient_norms_through_time`` (or of
    ``experiments.input_gradient_norms``, with its axis labels); NaN entries are left out.
    bottom: the log axis's lower end, a finite number > 0."""
    where = "plot_gradient_norms"
    _check_mapping("curves", curves, where, "a 1-D array of gradient norms")
    _check_labels(curves, where)
    curves = {label: _check_curve(f"curves[{label!r}]", norms, where) for label, norms in curves.items()}
    for label, norms in curves.items():
        if np.any(np.abs(norms[np.isfinite(norms)]) > 1e250):  # matplotlib's log ticks overflow near 1e300
            raise ConfigError(f"{where}: curves[{label!r}] has norms above 1e250, too large for a log axis")
    for text, name in ((title, "title"), (xlabel, "xlabel"), (ylabel, "ylabel")):
        _check_label(name, text, where)
    bottom = check_real("bottom", bottom, where, positive=True)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for label, norms in curves.items():
        ax.semilogy(np.arange(len(norms)), np.maximum(norms, 1e-300), label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.set_ylim(bottom=bottom)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_lstm_gates(acts, text, units):
    """Heat maps of ``experiments.lstm_gate_activations``: one panel per gate (and the memory cell),
    rows are the hidden units listed in ``units``, columns the characters of ``text``.

    acts: gate name -> (n_a, T) array (what ``lstm_gate_activations`` returns); text: the T
    characters read; units: a non-empty list of hidden-unit indices in 0..n_a-1.
    """
    where = "plot_lstm_gates"
    names = ["forget", "update", "candidate", "output", "cell"]
    if not isinstance(acts, dict) or any(n not in acts for n in names):
        raise ConfigError(f"{where}: acts must be the dict lstm_gate_activations returns, with "
                          f"{', '.join(map(repr, names))}")
    if not isinstance(text, str) or not text:
        raise ConfigError(f"{where}: text must be a non-empty string (the characters the gates read)")
    if len(text) > MAX_ITEMS:
        raise ConfigError(f"{where}: text has {len(text):,} characters, more than the {MAX_ITEMS} one figure shows")
    acts = {n: check_array(f"acts[{n!r}]", acts[n], where, ndim=2, finite=True).astype(np.float64) for n in names}
    shape = acts["forget"].shape
    for n in names:
        if acts[n].shape != shape:
            raise ShapeError(f"{where}: acts[{n!r}] has shape {acts[n].shape}, acts['forget'] {shape}")
    if shape[1] != len(text):
        raise ShapeError(f"{where}: the activations have {shape[1]} time steps but text has {len(text)} characters")
    units = check_ids("units", units, where, size=shape[0], error=ConfigError)
    if units.size == 0 or units.size > MAX_ITEMS:
        raise ConfigError(f"{where}: units must list 1 to {MAX_ITEMS} hidden units, got {units.size}")
    _check_label("text", repr(text), where)  # the title shows it
    fig, axes = plt.subplots(len(names), 1, figsize=(0.45 * len(text) + 2.5, 1.25 * len(names) + 1), sharex=True)
    for ax, name in zip(axes, names):
        data = acts[name][units]
        low, high = (-1, 1) if name in ("candidate", "cell") else (0, 1)
        if name == "cell":
            low, high = -np.abs(data).max(), np.abs(data).max()
        image = ax.imshow(data, aspect="auto", cmap="coolwarm" if low < 0 else "viridis", vmin=low, vmax=high)
        ax.set_ylabel(name, rotation=0, ha="right", va="center")
        ax.set_yticks([])
        fig.colorbar(image, ax=ax, pad=0.01)
    axes[-1].set_xticks(np.arange(len(text)), [repr(c)[1:-1] for c in text])
    axes[0].set_title(f"LSTM gates on {text!r} ({len(units)} hidden units)")
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_cell_comparison(rows):
    """Validation loss against steps for each row of ``experiments.compare_cells`` (dicts with
    "cell" (a name), "history" (a History) and "parameters" (a count))."""
    where = "plot_cell_comparison"
    rows = check_sequence("rows", rows, where, what="a list of compare_cells rows")
    if len(rows) > MAX_ITEMS:
        raise ConfigError(f"{where}: {len(rows):,} rows are more than the {MAX_ITEMS} one figure draws")
    for k, row in enumerate(rows):
        if not isinstance(row, dict) or any(key not in row for key in ("cell", "history", "parameters")):
            raise ConfigError(f"{where}: rows[{k}] must be a dict with 'cell', 'history' and 'parameters' "
                              "(what compare_cells returns)")
        _check_label(f"rows[{k}]['cell']", row["cell"], where)
        check_int(f"rows[{k}]['parameters']", row["parameters"], where, minimum=0)
        _check_history(f"rows[{k}]['history']", row["history"], where)
    fig, ax = plt.subplots(figsize=(7.5, 4))
    for row in rows:
        h = row["history"]
        ax.plot(h.step, h.val_loss, label=f"{row['cell'].upper()} ({row['parameters']:,} parameters): best {h.best_val_loss:.3f}")
    ax.set(xlabel="optimizer step", ylabel="validation loss (nats per character)",
           title="Same data, steps, batches and hidden size")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_word_map(word_vectors, words, title="Word vectors, projected on their first two principal components"):
    """A 2-D map of ``words`` (strings in ``word_vectors``, a WordVectors): their vectors, centred, projected
    onto the two directions of largest variance among *these* words (PCA by SVD), each point labelled.

    With fewer than two directions to project on (one word, or 1-D vectors) the missing coordinates are 0:
    one word sits at the origin.
    """
    from ..data.word_vectors import WordVectors

    where = "plot_word_map"
    check_instance("word_vectors", word_vectors, WordVectors, where, what="a WordVectors (load_glove's)")
    words = check_sequence("words", words, where, what="a list of words")
    if len(words) > MAX_ITEMS:
        raise ConfigError(f"{where}: {len(words):,} words are more than the {MAX_ITEMS} one map labels")
    _check_title(title, where)
    for word in words:
        _check_label("each word", word, where)
    points = np.stack([word_vectors[w] for w in words]).astype(np.float64)  # an unknown word: VocabularyError
    points -= points.mean(axis=0)
    _, _, directions = np.linalg.svd(points, full_matrices=False)
    xy = np.zeros((len(words), 2))
    shown = min(2, directions.shape[0])
    xy[:, :shown] = points @ directions[:shown].T
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    ax.scatter(xy[:, 0], xy[:, 1], s=12)
    for (x, y), word in zip(xy, words):
        ax.annotate(word, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=9)
    ax.set(xlabel="first principal component", ylabel="second principal component", title=title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_piano_roll(notes, chords=(), *, title="Piano roll", beats_per_measure=4, ax=None):
    """Notes as bars over their chords: time in beats across, MIDI pitch up.

    ``notes`` is a sequence of (start, duration, pitch) in beats; ``chords`` a sequence of
    (start, duration, pitches), drawn as pale bars behind the notes, one per chord pitch.  Measure
    lines every ``beats_per_measure`` beats.  An empty ``notes`` gives an empty roll with a note saying so.
    Starts are finite beats, durations finite and >= 0, pitches MIDI numbers 0..127; at most
    ``MAX_MEASURES`` measures and ``MAX_BARS`` bars in all (a figure, not a score).
    """
    where = "plot_piano_roll"
    notes = [_check_event(f"notes[{k}]", n, where) for k, n in enumerate(
        check_sequence("notes", notes, where, nonempty=False, what="a list of (start, duration, pitch)"))]
    chords = [_check_event(f"chords[{k}]", c, where, chord=True) for k, c in enumerate(
        check_sequence("chords", chords, where, nonempty=False, what="a list of (start, duration, pitches)"))]
    beats_per_measure = check_real("beats_per_measure", beats_per_measure, where, positive=True)
    _check_title(title, where)
    _check_axes(ax, where)
    bars = len(notes) + sum(len(ps) for _, _, ps in chords)
    if bars > MAX_BARS:
        raise ConfigError(f"{where}: {bars:,} bars to draw, more than the {MAX_BARS:,} one roll shows")
    spans = [(s, s + d) for s, d, _ in notes] + [(s, s + d) for s, d, _ in chords]
    if spans:
        # measure lines run from the first start's measure to the last end: count them before drawing,
        # in floats, so that a tiny beats_per_measure gives inf (refused) rather than an endless arange
        first = min(s for s, _ in spans) / beats_per_measure
        last = max(e for _, e in spans) / beats_per_measure
        measures = last - math.floor(first) if math.isfinite(first) and math.isfinite(last) else math.inf
        if not measures <= MAX_MEASURES:
            raise ConfigError(f"{where}: the notes span {measures:,.0f} measures of {beats_per_measure:g} beats, "
                              f"more than the {MAX_MEASURES:,} one roll draws lines for")
    caller_ax = ax
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(11, 4))
    for start, duration, pitches in chords:
        for pitch in pitches:
            ax.broken_barh([(start, duration)], (pitch - 0.45, 0.9), color="#c9d6e8", edgecolor="none", zorder=1)
    for start, duration, pitch in notes:
        ax.broken_barh([(start, duration)], (pitch - 0.4, 0.8), color="#1f4e8c", edgecolor="white",
                       linewidth=0.5, zorder=2)
    every = [p for _, _, p in notes] + [p for _, _, ps in chords for p in ps]
    ends = [s + d for s, d, _ in notes] + [s + d for s, d, _ in chords]
    starts = [s for s, _, _ in notes] + [s for s, _, _ in chords]
    if every:
        ax.set_ylim(min(every) - 2, max(every) + 2)
        ax.set_xlim(min(starts), max(ends))
        first = int(np.floor(min(starts) / beats_per_measure)) * beats_per_measure
        for line in np.arange(first, max(ends) + beats_per_measure, beats_per_measure):
            ax.axvline(line, color="gray", lw=0.5, alpha=0.5, zorder=0)
    else:
        ax.text(0.5, 0.5, "no notes", ha="center", va="center", transform=ax.transAxes)
    ax.set(xlabel="beat", ylabel="MIDI pitch (60 = middle C)", title=title)
    if chords:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color="#1f4e8c", label="melody"), Patch(color="#c9d6e8", label="chord tones")],
                  loc="upper right", fontsize=8)
    fig.tight_layout()
    if caller_ax is None:
        plt.close(fig)
    return fig


def _check_event(name, event, where, chord=False):
    """(start, duration, pitch) -- or (start, duration, [pitches]) for a chord -- as floats and ints."""
    if not isinstance(event, (tuple, list)) or len(event) != 3:
        raise ConfigError(f"{where}: {name} must be a (start, duration, {'pitches' if chord else 'pitch'}) triple, "
                          f"got {event!r:.80}")
    start = check_real(f"{name}'s start", event[0], where)
    duration = check_real(f"{name}'s duration", event[1], where, minimum=0)
    if not math.isfinite(start + duration):
        raise ConfigError(f"{where}: {name} ends past the largest float")
    if chord:
        pitches = check_sequence(f"{name}'s pitches", event[2], where, nonempty=False, what="a list of MIDI pitches")
        return start, duration, [check_int(f"{name}'s pitch", p, where, minimum=0, maximum=127) for p in pitches]
    return start, duration, check_int(f"{name}'s pitch", event[2], where, minimum=0, maximum=127)


def plot_confusion_matrix(counts, labels, title="Held-out confusion matrix", normalize=True):
    """A heat map of a confusion matrix ``counts`` (``rnnlib.nn.metrics.confusion_matrix``; rows: true class,
    columns: predicted), each row divided by its total when ``normalize`` (so a row reads "of the real
    positives, how many were called what"), the counts written in (and the shares, for up to 4 classes).

    counts: (n, n) whole numbers >= 0; labels: n strings; at most MAX_CLASSES classes.
    """
    where = "plot_confusion_matrix"
    counts = check_array("counts", counts, where, ndim=2, dtype_kind="i")
    if counts.shape[0] != counts.shape[1] or counts.shape[0] == 0:
        raise ShapeError(f"{where}: counts must be a square (n, n) matrix with n >= 1, got shape {counts.shape}")
    if counts.shape[0] > MAX_CLASSES:
        raise ConfigError(f"{where}: {counts.shape[0]} classes are more than the {MAX_CLASSES} one matrix shows")
    if (counts < 0).any() or (counts > 2**53).any():
        raise ConfigError(f"{where}: counts must be whole numbers between 0 and 2**53")
    counts = counts.astype(np.int64)
    labels = check_sequence("labels", labels, where, what="a list of class names")
    if len(labels) != counts.shape[0]:
        raise ConfigError(f"{where}: labels must be {counts.shape[0]} strings, one per row of counts, got {len(labels)}")
    for label in labels:
        _check_label("each label", label, where)
    if not isinstance(normalize, (bool, np.bool_)):
        raise ConfigError(f"{where}: normalize must be True or False, got {normalize!r}")
    _check_title(title, where)
    small = len(labels) <= 4  # few classes: room to write each cell's share of its row too
    shown = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1) if normalize else counts
    size = 0.42 * len(labels) + 2.5
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    image = ax.imshow(shown, cmap="Blues", vmin=0, vmax=1 if normalize else None)
    ax.set_xticks(np.arange(len(labels)), labels, rotation=0 if small else 90, fontsize=8)
    ax.set_yticks(np.arange(len(labels)), labels, fontsize=8)
    ax.set(xlabel="predicted", ylabel="true",
           title=f"{title} (accuracy {np.trace(counts) / max(counts.sum(), 1):.3f}, n = {counts.sum()})")
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            if counts[i, j] or small:
                text = f"{counts[i, j]}\n{shown[i, j]:.1%}" if small and normalize else str(counts[i, j])
                ax.text(j, i, text, ha="center", va="center", fontsize=10 if small else 6,
                        color="white" if shown[i, j] > 0.5 * shown.max() else "black")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="share of the row" if normalize else "count")
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_learning_curves(histories, metric="accuracy", title="Learning curves"):
    """Training (dashed) and validation (solid) ``metric`` per epoch, one colour per model.

    histories: label -> an ``rnnlib.nn`` History (or its ``.history`` dict) with ``metric`` and,
    optionally, ``"val_" + metric`` (equally long 1-D curves)."""
    from ..nn.model import History as FitHistory

    where = "plot_learning_curves"
    _check_mapping("histories", histories, where, "an rnnlib.nn History (what fit returns)")
    if not isinstance(metric, str):
        raise ConfigError(f"{where}: metric must be a string such as 'accuracy', got {type(metric).__name__}")
    _check_title(title, where)
    _check_label("metric", metric.replace("_", " "), where)  # the y axis shows it
    _check_labels(histories, where)
    checked = {}
    for label, hist in histories.items():  # checked before any figure is made
        logs = hist.history if isinstance(hist, FitHistory) else hist
        if not isinstance(logs, dict):
            raise ConfigError(f"{where}: histories[{label!r}] must be an rnnlib.nn History or its .history dict, "
                              f"got {type(hist).__name__}")
        if metric not in logs:
            raise ConfigError(f"plot_learning_curves: {label!r} has no {metric!r} "
                              f"(it has {', '.join(map(str, logs)) or 'nothing'})")
        curves = {metric: _check_curve(f"histories[{label!r}][{metric!r}]", logs[metric], where)}
        if "val_" + metric in logs:
            curves["val_" + metric] = _check_curve(f"histories[{label!r}]['val_{metric}']", logs["val_" + metric], where)
            if len(curves["val_" + metric]) != len(curves[metric]):
                raise ShapeError(f"{where}: {label!r} has {len(curves[metric])} {metric} values but "
                                 f"{len(curves['val_' + metric])} val_{metric} values")
        checked[label] = curves
    histories = checked
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for k, (label, hist) in enumerate(histories.items()):
        logs = hist
        epochs = np.arange(1, len(logs[metric]) + 1)
        colour = f"C{k % 10}"
        ax.plot(epochs, logs[metric], ls="--", color=colour, alpha=0.7)
        if "val_" + metric in logs:
            ax.plot(epochs, logs["val_" + metric], ls="-", marker="o", ms=3, color=colour, label=label)
        else:
            ax.lines[-1].set_label(label)
    ax.set(xlabel="epoch", ylabel=metric.replace("_", " "), title=f"{title} (dashed: training, solid: held out)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    plt.close(fig)
    return fig
