"""The layers of ``rnnlib.nn``, one file per idea."""
from .base import Layer
from .dense import Dense
from .dropout import Dropout
from .embedding import Embedding
from .recurrent import GRU, LSTM, RecurrentLayer, SimpleRNN
from .reshaping import RepeatVector, Reshape
from .wrappers import Bidirectional

__all__ = ["Layer", "Dense", "Dropout", "Embedding", "SimpleRNN", "GRU", "LSTM", "RecurrentLayer",
           "Bidirectional", "Reshape", "RepeatVector"]
