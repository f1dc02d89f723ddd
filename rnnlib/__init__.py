"""rnnlib: recurrent sequence models in numpy, written once and used two ways.

* The course's functions, with the course's names, shapes and dict keys::

      from rnnlib import rnn_cell_forward, rnn_forward, clip, sample, optimize, model
      from rnnlib import lstm_cell_forward, lstm_backward, gru_cell_forward, gru_backward

* A fast batched trainer, sampler and model files on the same cells (``rnnlib.train``,
  ``rnnlib.sampling``, ``rnnlib.io``), driven from notebooks or ``python -m rnnlib``.
"""
from .cells.gru import gru_backward, gru_cell_backward, gru_cell_forward, gru_forward
from .cells.lstm import lstm_backward, lstm_cell_backward, lstm_cell_forward, lstm_forward
from .cells.rnn import rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward
from .course import (
    clip,
    get_initial_loss,
    initialize_parameters,
    model,
    optimize,
    print_sample,
    rnn_lm_backward,
    rnn_lm_forward,
    sample,
    smooth,
    update_parameters,
)
from .errors import (
    CorpusError,
    DatasetUnavailable,
    ModelFileError,
    RnnlibError,
    SamplingError,
    ShapeError,
    TrainingDiverged,
    VocabularyError,
)
from .functional import sigmoid, softmax

__version__ = "0.1.0"
