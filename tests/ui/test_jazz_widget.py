"""Tests for rnnlib.ui.jazz_widget: every control re-improvises and updates the player and the
piano roll; bad settings show a message."""
import base64
import re

import pytest

from rnnlib.errors import ConfigError
from rnnlib.ui.jazz_widget import jazz_improviser, parse_chord_sets

from rnnlib.data.datasets import on_disk

pytestmark = pytest.mark.skipif(not on_disk("metheny"), reason="the Metheny MIDI file is neither mirrored nor cached")


@pytest.fixture(scope="module")
def cells(jazz_cells):
    return jazz_cells


def wav_of(widget):
    match = re.search(r'src="data:audio/wav;base64,([^"]+)"', widget.player.value)
    assert match, widget.player.value[:200]
    return base64.b64decode(match.group(1))


def test_every_control_re_improvises(cells):
    w = jazz_improviser(*cells, length=12, chord_sets="1-2")
    assert w.error is None and "rnnlib-jazz-improviser" in w._dom_classes
    first_wav, first_roll = wav_of(w), w.roll.value
    assert first_wav[:4] == b"RIFF" and first_roll[:4] == b"\x89PNG"
    seen = [first_wav]
    for control, value in ((w.temperature, 1.5), (w.seed, 3), (w.length, 20), (w.chord_sets, "4, 6")):
        control.value = value
        assert w.error is None
        assert wav_of(w) not in seen and w.roll.value != first_roll
        seen.append(wav_of(w))
    assert w.take.solo.chord_sets == [4, 6] and all(len(t) == 21 for t in w.take.solo.tokens)


@pytest.mark.parametrize("control, value, words", [("length", 0, "at least 1"), ("chord_sets", "0-2", "does not exist"),
                                                   ("chord_sets", "one", "not a number"), ("chord_sets", "", "at least one")])
def test_bad_settings_show_a_message_and_recover(cells, control, value, words):
    w = jazz_improviser(*cells, length=8, chord_sets="1")
    good = getattr(w, control).value
    getattr(w, control).value = value
    assert w.take is None and words in w.error
    assert "rnnlib-error" in w.message.value and w.player.value == ""
    getattr(w, control).value = good
    assert w.error is None and wav_of(w)


def test_parse_chord_sets():
    assert parse_chord_sets("1-3, 7", 18) == [1, 2, 3, 7]
    for bad in ("3-1", "19", "1-9"):
        with pytest.raises(ConfigError):
            parse_chord_sets(bad, 18)
