"""Interactive notebook front ends (ipywidgets) for the sampler.

``dino_sampler(model)`` shows sliders for temperature, seed, number of names and top-k, a prefix
box, and the sampled names, re-sampled on every change.  The HTML is made by plain functions
(``render_names``, ``render_message``) and the widget keeps its controls as attributes, so tests
can drive it without a browser::

    w = dino_sampler(model, known_names=names)
    w.temperature.value = 0.5
    w.names            # the names now shown
    w.names_html.value  # the HTML now shown

Every control has a ``description`` and a stable CSS class (``rnnlib-temperature``,
``rnnlib-seed``, ``rnnlib-count``, ``rnnlib-prefix``, ``rnnlib-top-k``, ``rnnlib-names``; the box
itself is ``rnnlib-dino-sampler``) for browser tests.
"""
import html

import ipywidgets as widgets
import numpy as np

from ..core.checks import check_int, check_sequence, is_real
from ..errors import ConfigError, RnnlibError
from ..training.sampling import check_char_model, mark_known, sample_names

KNOWN_NOTE = "(in training data)"
_WIDE = {"description_width": "initial"}


def render_names(names, known_flags=None):
    """HTML for a list of names: an ordered list, known names followed by ``KNOWN_NOTE``.

    known_flags: one bool per name, or None to mark nothing.  Names are HTML-escaped; an empty
    name (the model ended at once) is shown as "(empty)".
    """
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise ConfigError(f"render_names: names must be a list of strings, got {names!r:.60}")
    if known_flags is not None and (not isinstance(known_flags, (list, tuple, np.ndarray))
                                    or len(known_flags) != len(names)
                                    or not all(isinstance(k, (bool, np.bool_)) for k in known_flags)):
        raise ConfigError(f"render_names: known_flags must be None or one True/False per name, got {known_flags!r:.60}")
    if known_flags is None:
        known_flags = [False] * len(names)
    items = []
    for name, known in zip(names, known_flags):
        text = html.escape(name) if name else "<em>(empty)</em>"
        if known:
            text += f' <span class="rnnlib-known">{KNOWN_NOTE}</span>'
        items.append(f"<li>{text}</li>")
    if not items:
        return '<p class="rnnlib-empty">No names.</p>'
    return '<ol class="rnnlib-name-list">' + "".join(items) + "</ol>"


def render_message(text):
    """HTML for a problem to show in place of the names (escaped)."""
    if not isinstance(text, str):
        raise ConfigError(f"render_message: text must be a string, got {type(text).__name__}")
    return f'<p class="rnnlib-error" style="color:#b00">{html.escape(text)}</p>'


def _styled(control, css_class):
    control.add_class(css_class)
    return control


class DinoSampler(widgets.VBox):
    """A VBox of sampling controls and the names they produce (see ``dino_sampler``).

    Attributes: ``temperature``, ``seed``, ``count``, ``prefix``, ``top_k`` (controls; top-k 0
    means off), ``names_html`` (the HTML output), ``names`` (the list last shown; empty when the
    input was rejected) and ``error`` (the last message shown, or None).
    """

    def __init__(self, model, known_names=None, seed=0, max_length=50):
        check_char_model(model, "dino_sampler")
        check_int("seed", seed, "dino_sampler", minimum=0, maximum=2**31 - 1)
        check_int("max_length", max_length, "dino_sampler", minimum=1, maximum=10**6)
        if known_names is not None:
            known_names = check_sequence("known_names", known_names, "dino_sampler", nonempty=False,
                                         what="None or a list of strings")
            if not all(isinstance(n, str) for n in known_names):
                raise ConfigError("dino_sampler: known_names must be None or a list of strings")
        super().__init__()
        self.model = model
        self.known_names = None if known_names is None else list(known_names)
        self.max_length = max_length
        self.names, self.error = [], None

        self.temperature = _styled(widgets.FloatSlider(
            value=1.0, min=0.1, max=2.0, step=0.05, description="Temperature", style=_WIDE),
            "rnnlib-temperature")
        self.seed = _styled(widgets.BoundedIntText(
            value=seed, min=0, max=2**31 - 1, description="Seed", style=_WIDE), "rnnlib-seed")
        self.count = _styled(widgets.IntSlider(
            value=10, min=1, max=30, description="How many", style=_WIDE), "rnnlib-count")
        self.prefix = _styled(widgets.Text(
            value="", description="Prefix", placeholder="e.g. tyr", style=_WIDE), "rnnlib-prefix")
        self.top_k = _styled(widgets.IntSlider(
            value=0, min=0, max=len(model.vocab), description="Top-k (0 = off)", style=_WIDE),
            "rnnlib-top-k")
        self.names_html = _styled(widgets.HTML(description="Names"), "rnnlib-names")

        controls = [self.temperature, self.seed, self.count, self.prefix, self.top_k]
        for control in controls:
            control.observe(self.refresh, names="value")
        self.children = controls + [self.names_html]
        self.add_class("rnnlib-dino-sampler")
        self.refresh()

    def refresh(self, change=None):
        """Sample again with the current control values and update the display.

        Bad input (unknown prefix characters, a prefix too long...) becomes a message in the
        output area instead of an exception, since this runs inside the browser's callbacks.
        """
        try:
            names = sample_names(
                self.model,
                n=self.count.value,
                temperature=self.temperature.value,
                top_k=self.top_k.value or None,
                prefix=self.prefix.value,
                max_length=self.max_length,
                seed=self.seed.value,
            )
        except RnnlibError as exc:
            self.names, self.error = [], str(exc)
            self.names_html.value = render_message(self.error)
            return
        flags = None if self.known_names is None else mark_known(names, self.known_names)
        self.names, self.error = names, None
        self.names_html.value = render_names(names, flags)


def dino_sampler(model, known_names=None, seed=0, max_length=50):
    """An interactive sampler for a CharModel, to display in a notebook.

    known_names: the training names (any case), so names the model merely memorised are marked
    ``(in training data)``; None marks nothing.  seed: the starting value of the seed box.
    max_length: the longest name drawn (prefix included).  Returns a ``DinoSampler`` (a VBox).
    """
    return DinoSampler(model, known_names=known_names, seed=seed, max_length=max_length)


# ----------------------------------------------------------------------------------------------
# Writing like Shakespeare: complete an opening line, streaming


def render_poem(text):
    """HTML for generated text: escaped, line breaks kept."""
    if not isinstance(text, str):
        raise ConfigError(f"render_poem: text must be a string, got {type(text).__name__}")
    return f'<pre class="rnnlib-poem-text" style="white-space:pre-wrap;font-family:serif;font-size:1.05em">{html.escape(text)}</pre>'


class PoemWriter(widgets.VBox):
    """An opening-line box, temperature and length sliders, a seed and a Generate button; the poem
    appears in ``poem_html`` character by character as it is written (see ``poem_writer``).

    Attributes: ``prefix``, ``temperature``, ``length``, ``seed``, ``button`` (controls),
    ``poem_html`` (the output), ``text`` (the last complete poem) and ``error`` (or None).
    """

    def __init__(self, model, prefix="", seed=0, stream_every=8):
        check_char_model(model, "poem_writer")
        check_int("seed", seed, "poem_writer", minimum=0, maximum=2**31 - 1)
        check_int("stream_every", stream_every, "poem_writer", minimum=1)
        if not isinstance(prefix, str):
            raise ConfigError(f"poem_writer: prefix must be a string, got {type(prefix).__name__}")
        super().__init__()
        self.model, self.stream_every = model, stream_every
        self.text, self.error = "", None
        self.prefix = _styled(widgets.Text(value=prefix, description="Opening line", placeholder="Shall I compare thee",
                                           layout=widgets.Layout(width="32em"), style=_WIDE), "rnnlib-opening")
        self.temperature = _styled(widgets.FloatSlider(value=0.6, min=0.1, max=1.5, step=0.05,
                                                       description="Temperature", style=_WIDE), "rnnlib-poem-temperature")
        self.length = _styled(widgets.IntSlider(value=300, min=20, max=1000, step=20, description="Length",
                                                style=_WIDE), "rnnlib-poem-length")
        self.seed = _styled(widgets.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="Seed",
                                                   style=_WIDE), "rnnlib-poem-seed")
        self.button = _styled(widgets.Button(description="Generate", button_style="primary"), "rnnlib-generate")
        self.poem_html = _styled(widgets.HTML(), "rnnlib-poem")
        self.button.on_click(self.generate)
        self.children = [self.prefix, self.temperature, self.length, self.seed, self.button, self.poem_html]
        self.add_class("rnnlib-poem-writer")

    def generate(self, _button=None):
        """Write a poem from the current controls, updating the display as it goes."""
        from ..course.shakespeare import OPENING, generate_output
        from ..training.sampling import normalise_prefix

        written = []

        def stream(piece):
            written.append(piece)
            if len(written) % self.stream_every == 0:  # a few characters per update keeps the browser smooth
                self.poem_html.value = render_poem(shown + "".join(written))

        self.button.disabled = True
        try:
            shown = normalise_prefix(self.model.vocab, self.prefix.value, what=OPENING)
            self.text = generate_output(self.prefix.value, length=self.length.value, temperature=self.temperature.value,
                                        seed=self.seed.value, model=self.model, on_text=stream)
            self.error = None
            self.poem_html.value = render_poem(self.text)
        except RnnlibError as exc:
            self.text, self.error = "", str(exc)
            self.poem_html.value = render_message(self.error)
        finally:
            self.button.disabled = False


def poem_writer(model, prefix="", seed=0):
    """A widget that completes an opening line with ``model`` (a text LanguageModel)."""
    return PoemWriter(model, prefix=prefix, seed=seed)


# ----------------------------------------------------------------------------------------------
# A live view of training


class LiveTrainingView(widgets.VBox):
    """A progress bar and a loss curve that redraw while ``rnnlib.train`` runs.

    Pass ``view.on_eval`` as the trainer's ``on_eval`` callback; after each evaluation it moves the
    bar and redraws the training and validation curves (a PNG in ``view.plot``).
    """

    def __init__(self, total_steps, title="Training"):
        check_int("total_steps", total_steps, "live_training_view", minimum=1)
        if not isinstance(title, str):
            raise ConfigError(f"live_training_view: title must be a string, got {type(title).__name__}")
        super().__init__()
        self.total_steps, self.title = total_steps, title
        self.bar = _styled(widgets.IntProgress(value=0, min=0, max=total_steps, description="steps"), "rnnlib-progress")
        self.status = _styled(widgets.HTML(), "rnnlib-status")
        self.plot = _styled(widgets.Image(format="png"), "rnnlib-loss-plot")
        self.children = [widgets.HBox([self.bar, self.status]), self.plot]
        self.add_class("rnnlib-live-training")
        self.updates = 0

    def on_eval(self, history):
        """Show ``history`` (the trainer's History, at least one evaluation in it)."""
        from .plots import _check_history

        _check_history("history", history, "LiveTrainingView.on_eval")
        if not history.step:
            raise ConfigError("LiveTrainingView.on_eval: the history has no evaluation yet")
        self.updates += 1
        self.bar.value = min(history.step[-1], self.total_steps)
        self.status.value = (f"step {history.step[-1]} · train {history.train_loss[-1]:.3f} · "
                             f"validation {history.val_loss[-1]:.3f} · best {history.best_val_loss:.3f}")
        self.plot.value = _history_png(history, self.title)


def _history_png(history, title):
    import io

    from .plots import plot_history

    fig = plot_history(history, title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def live_training_view(total_steps, title="Training"):
    """A LiveTrainingView; display it, then train with ``on_eval=view.on_eval``."""
    return LiveTrainingView(total_steps, title)


# ----------------------------------------------------------------------------------------------
# Classifying a name: the top classes as probability bars


def render_bars(guesses):
    """HTML for ``guesses``, a list of (label, probability) pairs best first: one labelled bar each."""
    guesses = check_sequence("guesses", guesses, "render_bars", nonempty=False, what="a list of (label, probability) pairs")
    for pair in guesses:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and is_real(pair[1]) and 0 <= pair[1] <= 1):
            raise ConfigError(f"render_bars: each guess must be a (label, probability in [0, 1]) pair, got {pair!r:.60}")
    rows = []
    for label, p in guesses:
        rows.append(
            '<div class="rnnlib-bar-row" style="display:flex;align-items:center;gap:.5em;margin:2px 0">'
            f'<span class="rnnlib-bar-label" style="width:8em">{html.escape(str(label))}</span>'
            f'<span class="rnnlib-bar" style="display:inline-block;height:1em;width:{100 * p:.1f}%;'
            f'max-width:20em;background:#4c72b0"></span>'
            f'<span class="rnnlib-bar-value">{100 * p:.1f}%</span></div>')
    return '<div class="rnnlib-bars">' + "".join(rows) + "</div>"


class LanguageGuesser(widgets.VBox):
    """A text box for a surname and the classes a model gives it, as bars (see ``language_guesser``).

    Attributes: ``name`` and ``top`` (controls), ``bars_html`` (the output), ``guesses`` (the (class,
    probability) pairs shown, best first; empty when the input was rejected) and ``error`` (or None).
    """

    def __init__(self, predict, classes, value="", top=5):
        where = "language_guesser"
        if not callable(predict):
            raise ConfigError(f"{where}: predict must be a function name -> probabilities, got {type(predict).__name__}")
        classes = check_sequence("classes", classes, where, what="a list of class names")
        if not all(isinstance(c, str) for c in classes):
            raise ConfigError(f"{where}: classes must be strings (the labels shown)")
        if not isinstance(value, str):
            raise ConfigError(f"{where}: value must be a string (the starting name), got {type(value).__name__}")
        top = check_int("top", top, where, minimum=1)
        super().__init__()
        self.predict, self.classes = predict, list(classes)
        self.guesses, self.error = [], None
        self.name = _styled(widgets.Text(value=value, description="Surname", placeholder="e.g. Nakamura",
                                         continuous_update=True, style=_WIDE), "rnnlib-surname")
        self.top = _styled(widgets.IntSlider(value=min(top, len(self.classes)), min=1, max=len(self.classes),
                                             description="Show top", style=_WIDE), "rnnlib-top-classes")
        self.bars_html = _styled(widgets.HTML(), "rnnlib-language-bars")
        for control in (self.name, self.top):
            control.observe(self.refresh, names="value")
        self.children = [self.name, self.top, self.bars_html]
        self.add_class("rnnlib-language-guesser")
        self.refresh()

    def refresh(self, change=None):
        """Classify the name now in the box and redraw the bars (a message instead for bad input)."""
        name = self.name.value.strip()
        if not name:
            self._show_message("Type a surname to see which languages the model thinks it comes from.")
            return
        try:
            p = np.asarray(self.predict(name), dtype=np.float64).reshape(-1)
        except RnnlibError as exc:
            self._show_message(str(exc))
            return
        if len(p) != len(self.classes):
            self._show_message(f"the model gives {len(p)} probabilities for {len(self.classes)} classes")
            return
        order = np.argsort(-p, kind="stable")[: self.top.value]
        self.guesses, self.error = [(self.classes[i], float(p[i])) for i in order], None
        self.bars_html.value = render_bars(self.guesses)

    def _show_message(self, text):
        self.guesses, self.error = [], text
        self.bars_html.value = render_message(text)


def language_guesser(predict, classes, value="", top=5):
    """A widget that shows the top classes ``predict(name)`` gives a typed name, as probability bars.

    predict: callable(str) -> (len(classes),) probabilities, raising an rnnlib error for a name it
    cannot read (its message is shown); classes: their labels; value: the starting name.
    """
    return LanguageGuesser(predict, classes, value=value, top=top)
