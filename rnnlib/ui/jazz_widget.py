"""``jazz_improviser``: re-improvise the jazz solo from sliders and hear it at once.

Controls (each with a stable CSS class for browser tests): ``temperature`` (``rnnlib-jazz-temperature``),
``seed`` (``rnnlib-jazz-seed``), ``length``, the tokens per chord set (``rnnlib-jazz-length``), and
``chord_sets`` (``rnnlib-jazz-chords``), a text such as ``1-3`` or ``2, 5, 7`` naming the course's
chord sets (1 to 18).  Every change improvises again and updates the player (``rnnlib-jazz-audio``:
an HTML ``<audio>`` element whose ``src`` is a ``data:audio/wav;base64,...`` URL of the new WAV) and
the piano roll (``rnnlib-jazz-roll``, a PNG).  A bad setting (a length of 0, a chord set that does not
exist, unreadable text) shows a message (``rnnlib-error``) instead, as the other widgets do.  The box
is ``rnnlib-jazz-improviser``.  Tests drive it through its attributes::

    w = jazz_improviser(LSTM_cell, densor, indices_values, chords)
    w.temperature.value = 1.2
    w.take            # the Improvisation now shown (or None), w.error the message (or None)
"""
import base64
import html
import io
import re

import ipywidgets as widgets

from ..core.checks import check_int, check_real, check_seed, check_sequence
from ..errors import ConfigError, RnnlibError
from .jazz import improvise
from .widgets import _WIDE, _styled, render_message

#: the widget renders at a lower rate than files: a shorter data URL to send to the browser
WIDGET_SAMPLE_RATE = 11025


def parse_chord_sets(text, n_sets):
    """``'1-3'`` -> [1, 2, 3]; ``'2, 5'`` -> [2, 5]; ConfigError naming what is wrong."""
    chosen = []
    for piece in str(text).replace(" ", "").split(","):
        if not piece:
            continue
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", piece)
        if not match:
            raise ConfigError(f"chord sets: {piece!r} is not a number or a range like 1-3")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first:
            raise ConfigError(f"chord sets: the range {piece!r} runs backwards")
        chosen.extend(range(first, last + 1))
    if not chosen:
        raise ConfigError("chord sets: choose at least one, e.g. 1-3")
    bad = [i for i in chosen if not 1 <= i <= n_sets]
    if bad:
        raise ConfigError(f"chord set {bad[0]} does not exist: choose from 1 to {n_sets}")
    if len(chosen) > 8:
        raise ConfigError("chord sets: at most 8 at a time (the audio gets long)")
    return chosen


def render_audio_tag(wav):
    """HTML for a player of ``wav`` (bytes): ``<audio controls>`` with a base64 data URL."""
    url = "data:audio/wav;base64," + base64.b64encode(wav).decode("ascii")
    return f'<audio class="rnnlib-jazz-player" controls preload="auto" src="{html.escape(url)}"></audio>'


class JazzImproviser(widgets.VBox):
    """See the module docstring."""

    def __init__(self, cell, head, indices_values, chords, *, temperature=1.0, seed=0, length=24,
                 chord_sets="1-3", sample_rate=WIDGET_SAMPLE_RATE):
        where = "jazz_improviser"
        if not isinstance(indices_values, dict):
            raise ConfigError(f"{where}: indices_values must be the dict index -> token load_music_utils returns")
        check_sequence("chords", chords, where, what="load_music_utils's list of chord lists")
        check_real("temperature", temperature, where)
        check_seed(seed, where)
        check_int("length", length, where, minimum=0, maximum=200)
        if not isinstance(chord_sets, str):
            raise ConfigError(f"{where}: chord_sets must be a string such as '1-3, 7', got {type(chord_sets).__name__}")
        if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or not 1000 <= sample_rate <= 192000:
            raise ConfigError(f"{where}: sample_rate must be an int from 1000 to 192000 Hz, got {sample_rate!r}")
        super().__init__()
        self.cell, self.head, self.indices_values, self.chords = cell, head, indices_values, chords
        self.sample_rate = sample_rate
        self.take, self.error, self.updates = None, None, 0
        self.temperature = _styled(widgets.FloatSlider(value=temperature, min=0.1, max=2.0, step=0.1,
                                                       description="Temperature", style=_WIDE), "rnnlib-jazz-temperature")
        self.seed = _styled(widgets.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="Seed", style=_WIDE),
                            "rnnlib-jazz-seed")
        self.length = _styled(widgets.BoundedIntText(value=length, min=0, max=200, description="Tokens per chord set",
                                                     style=_WIDE), "rnnlib-jazz-length")
        self.chord_sets = _styled(widgets.Text(value=chord_sets, description="Chord sets", placeholder="1-3",
                                               continuous_update=False, style=_WIDE), "rnnlib-jazz-chords")
        self.message = _styled(widgets.HTML(), "rnnlib-jazz-message")
        self.player = _styled(widgets.HTML(), "rnnlib-jazz-audio")
        self.roll = _styled(widgets.Image(format="png"), "rnnlib-jazz-roll")
        for control in (self.temperature, self.seed, self.length, self.chord_sets):
            control.observe(self.improvise, names="value")
        self.children = [widgets.HBox([self.temperature, self.seed]), widgets.HBox([self.length, self.chord_sets]),
                         self.message, self.player, self.roll]
        self.add_class("rnnlib-jazz-improviser")
        self.improvise()

    def improvise(self, _change=None):
        """Improvise from the current controls and show it (or the message saying what is wrong)."""
        self.updates += 1
        try:
            if self.length.value < 1:
                raise ConfigError("the length must be at least 1 token per chord set")
            sets = parse_chord_sets(self.chord_sets.value, len(self.chords) - 1)
            take = improvise(self.cell, self.head, self.indices_values, self.chords, n_tokens=self.length.value,
                             chord_sets=sets, temperature=self.temperature.value, seed=self.seed.value,
                             sample_rate=self.sample_rate)
            wav = take.wav_bytes()
            fig = take.piano_roll(title=f"Chord sets {self.chord_sets.value}, temperature {self.temperature.value:.1f}, "
                                        f"seed {self.seed.value}")
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=70)
        except RnnlibError as exc:
            self.take, self.error = None, str(exc)
            self.player.value = ""  # the old solo goes first, so a page showing the message has no stale player
            self.message.value = render_message(self.error)
            return
        self.take, self.error = take, None
        self.message.value = (f'<p class="rnnlib-jazz-summary">{len(take.notes)} notes, '
                              f"{len(take.samples) / take.sample_rate:.1f} s</p>")
        self.player.value = render_audio_tag(wav)
        self.roll.value = buffer.getvalue()


def jazz_improviser(cell, head, indices_values, chords, **options):
    """A JazzImproviser on the trained course cells (``LSTM_cell``, ``densor``) and the course's data."""
    return JazzImproviser(cell, head, indices_values, chords, **options)
