"""Tests for rnnlib.widgets, driven without a browser: set control values, read the HTML."""
import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from rnnlib.core import lm
from rnnlib.training.language_model import CharModel
from rnnlib.training.sampling import sample_names
from rnnlib.data.chars import CharVocab
from rnnlib.ui.widgets import KNOWN_NOTE, DinoSampler, dino_sampler, render_message, render_names

TRAINING = ["Aachenosaurus", "Brachiosaurus", "Tyrannosaurus", "Zuniceratops", "Quaesitosaurus",
            "Jaxartosaurus", "Velociraptor", "Fukuivenator", "Gigantspinosaurus", "Microraptor"]


@pytest.fixture(scope="module")
def model():
    vocab = CharVocab.from_text("\n".join(TRAINING).lower() + "\n")
    params = lm.init_parameters(len(vocab), 12, seed=1)
    rng = np.random.default_rng(5)  # non-zero biases: a first character that is not uniform
    params["b"] = rng.normal(0, 1, params["b"].shape).astype(np.float32)
    params["by"] = rng.normal(0, 1, params["by"].shape).astype(np.float32)
    return CharModel(params, vocab)


def test_render_names_marks_and_escapes():
    out = render_names(["abc", "<b>x</b>", ""], [True, False, False])
    assert out.count("<li>") == 3
    assert out.count(KNOWN_NOTE) == 1 and out.index(KNOWN_NOTE) < out.index("&lt;b&gt;")
    assert "<b>x</b>" not in out and "(empty)" in out
    assert KNOWN_NOTE not in render_names(["abc"])
    assert "&lt;" in render_message("bad <input>")


def test_widget_renders_names_on_construction(model):
    w = dino_sampler(model, known_names=TRAINING, seed=3)
    assert isinstance(w, DinoSampler)
    assert len(w.names) == w.count.value == 10
    assert w.names == sample_names(model, n=10, seed=3)
    assert w.names_html.value.count("<li>") == 10
    assert w.error is None


def test_controls_have_descriptions_and_css_classes(model):
    w = dino_sampler(model)
    expected = {"temperature": "rnnlib-temperature", "seed": "rnnlib-seed", "count": "rnnlib-count",
                "prefix": "rnnlib-prefix", "top_k": "rnnlib-top-k", "names_html": "rnnlib-names"}
    for attr, css in expected.items():
        control = getattr(w, attr)
        assert control.description, attr
        assert css in control._dom_classes, attr
        assert control in w.children
    assert "rnnlib-dino-sampler" in w._dom_classes
    assert (w.temperature.min, w.temperature.max) == (0.1, 2.0)
    assert (w.count.min, w.count.max) == (1, 30)
    assert (w.top_k.min, w.top_k.max) == (0, len(model.vocab))


@pytest.mark.parametrize("attr, value", [("temperature", 0.5), ("seed", 4), ("top_k", 3)])
def test_changing_a_control_resamples(model, attr, value):
    w = dino_sampler(model, seed=0)
    before_html, before = w.names_html.value, list(w.names)
    setattr(getattr(w, attr), "value", value)
    assert w.names != before and w.names_html.value != before_html
    kwargs = {"temperature": w.temperature.value, "seed": w.seed.value, "top_k": w.top_k.value or None}
    assert w.names == sample_names(model, n=10, **kwargs)


def test_count_slider_sets_how_many(model):
    w = dino_sampler(model)
    w.count.value = 3
    assert len(w.names) == 3 and w.names_html.value.count("<li>") == 3


def test_prefix_box(model):
    w = dino_sampler(model)
    w.prefix.value = "Ty"
    assert w.error is None
    assert len(w.names) == 10 and all(name.startswith("ty") for name in w.names)
    assert w.names_html.value.count("<li>ty") == 10


def test_bad_prefix_shows_message_and_recovers(model):
    w = dino_sampler(model)
    w.prefix.value = "ab7"  # must not raise: this runs inside a browser callback
    assert w.names == [] and "'7'" in w.error
    assert "rnnlib-error" in w.names_html.value and "&#x27;7&#x27;" in w.names_html.value
    w.prefix.value = "x" * 60  # longer than max_length
    assert "max_length" in w.error
    w.prefix.value = "ab"
    assert w.error is None and all(name.startswith("ab") for name in w.names)


def test_known_names_are_marked(model):
    greedy = sample_names(model, n=1, top_k=1)[0]
    w = dino_sampler(model, known_names=[greedy.upper(), "Other"])
    w.top_k.value = 1  # every name is now the greedy one, which we declared known
    assert w.names == [greedy] * 10
    assert w.names_html.value.count(KNOWN_NOTE) == 10
    w.top_k.value = 0
    assert w.names_html.value.count(KNOWN_NOTE) == w.names.count(greedy)


# ----------------------------------------------------------------------------------------------
# The poem writer and the live training view


def text_model():
    vocab = CharVocab.from_text("shall i compare thee to a summer's day?\n")
    return CharModel(lm.init_parameters(len(vocab), 8, seed=2, cell="lstm", layers=2), vocab)


def test_poem_writer_streams_and_starts_with_the_opening_line():
    from rnnlib.ui.widgets import poem_writer

    w = poem_writer(text_model(), prefix="Shall I", seed=3)
    w.length.value = 40
    seen = []
    w.poem_html.observe(lambda change: seen.append(change["new"]), names="value")
    w.button.click()
    assert w.error is None and w.text.startswith("shall i") and len(w.text) == len("shall i") + 40
    assert len(seen) >= 3  # it updated while writing, not only at the end
    assert "shall i" in seen[0] and len(seen[0]) < len(seen[-1])
    first = w.text
    w.button.click()
    assert w.text == first  # same seed, same poem
    w.seed.value = 4
    w.button.click()
    assert w.text != first


def test_poem_writer_shows_a_message_for_unknown_characters():
    from rnnlib.ui.widgets import poem_writer

    w = poem_writer(text_model(), prefix="Forsooth™")
    w.button.click()
    assert w.text == "" and "does not know" in w.error and "rnnlib-error" in w.poem_html.value
    assert not w.button.disabled


def test_live_training_view_updates_on_every_evaluation():
    from rnnlib.data.chars import split_names
    from rnnlib.training.trainer import TrainConfig, train
    from rnnlib.ui.widgets import live_training_view

    names = ["ana", "bob", "cyd", "dan", "eve", "fay", "gus", "hal"]
    view = live_training_view(total_steps=30)
    train(names[:6], names[6:], TrainConfig(hidden_size=6, steps=30, eval_every=10), progress=False,
          on_eval=view.on_eval)
    assert view.updates == 3 and view.bar.value == 30
    assert view.plot.value[:8] == b"\x89PNG\r\n\x1a\n" and "best" in view.status.value


# ----------------------------------------------------------------------------------------------
# the language guesser


def fake_classifier(name):
    """Probabilities that depend on the name: 'a'-heavy names lean Spanish, 'k'-heavy Japanese."""
    from rnnlib.errors import VocabularyError

    if any(ch.isdigit() for ch in name):
        raise VocabularyError(f"{name!r} has digits, which no surname in the data has")
    scores = np.array([name.count("a") + 1.0, name.count("k") + 1.0, 1.0])
    return scores / scores.sum()


def test_language_guesser_shows_the_top_classes_as_bars():
    from rnnlib.ui import language_guesser

    w = language_guesser(fake_classifier, ["Spanish", "Japanese", "Irish"], value="Kikuchi", top=2)
    assert [label for label, _ in w.guesses] == ["Japanese", "Spanish"]
    assert w.guesses[0][1] == pytest.approx(2 / 4)  # one "k" (the capital K is not counted)
    assert "Japanese" in w.bars_html.value and "50.0%" in w.bars_html.value
    w.name.value = "Aranda"
    assert w.guesses[0][0] == "Spanish" and len(w.guesses) == 2
    w.top.value = 3
    assert len(w.guesses) == 3 and "Irish" in w.bars_html.value
    for css in ("rnnlib-surname", "rnnlib-top-classes"):
        assert css in (w.name._dom_classes + w.top._dom_classes)
    assert "rnnlib-language-guesser" in w._dom_classes


def test_language_guesser_messages_for_bad_input_and_recovers():
    from rnnlib.ui import language_guesser

    w = language_guesser(fake_classifier, ["Spanish", "Japanese", "Irish"], value="")
    assert w.guesses == [] and "Type a surname" in w.error
    w.name.value = "R2D2"
    assert w.guesses == [] and "digits" in w.error and "rnnlib-error" in w.bars_html.value
    w.name.value = "Garcia"
    assert w.error is None and w.guesses[0][0] == "Spanish"


def test_render_bars_escapes_labels():
    from rnnlib.ui import render_bars

    out = render_bars([("<b>x</b>", 0.5)])
    assert "&lt;b&gt;" in out and "50.0%" in out


def test_widgets_refuse_a_word_model_up_front():
    from rnnlib import RNNNumpy, WordVocab
    from rnnlib.errors import VocabularyError
    from rnnlib.ui import dino_sampler, poem_writer

    vocab = WordVocab.from_text("The cat sat. The dog ran.")
    model = RNNNumpy(len(vocab), 4).to_language_model(vocab)
    for make in (dino_sampler, poem_writer):
        with pytest.raises(VocabularyError, match="word-level"):
            make(model)
