"""What a student sees: notebook widgets, figures, the notebooks' small experiments, and the CLI.

    from rnnlib.ui import dino_sampler, poem_writer, live_training_view, plot_history
"""
from .audio import audio_player, render_notes, render_song, synthesize, wav_bytes, write_wav
from .experiments import (
    clipping_experiment,
    compare_cells,
    gradient_norms_through_time,
    input_gradient_norms,
    lstm_gate_activations,
)
from .jazz import Improvisation, improvise, solo_piano_roll, solo_samples
from .jazz_widget import JazzImproviser, jazz_improviser
from .plots import (
    moving_average,
    plot_cell_comparison,
    plot_clipping,
    plot_confusion_matrix,
    plot_distributions,
    plot_gradient_norms,
    plot_history,
    plot_learning_curves,
    plot_lstm_gates,
    plot_piano_roll,
    plot_word_map,
)
from .widgets import (
    DinoSampler,
    LanguageGuesser,
    LiveTrainingView,
    PoemWriter,
    dino_sampler,
    language_guesser,
    live_training_view,
    poem_writer,
    render_bars,
    render_message,
    render_names,
    render_poem,
)

__all__ = [
    "dino_sampler", "poem_writer", "live_training_view", "language_guesser", "DinoSampler", "PoemWriter",
    "LiveTrainingView", "LanguageGuesser", "render_names", "render_message", "render_poem", "render_bars",
    "plot_history", "plot_clipping", "plot_distributions", "plot_gradient_norms", "plot_lstm_gates",
    "plot_cell_comparison", "plot_confusion_matrix", "plot_word_map", "moving_average", "plot_piano_roll",
    "synthesize", "render_notes", "render_song", "wav_bytes", "write_wav", "audio_player",
    "improvise", "Improvisation", "solo_samples", "solo_piano_roll", "jazz_improviser", "JazzImproviser",
    "plot_learning_curves",
    "clipping_experiment", "gradient_norms_through_time", "input_gradient_norms", "lstm_gate_activations",
    "compare_cells",
]
