"""Shared fixtures for the UI tests."""
import numpy as np
import pytest


@pytest.fixture(scope="session")
def jazz_cells():
    """The course's LSTM cell and dense head trained for 20 epochs on the Metheny windows (trained once per
    session: the improviser and its widget only run them), with the values and the chords."""
    from rnnlib.course.jazz import Adam, course_layers, djmodel, load_music_utils

    X, Y, n_values, indices_values, chords = load_music_utils("original_metheny.mid")
    reshaper, cell, head = course_layers(n_values, 64)
    model = djmodel(30, cell, head, reshaper)
    model.compile(optimizer=Adam(lr=0.01, decay=0.01), loss="categorical_crossentropy")
    model.fit([X, np.zeros((60, 64)), np.zeros((60, 64))], list(Y), epochs=20, verbose=0)
    return cell, head, indices_values, chords
