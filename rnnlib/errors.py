"""The project's own exception types.

Every error a user can provoke with bad input is one of these, so a notebook shows a sentence that
names the problem instead of a numpy traceback.  All of them subclass ``ValueError`` (or
``KeyError``/``RuntimeError`` where that is the more natural family), so ``except ValueError``
keeps working for code written against plain numpy.
"""


class RnnlibError(Exception):
    """Base class of every error raised on purpose by rnnlib."""


class ShapeError(RnnlibError, ValueError):
    """An array has the wrong shape, or a parameter is missing from a parameters dict."""


class VocabularyError(RnnlibError, ValueError):
    """A character or token is not in the vocabulary, or the vocabulary itself is unusable."""


class CorpusError(RnnlibError, ValueError):
    """A corpus is empty, whitespace-only, or otherwise cannot be trained on."""


class SamplingError(RnnlibError, ValueError):
    """A sampling option is out of range (temperature <= 0, top-k outside 1..vocab, ...)."""


class ModelFileError(RnnlibError, ValueError):
    """A model file is missing, corrupt, or does not match what the caller expects."""


class DatasetUnavailable(RnnlibError, RuntimeError):
    """A corpus is neither cached, nor in the mirror, nor downloadable right now."""


class TrainingDiverged(RnnlibError, RuntimeError):
    """The training loss became NaN or infinite."""


class GradientCheckFailed(RnnlibError, AssertionError):
    """A gradient check found an analytic gradient that disagrees with the numerical estimate."""


class ConfigError(RnnlibError, ValueError):
    """A setting is out of range or of the wrong type (a training option, a size, a count ...)."""


class MidiError(CorpusError):
    """A MIDI file is missing, not MIDI, corrupt, has no notes, lacks the part asked for, or a note to
    be written is out of range.  A ``CorpusError``, since a MIDI file is the jazz assignment's corpus."""
