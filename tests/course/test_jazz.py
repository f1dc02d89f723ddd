"""Tests for rnnlib.course.jazz, each from the course's published calls (2018 v3a and 2021 v4)."""
import math

import mido
import numpy as np
import pytest

from rnnlib.course import jazz
from rnnlib.course.jazz import (Adam, LSTM_cell, a_initializer, c_initializer, course_layers, densor, djmodel,
                                generate_music, improvise_solo, load_music_utils, music_inference_model,
                                predict_and_sample, repetition_stats, sample_solo_tokens, x_initializer)
from rnnlib.data.midi import read_midi
from rnnlib.errors import ConfigError, VocabularyError

from rnnlib.data.datasets import on_disk

pytestmark = pytest.mark.skipif(not on_disk("metheny"), reason="the Metheny MIDI file is neither mirrored nor cached")


@pytest.fixture(scope="module")
def data_2021():
    return load_music_utils("data/original_metheny.mid")  # relative path missing here: the registry's copy


@pytest.fixture(scope="module")
def trained(data_2021):
    """The 2021 cells on fresh layers, trained on the course's schedule (100 epochs, 200 updates)."""
    X, Y, n_values, indices_values, chords = data_2021
    reshaper, cell, head = course_layers(n_values, 64)
    model = djmodel(Tx=30, LSTM_cell=cell, densor=head, reshaper=reshaper)
    opt = Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01)
    model.compile(optimizer=opt, loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit([X, np.zeros((60, 64)), np.zeros((60, 64))], list(Y), epochs=100, verbose=0)
    return model, history, cell, head


def test_2018_load_music_utils():
    X, Y, n_values, indices_values = load_music_utils()
    assert n_values == 78 and X.shape == (60, 30, 78) and Y.shape == (30, 60, 78)
    assert not X[:, 0].any() and not Y[29].any()
    np.testing.assert_array_equal(Y[:29], np.swapaxes(X[:, 1:], 0, 1))
    assert len(indices_values) == 78 and indices_values[0] < indices_values[77]  # sorted, so reproducible


def test_2021_load_music_utils_takes_any_path(data_2021, tmp_path):
    X, Y, n_values, indices_values, chords = data_2021
    assert (n_values, X.shape, Y.shape, len(chords)) == (78, (60, 30, 78), (30, 60, 78), 19)
    assert chords[0] == [] and all(chords[1:])
    from rnnlib.data import datasets

    copy = tmp_path / "mine.mid"
    copy.write_bytes(datasets.fetch("metheny").read_bytes())
    X2, *_ = load_music_utils(str(copy))
    np.testing.assert_array_equal(X, X2)


def test_2018_djmodel_counts_the_courses_parameters(capsys):
    model = djmodel(Tx=30, n_a=64, n_values=78)
    assert model.cell is LSTM_cell and model.head is densor
    assert model.count_params() == 4 * 64 * (78 + 64 + 1) + 64 * 78 + 78 == 41_678
    model.summary()
    assert "Total params: 41,678" in capsys.readouterr().out
    with pytest.raises(ConfigError, match="course_layers"):
        djmodel(Tx=30, n_a=32, n_values=78)


def test_2021_djmodel_trains_on_the_courses_schedule(trained):
    model, history, cell, head = trained
    loss = history.history["loss"]
    assert len(loss) == 100 and model.optimizer.iterations == 200  # Keras's batch of 32: 2 updates per epoch
    assert loss[0] == pytest.approx(29 * math.log(78), rel=0.02)  # output 30's target is all zeros
    assert loss[-1] < 15 < loss[0]  # the course shows about 6
    assert model.optimizer.current_learning_rate == pytest.approx(0.01 / (1 + 0.01 * 200))


def test_inference_model_both_calls_and_predict_and_sample(trained):
    _, _, cell, head = trained
    m2018 = music_inference_model(cell, head, n_values=78, n_a=64, Ty=50)
    m2021 = music_inference_model(cell, head, Ty=50)
    r1, i1 = predict_and_sample(m2018, x_initializer, a_initializer, c_initializer)
    r2, i2 = predict_and_sample(m2021)
    assert r1.shape == (50, 78) and i1.shape == (50, 1)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(np.argmax(r1, axis=-1), i1[:, 0])
    assert r1.sum() == 50
    np.testing.assert_array_equal(sample_solo_tokens(cell, head, 50, greedy=True), i1[:, 0])
    with pytest.raises(ConfigError, match="Ty by name"):
        music_inference_model(cell, head, 50)


def test_generate_music_writes_a_130_bpm_midi_file(trained, data_2021, tmp_path, capsys):
    _, _, cell, head = trained
    _, _, _, indices_values, chords = data_2021
    inference_model = music_inference_model(cell, head, Ty=50)
    solo = generate_music(inference_model, indices_values, chords, path=tmp_path / "output" / "my_music.midi")
    out = capsys.readouterr().out
    assert out.count("Generated") == 5 and "saved in" in out
    assert solo.chord_sets == [1, 2, 3, 4, 5] and all(len(t) == 51 for t in solo.tokens)
    song = read_midi(solo.midi_path)
    assert round(song.bpm) == 130
    melody = song.part(program=26)
    assert len(melody.notes) == len(solo.notes) > 0
    assert all(0 <= n.pitch <= 127 for n in melody.notes)
    chord_pitches = {p for _, _, ps in solo.chords for p in ps}
    assert {n.pitch for n in song.part(program=0).notes} == chord_pitches
    # the course's cleanup: no approach (A) or other (X) tones remain
    assert all(t[0] in "CSR" for tokens in solo.tokens for t in tokens)
    # 2018 call: data from the last load, default path
    solo2 = generate_music(inference_model, path=tmp_path / "again.midi", verbose=False)
    assert [n[2] for n in solo2.notes] == [n[2] for n in solo.notes]  # same tokens, same seed: the same solo


def test_temperature_top_k_and_primer(trained):
    _, _, cell, head = trained
    a = sample_solo_tokens(cell, head, 40, temperature=1.0, seed=3)
    np.testing.assert_array_equal(a, sample_solo_tokens(cell, head, 40, temperature=1.0, seed=3))
    assert not np.array_equal(a, sample_solo_tokens(cell, head, 40, temperature=1.0, seed=4))
    np.testing.assert_array_equal(sample_solo_tokens(cell, head, 40, top_k=1, seed=9),
                                  sample_solo_tokens(cell, head, 40, greedy=True))
    hot = sample_solo_tokens(cell, head, 200, temperature=2.0, seed=0)
    assert not np.array_equal(hot, sample_solo_tokens(cell, head, 200, greedy=True))
    primed = sample_solo_tokens(cell, head, 10, primer=[5, 6, 7], greedy=True)
    assert not np.array_equal(primed, sample_solo_tokens(cell, head, 10, greedy=True))
    with pytest.raises(VocabularyError):
        sample_solo_tokens(cell, head, 10, primer=[78])
    for bad in ({"temperature": 0}, {"top_k": 0}):
        with pytest.raises(Exception, match="temperature|top_k"):
            sample_solo_tokens(cell, head, 10, **bad)
    with pytest.raises(ConfigError):
        sample_solo_tokens(cell, head, 0)


def test_repetition_stats():
    assert repetition_stats(np.array([[1], [2], [1], [2]])) == repetition_stats([1, 2, 1, 2])  # (Ty, 1) as predicted
    assert repetition_stats([1, 2, 3, 4]) == {"distinct": 4, "length": 4, "period": 0, "span": 0, "start": 0}
    s = repetition_stats([9, 1, 2, 1, 2, 1, 2, 1])
    assert (s["period"], s["span"], s["start"], s["distinct"]) == (2, 7, 1, 3)


def test_improvise_solo(trained, data_2021):
    _, _, cell, head = trained
    _, _, _, indices_values, chords = data_2021
    solo = improvise_solo(cell, head, indices_values, chords, n_tokens=20, chord_sets=[2, 3], temperature=0.8, seed=1)
    assert solo.chord_sets == [2, 3] and len(solo.tokens) == 2 and solo.notes
    again = improvise_solo(cell, head, indices_values, chords, n_tokens=20, chord_sets=[2, 3], temperature=0.8, seed=1)
    assert again.notes == solo.notes
    with pytest.raises(ConfigError, match="chord set"):
        improvise_solo(cell, head, indices_values, chords, chord_sets=[19])


def test_sampling_and_decoding_refuse_bad_arguments_up_front():
    from rnnlib.course.jazz import MAX_TOKENS, course_layers, repetition_stats, sample_solo_tokens, solo_from_tokens
    from rnnlib.errors import ConfigError, VocabularyError

    _, cell, head = course_layers(5, 3)
    with pytest.raises(ConfigError, match="LSTM_cell"):
        sample_solo_tokens(None, head, 4)
    with pytest.raises(ConfigError, match="no weights yet"):
        sample_solo_tokens(cell, head, 4)
    with pytest.raises(ConfigError, match=f"{MAX_TOKENS:,}"):
        sample_solo_tokens(cell, head, MAX_TOKENS + 1)
    with pytest.raises(ConfigError, match="max_period"):
        repetition_stats([1, 2, 1], max_period=0)
    with pytest.raises(VocabularyError, match="whole-number ids"):
        repetition_stats(["a", "b"])
    with pytest.raises(ConfigError, match="token_sets"):
        solo_from_tokens(1.5, [[]])
    with pytest.raises(ConfigError, match="n_values"):
        course_layers(np.zeros(3), 4)
