"""rnnlib.generate: completing an opening line, streaming, and refusing bad input clearly."""
import numpy as np
import pytest

from rnnlib.core import lm
from rnnlib.errors import SamplingError, VocabularyError
from rnnlib.course.shakespeare import generate_output
from rnnlib.training.sampling import normalise_prefix
from rnnlib.training.language_model import LanguageModel
from rnnlib.data.chars import CharVocab

VOCAB = CharVocab.from_text("shall i compare thee to a summer's day?\n")


@pytest.fixture
def model():
    params = lm.init_parameters(len(VOCAB), 8, seed=1, cell="lstm", layers=2, dtype=np.float64)
    params["by"] += np.random.default_rng(0).standard_normal(params["by"].shape)
    return LanguageModel(params, VOCAB)


def test_completion_starts_with_the_lowercased_prefix_and_has_the_requested_length(model):
    text = generate_output("Shall I", length=25, seed=0, model=model)
    assert text.startswith("shall i") and len(text) == len("shall i") + 25
    assert set(text) <= set(VOCAB.chars)


def test_same_seed_same_text_and_streaming_sees_every_character(model):
    pieces = []
    text = generate_output("to a", length=30, seed=5, model=model, on_text=pieces.append)
    assert text == generate_output("to a", length=30, seed=5, model=model)
    assert "to a" + "".join(pieces) == text and len(pieces) == 30
    assert text != generate_output("to a", length=30, seed=6, model=model)


def test_greedy_completion_follows_the_argmax_path(model):
    text = generate_output("day", length=10, top_k=1, seed=0, model=model)
    state = lm.zero_state(model.parameters, 1)
    for i in VOCAB.encode("day"):
        logits, state = lm.step(model.parameters, np.array([i]), state)
    expected = "day"
    for _ in range(10):
        i = int(np.argmax(logits[:, 0]))
        expected += VOCAB.chars[i]
        logits, state = lm.step(model.parameters, np.array([i]), state)
    assert text == expected


def test_empty_prefix_is_allowed(model):
    assert len(generate_output("", length=12, seed=0, model=model)) == 12


@pytest.mark.parametrize("kwargs,error,match", [
    ({"prefix": "Forsooth™"}, VocabularyError, "'™'"),
    ({"prefix": 42}, SamplingError, "string"),
    ({"length": 0}, SamplingError, "length"),
    ({"length": 2.5}, SamplingError, "length"),
    ({"length": 20_001}, SamplingError, "20,000"),
    ({"temperature": 0}, SamplingError, "temperature"),
    ({"top_k": 99}, SamplingError, "top_k"),
])
def test_bad_input_gets_a_clear_error(model, kwargs, error, match):
    args = {"prefix": "shall", "length": 5, "model": model, **kwargs}
    with pytest.raises(error, match=match):
        generate_output(**args)


def test_a_vocabulary_with_capitals_keeps_the_case():
    vocab = CharVocab.from_text("Aa b\n")
    assert normalise_prefix(vocab, "Ab") == "Ab"
    assert normalise_prefix(VOCAB, "SHALL") == "shall"


def test_missing_shipped_model_names_the_places_looked_in(monkeypatch, tmp_path):
    import rnnlib.course.shakespeare as gen
    from rnnlib.errors import ModelFileError

    monkeypatch.setattr(gen, "PRETRAINED_PLACES", (tmp_path / "a", tmp_path / "b"))
    with pytest.raises(ModelFileError, match="none of"):
        gen.pretrained_model()


def test_the_shipped_model_loads_and_writes_lowercase_verse():
    from rnnlib.course.shakespeare import pretrained_model

    model = pretrained_model()
    assert (model.cell, model.layers, model.hidden_size) == ("lstm", 2, 128)
    assert model.config["corpus"] == "shakespeare" and model.config["best_val_loss"] < 2.0
    text = generate_output("Shall I compare thee", length=80, temperature=0.5, seed=0)
    assert text.startswith("shall i compare thee") and text == text.lower()


def test_build_data_windows_and_targets():
    from rnnlib.errors import CorpusError

    from rnnlib.course.shakespeare import build_data

    sentences, nxt = build_data("abcdefghij", Tx=4, stride=3)
    assert sentences == ["abcd", "defg"] and nxt == ["e", "h"]
    with pytest.raises(CorpusError, match="Tx=40"):
        build_data("short", Tx=40)


def test_vectorization_is_one_hot_of_the_windows():
    from rnnlib.course.shakespeare import build_data, vectorization

    text = "hello world, hello there"
    vocab = CharVocab.from_text(text)
    sentences, nxt = build_data(text, Tx=5, stride=2)
    x, y = vectorization(sentences, nxt, len(vocab), vocab.char_to_ix, 5)
    assert x.shape == (len(sentences), 5, len(vocab)) and y.shape == (len(sentences), len(vocab))
    assert x.sum() == len(sentences) * 5 and y.sum() == len(sentences)
    assert vocab.decode(x[1].argmax(axis=1)) == sentences[1] and vocab.chars[y[1].argmax()] == nxt[1]
    with pytest.raises(VocabularyError, match="not in char_indices"):
        vectorization(["abc"], ["z"], 3, {"a": 0, "b": 1, "c": 2}, 3)


def test_issue9_build_data_and_vectorization_refuse_bad_arguments():
    """Fuzz findings: build_data(Tx=None) TypeError; vectorization with a bad n_x/char_indices IndexError/TypeError."""
    import pytest
    from rnnlib.course.shakespeare import build_data, vectorization
    from rnnlib.errors import ConfigError, CorpusError, VocabularyError
    with pytest.raises(CorpusError, match="Tx"):
        build_data("shall i compare thee", None, 3)
    with pytest.raises(CorpusError, match="text must be a string"):
        build_data(["a"], 3, 1)
    with pytest.raises(ConfigError, match="n_x"):
        vectorization(["abc"], ["a"], [], {"a": 0, "b": 1, "c": 2}, 3)
    with pytest.raises(VocabularyError, match="char_indices"):
        vectorization(["abc"], ["a"], 3, {"a": 0, "b": 1, "c": "\n"}, 3)
    with pytest.raises(VocabularyError, match="char_indices"):
        vectorization(["abc"], ["a"], 2, {"a": 0, "b": 1, "c": 2}, 3)


def test_issue9_vectorization_refuses_float_indices():
    """Long-run fuzz finding: char_indices with an np.float32 index raised IndexError."""
    import numpy as np
    import pytest
    from rnnlib.course.shakespeare import vectorization
    from rnnlib.errors import VocabularyError
    with pytest.raises(VocabularyError, match="integer index"):
        vectorization(["abc"], ["a"], 3, {"a": np.float32(2.0), "b": 1, "c": 2}, 3)
