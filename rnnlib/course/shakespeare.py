"""Writing like Shakespeare (deeplearning.ai, Sequence Models week 1): the course's data preparation
and its ``generate_output``.

* ``build_data`` and ``vectorization`` cut the Sonnets into the course's ``Tx = 40`` windows and
  one-hot encode them, as the course does for its Keras model.
* ``generate_output`` replaces the course's version, which blocks on ``input()``: here the opening
  line is an argument, so notebooks, widgets and the command line can all call it.

Models trained with ``rnnlib.train_stream`` read a long text with no start symbol, so generation
starts from the zero state and feeds the prefix character by character (teacher forcing), then
draws one character at a time from ``np.random.Generator``, carrying the state.
"""
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..core import lm
from ..errors import CorpusError, ModelFileError, SamplingError, VocabularyError
from ..training.model_files import load_model
from ..core.checks import check_elements, check_int
from ..training.sampling import check_char_model, check_temperature, check_top_k, draw, make_rng, normalise_prefix, probabilities

OPENING = "the opening line"  # how messages name the prefix of a poem
#: The most characters one ``generate_output`` call (or ``python -m rnnlib generate --length``) writes:
#: 20,000 characters is some 500 lines of verse, about 2 s with the shipped model on one core.  One
#: character is one model step, so a longer request is minutes of work; call again to write more.
MAX_LENGTH = 20_000

PRETRAINED_NAME = "shakespeare_lstm.npz"
# A source checkout keeps it in data/models/; `pip install` (not editable) copies it to
# <prefix>/share/rnnlib/models/ (pyproject.toml's data-files).
PRETRAINED_PLACES = (
    Path(__file__).resolve().parents[2] / "data" / "models",
    Path(sys.prefix) / "share" / "rnnlib" / "models",
)


@lru_cache(maxsize=4)
def _load_cached(path):
    return load_model(path)


def pretrained_model(path=None):
    """The shipped 2-layer LSTM trained on Shakespeare's Sonnets (see data/models/), loaded once.

    path: another model file instead.  ModelFileError names the places looked in if it is missing.
    """
    if path is not None:
        return _load_cached(str(path))
    for place in PRETRAINED_PLACES:
        if (place / PRETRAINED_NAME).is_file():
            return _load_cached(str(place / PRETRAINED_NAME))
    raise ModelFileError(f"the shipped model {PRETRAINED_NAME} is in none of: "
                         + ", ".join(str(p) for p in PRETRAINED_PLACES))


def generate_output(prefix="", length=400, temperature=1.0, top_k=None, seed=None, model=None, on_text=None):
    """Complete ``prefix`` with ``length`` more characters.

    prefix: the opening line (any case if the model's vocabulary is lowercase).
    length: characters to add, 1..MAX_LENGTH (20,000).  temperature, top_k: as in ``rnnlib.training.sampling``.
    seed: an int for repeatable text (or None).  model: a LanguageModel; default the shipped one.
    on_text: optional callback(str) called with each new piece of text as it is written, for
        streaming into a widget or a terminal.
    Returns prefix + the generated characters.
    """
    model = check_char_model(model if model is not None else pretrained_model(), "generate_output")
    prefix = normalise_prefix(model.vocab, prefix, what=OPENING)
    temperature = check_temperature(temperature)
    top_k = check_top_k(top_k, len(model.vocab))
    if not isinstance(length, (int, np.integer)) or isinstance(length, bool) or length < 1:
        raise SamplingError(f"length must be a whole number >= 1, got {length!r}")
    if length > MAX_LENGTH:
        raise SamplingError(f"generate_output: length {length:,} is more than the {MAX_LENGTH:,} characters one call "
                            "writes (rnnlib.course.shakespeare.MAX_LENGTH); call it again with the text so far as the prefix")
    if on_text is not None and not callable(on_text):
        raise SamplingError(f"on_text must be a callable or None, got {type(on_text).__name__}")
    rng = make_rng(seed, None)
    params, chars = model.parameters, model.vocab.chars
    state, logits = lm.zero_state(params, 1), None
    for i in model.vocab.encode(prefix):
        logits, state = lm.step(params, np.array([i]), state)
    if logits is None:  # no prefix: the first character is drawn from the zero state's scores
        logits, state = lm.step(params, np.array([-1]), state)
    out = []
    for _ in range(length):
        i = int(draw(probabilities(logits, temperature, top_k), rng)[0])
        out.append(chars[i])
        if on_text:
            on_text(chars[i])
        logits, state = lm.step(params, np.array([i]), state)
    return prefix + "".join(out)


def build_data(text, Tx=40, stride=3):
    """The course's (and Keras's ``lstm_text_generation``'s) training windows.

    Slides a window of ``Tx`` characters over ``text`` in steps of ``stride``; each window is an
    input sentence and the character right after it is its target.
    Returns (sentences, next_chars): two lists of equal length, strings of length Tx and single
    characters.
    """
    if not isinstance(text, str):
        raise CorpusError(f"build_data: text must be a string, got {type(text).__name__}")
    Tx = check_int("Tx", Tx, "build_data", error=CorpusError)
    stride = check_int("stride", stride, "build_data", error=CorpusError)
    if Tx < 1 or stride < 1:
        raise CorpusError(f"Tx and stride must be >= 1, got Tx={Tx}, stride={stride}")
    if len(text) <= Tx:
        raise CorpusError(f"the text has {len(text)} characters; windows of Tx={Tx} need more")
    starts = range(0, len(text) - Tx, stride)
    return [text[i : i + Tx] for i in starts], [text[i + Tx] for i in starts]


def vectorization(X, Y, n_x, char_indices, Tx=40):
    """One-hot encode the windows, as the course does for its Keras model (the course's signature).

    X: m strings of Tx characters (``build_data``'s windows); Y: their m next characters.
    n_x: the vocabulary size; char_indices: character -> index; Tx: the window length (the course's 40).
    Returns x (m, Tx, n_x) and y (m, n_x) boolean arrays: x[i, t] is the t-th character of
    window i, y[i] its next character.  (rnnlib's own trainer reads ids instead; this is here to
    show what the course feeds Keras, and how big it is.)
    """
    where = "vectorization"
    for name, value in (("X", X), ("Y", Y)):
        if not isinstance(value, (list, tuple)) or not all(isinstance(c, str) for c in value):
            raise CorpusError(f"{where}: {name} must be a list of strings, got {value!r:.60}")
    bad = [c for c in Y if len(c) != 1]
    if bad:
        raise CorpusError(f"{where}: each Y entry must be one character, got {bad[0]!r}")
    Tx = check_int("Tx", Tx, where, minimum=1)
    n_x = check_int("n_x", n_x, where, minimum=1)
    if not isinstance(char_indices, dict):
        raise VocabularyError(f"{where}: char_indices must be a dict from character to index, "
                              f"got {type(char_indices).__name__}")
    for c, i in char_indices.items():
        if not isinstance(i, (int, np.integer)) or isinstance(i, bool):
            raise VocabularyError(f"{where}: char_indices[{c!r}] must be an integer index, got {i!r}")
        check_int(f"char_indices[{c!r}]", i, where, minimum=0, maximum=n_x - 1, error=VocabularyError)
    check_elements(len(X) * Tx * n_x, f"a ({len(X)}, {Tx}, {n_x}) one-hot x", where)
    m = len(X)
    if m != len(Y):
        raise CorpusError(f"{m} windows in X but {len(Y)} next characters in Y")
    wrong = [i for i, s in enumerate(X) if len(s) != Tx]
    if wrong:
        raise CorpusError(f"vectorization: window {wrong[0]} has {len(X[wrong[0]])} characters, expected Tx={Tx}")
    unknown = sorted((set("".join(X)) | set(Y)) - set(char_indices))
    if unknown:
        raise VocabularyError(f"characters {unknown} are not in char_indices")
    ids = np.array([[char_indices[c] for c in s] for s in X], dtype=np.int64).reshape(m, Tx)
    x = np.zeros((m, Tx, n_x), dtype=bool)
    x[np.arange(m)[:, None], np.arange(Tx)[None, :], ids] = True
    y = np.zeros((m, n_x), dtype=bool)
    y[np.arange(m), [char_indices[c] for c in Y]] = True
    return x, y
