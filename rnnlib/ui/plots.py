"""The matplotlib figures the notebooks show.

Each function returns the Figure it drew and removes it from pyplot's list of open figures, so a
notebook shows it exactly once, as the cell's value (end a cell with the call, no semicolon),
whatever inline-backend hooks the kernel or a test runner such as nbval has installed.
"""
import matplotlib.pyplot as plt
import numpy as np

from ..core.checks import check_array, is_int
from ..errors import ConfigError


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
    """Two panels from ``experiments.clipping_experiment``: gradient norm (log scale) and loss."""
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
    """Training and validation loss (nats/char) against steps, the kept (best) model marked."""
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
    """Bar charts side by side: ``distributions`` maps a label (e.g. 'T = 0.5') to a (V,) array."""
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
    ``experiments.input_gradient_norms``, with its axis labels); NaN entries are left out."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for label, norms in curves.items():
        norms = np.asarray(norms, dtype=np.float64)
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
    rows are the hidden units listed in ``units``, columns the characters of ``text``."""
    names = ["forget", "update", "candidate", "output", "cell"]
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
    """Validation loss against steps for each row of ``experiments.compare_cells``."""
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
    onto the two directions of largest variance among *these* words (PCA by SVD), each point labelled."""
    points = np.stack([word_vectors[w] for w in words]).astype(np.float64)
    points -= points.mean(axis=0)
    _, _, directions = np.linalg.svd(points, full_matrices=False)
    xy = points @ directions[:2].T
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
    """
    caller_ax = ax
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(11, 4))
    notes = [(float(s), float(d), int(p)) for s, d, p in notes]
    chords = [(float(s), float(d), [int(p) for p in ps]) for s, d, ps in chords]
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


def plot_confusion_matrix(counts, labels, title="Held-out confusion matrix", normalize=True):
    """A heat map of a confusion matrix ``counts`` (``rnnlib.nn.metrics.confusion_matrix``; rows: true class,
    columns: predicted), each row divided by its total when ``normalize`` (so a row reads "of the real
    positives, how many were called what"), the counts written in (and the shares, for up to 4 classes)."""
    counts = np.asarray(counts)
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
    optionally, ``"val_" + metric``."""
    for label, hist in histories.items():  # checked before any figure is made
        logs = getattr(hist, "history", hist)
        if metric not in logs:
            raise ConfigError(f"plot_learning_curves: {label!r} has no {metric!r} (it has {', '.join(logs)})")
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for k, (label, hist) in enumerate(histories.items()):
        logs = getattr(hist, "history", hist)
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
