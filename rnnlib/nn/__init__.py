"""rnnlib.nn: a small Keras-style model API on rnnlib's cells and time loops.

    from rnnlib.nn import Sequential, Embedding, LSTM, Dense

    model = Sequential([Embedding(10000, 32, mask_zero=True), LSTM(32), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=3, validation_split=0.1)

Constructor names and defaults are Keras 3's, so a Keras cell ports by changing the import, and
``count_params()`` gives exactly Keras's parameter counts.  The recurrent layers run
``rnnlib.core.layers`` (there is no second RNN implementation); weights import from and export to
Keras's layout with ``get_weights`` / ``set_weights``.  ``UnrolledCellModel`` is the hand-wired
model of the jazz assignment: one shared cell and head called at every step, a list of outputs.  This layer of the package imports only
``rnnlib.core`` (and ``rnnlib.errors``).
"""
from . import losses, optimizers
from .layers import GRU, LSTM, Bidirectional, Dense, Dropout, Embedding, Layer, RepeatVector, Reshape, SimpleRNN
from .model import History, Input, Sequential
from .unrolled import UnrolledCellModel

__all__ = ["Sequential", "UnrolledCellModel", "Input", "History", "Layer", "Embedding", "SimpleRNN", "GRU", "LSTM", "Bidirectional",
           "Dense", "Dropout", "Reshape", "RepeatVector", "losses", "optimizers"]
