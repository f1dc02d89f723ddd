"""Writing text with a character model: complete a student's opening line, streaming as it goes.

This replaces the course's ``generate_output()``, which blocks on ``input()``: here the opening
line is an argument, so notebooks, widgets and the command line can all call it.

Models trained with ``train.train_stream`` read a long text with no start symbol, so generation
starts from the zero state and feeds the prefix character by character (teacher forcing), then
draws one character at a time from ``np.random.Generator``, carrying the state.
"""
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import lm
from .errors import ModelFileError, SamplingError
from .io import load_model
from .sampling import check_temperature, check_top_k, draw, make_rng, normalise_prefix, probabilities

OPENING = "the opening line"  # how messages name the prefix of a poem

PRETRAINED_NAME = "shakespeare_lstm.npz"
# A source checkout keeps it in data/models/; `pip install` (not editable) copies it to
# <prefix>/share/rnnlib/models/ (pyproject.toml's data-files).
PRETRAINED_PLACES = (
    Path(__file__).resolve().parents[1] / "data" / "models",
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
    length: characters to add (>= 1).  temperature, top_k: as in ``rnnlib.sampling``.
    seed: an int for repeatable text (or None).  model: a LanguageModel; default the shipped one.
    on_text: optional callback(str) called with each new piece of text as it is written, for
        streaming into a widget or a terminal.
    Returns prefix + the generated characters.
    """
    model = model or pretrained_model()
    prefix = normalise_prefix(model.vocab, prefix, what=OPENING)
    temperature = check_temperature(temperature)
    top_k = check_top_k(top_k, len(model.vocab))
    if not isinstance(length, (int, np.integer)) or isinstance(length, bool) or length < 1:
        raise SamplingError(f"length must be a whole number >= 1, got {length!r}")
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
