"""The course's assignments as the course writes them: names, arguments, dict keys and printouts.

Thin faces on ``rnnlib.core``:

* ``rnn_step_by_step``, ``lstm_step_by_step``, ``gru_step_by_step``: "Building a Recurrent Neural
  Network - Step by Step" (and the lecture's GRU in the same style);
* ``dinosaurs``: "Dinosaur Island - Character-level language model";
* ``shakespeare``: "Writing like Shakespeare";
* ``wildml``: Denny Britz's WildML word-level RNN tutorial (part 2);
* ``jazz``: "Improvise a Jazz Solo with an LSTM Network" (both editions' calls, on ``rnnlib.nn``), and
  ``jazz_events``, its event-mode extension for any MIDI track (``python -m rnnlib jazz``).
"""
