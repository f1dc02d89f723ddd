"""Tests for ``python -m rnnlib``: train on a names file, sample from the model file, and the
error contract (one 'error:' line on stderr, exit status 2).  Runs ``main`` in-process on a tiny
corpus written here; one subprocess check that the module entry point starts."""
import itertools
import subprocess
import sys

import pytest

from rnnlib.ui.cli import build_parser, main
from rnnlib.training.model_files import load_model

SYLLABLES = ["ba", "ko", "ri", "tu", "me"]
NAMES = ["".join(p) + "x" for p in itertools.product(SYLLABLES, repeat=3)][::3][:40]


@pytest.fixture
def names_file(tmp_path):
    path = tmp_path / "names.txt"
    # Capitalised, with blank lines and stray spaces: the CLI lowercases and strips.
    path.write_text("\n".join(n.capitalize() + ("  " if i % 7 == 0 else "") for i, n in enumerate(NAMES)) + "\n\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    corpus = folder / "names.txt"
    corpus.write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    out = folder / "m.npz"
    assert main(["train", str(corpus), "--steps", "30", "--hidden", "8", "--out", str(out), "--quiet"]) == 0
    return out


def call(argv, capsys):
    """Run main(argv); return (status, stdout, stderr).  argparse's own errors exit via SystemExit."""
    try:
        status = main(argv)
    except SystemExit as e:
        status = e.code
    out, err = capsys.readouterr()
    return status, out, err


def assert_error(argv, capsys, *words):
    status, out, err = call(argv, capsys)
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for w in words:
        assert w in lines[0], f"{w!r} not in {lines[0]!r}"
    assert "Traceback" not in err
    return lines[0]


# ----------------------------------------------------------------------------------------------
# train


def test_train_writes_a_model(names_file, tmp_path, capsys):
    out = tmp_path / "runs" / "m.npz"
    status, stdout, stderr = call(
        ["train", str(names_file), "--steps", "30", "--hidden", "8", "--out", str(out), "--quiet"], capsys
    )
    assert status == 0
    assert out.is_file()
    lines = stdout.strip().splitlines()
    assert lines[0].startswith("36 training names, 4 held out")
    assert lines[-1].startswith("best validation loss ")
    assert "nats/char at step" in lines[-1] and str(out) in lines[-1]
    assert stderr == ""  # --quiet: no progress bar
    model = load_model(out)
    assert model.hidden_size == 8
    assert model.config["train"]["steps"] == 30
    assert model.config["corpus"] == str(names_file)
    assert not any(c.isupper() for c in model.vocab.chars)  # the file was lowercased
    assert " " not in model.vocab.chars  # and stripped


def test_train_options_reach_the_model(names_file, tmp_path, capsys):
    out = tmp_path / "m.npz"
    status, _, _ = call(
        ["train", str(names_file), "--steps", "10", "--hidden", "5", "--batch-size", "4", "--optimizer", "sgd",
         "--lr", "0.1", "--dtype", "float64", "--seed", "3", "--val-fraction", "0.25", "--out", str(out), "--quiet"],
        capsys,
    )
    assert status == 0
    model = load_model(out)
    t = model.config["train"]
    assert (t["hidden_size"], t["batch_size"], t["optimizer"], t["learning_rate"], t["seed"]) == (5, 4, "sgd", 0.1, 3)
    assert model.dtype.name == "float64"
    assert model.config["n_val"] == 10


def test_train_is_repeatable(names_file, tmp_path, capsys):
    args = ["train", str(names_file), "--steps", "10", "--hidden", "4", "--quiet", "--out"]
    call(args + [str(tmp_path / "a.npz")], capsys)
    call(args + [str(tmp_path / "b.npz")], capsys)
    a, b = load_model(tmp_path / "a.npz"), load_model(tmp_path / "b.npz")
    assert all((a.parameters[k] == b.parameters[k]).all() for k in a.parameters)


# ----------------------------------------------------------------------------------------------
# sample


def test_sample_prints_n_names(model_file, capsys):
    status, out, err = call(["sample", "--model", str(model_file), "-n", "5", "--seed", "1"], capsys)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 5
    for line in lines:
        name = line.split("   (in the training data)")[0]
        assert name == name.capitalize()
        assert set(name.lower()) <= set("abeikmortux")


def test_sample_is_repeatable_with_a_seed(model_file, capsys):
    argv = ["sample", "--model", str(model_file), "-n", "8", "--seed", "7"]
    _, first, _ = call(argv, capsys)
    _, second, _ = call(argv, capsys)
    assert first == second
    _, other, _ = call(argv[:-1] + ["8"], capsys)
    assert other != first


def test_sample_prefix(model_file, capsys):
    status, out, _ = call(["sample", "--model", str(model_file), "-n", "6", "--seed", "2", "--prefix", "ab"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert len(lines) == 6
    assert all(line.startswith("Ab") for line in lines)


def test_sample_max_length_and_top_k(model_file, capsys):
    status, out, _ = call(
        ["sample", "--model", str(model_file), "-n", "5", "--seed", "0", "--max-length", "3", "--top-k", "2",
         "--temperature", "0.5"],
        capsys,
    )
    assert status == 0
    names = [line.split("   (")[0] for line in out.splitlines()]
    # An undertrained model can draw the end-of-name mark first: an empty name is a legal sample,
    # printed as "(empty name)".
    names = ["" if n == "(empty name)" else n for n in names]
    assert len(names) == 5 and all(len(n) <= 3 for n in names)


def test_sample_marks_training_names(model_file, capsys):
    # Greedy-ish sampling of a model trained on these names reproduces some of them; those lines
    # carry the marker, and only names from the corpus do.
    _, out, _ = call(["sample", "--model", str(model_file), "-n", "30", "--seed", "0"], capsys)
    for line in out.splitlines():
        if line.endswith("(in the training data)"):
            assert line.split("   (")[0].lower() in NAMES


def test_sample_without_the_corpus_still_works(model_file, tmp_path, capsys):
    # The model records its corpus path; when that file is gone, sampling just skips the marking.
    model = load_model(model_file)
    model.config["corpus"] = str(tmp_path / "gone.txt")
    from rnnlib.training.model_files import save_model

    moved = save_model(model, tmp_path / "moved.npz")
    status, out, err = call(["sample", "--model", str(moved), "-n", "3", "--seed", "1"], capsys)
    assert status == 0 and err == "" and len(out.splitlines()) == 3
    assert "(in the training data)" not in out


# ----------------------------------------------------------------------------------------------
# errors: one line on stderr, status 2


def test_missing_model_file(tmp_path, capsys):
    assert_error(["sample", "--model", str(tmp_path / "nope.npz")], capsys, "no model file", "nope.npz")


def test_corrupt_model_file(tmp_path, capsys):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a model")
    assert_error(["sample", "--model", str(bad)], capsys, "bad.npz")


@pytest.mark.parametrize("temperature", ["0", "-1", "nan", "inf"])
def test_bad_temperature(model_file, capsys, temperature):
    assert_error(["sample", "--model", str(model_file), "--temperature", temperature], capsys, "temperature")


@pytest.mark.parametrize(
    "extra, word",
    [(["-n", "0"], "n"), (["--top-k", "0"], "top_k"), (["--max-length", "2", "--prefix", "ab"], "max_length"),
     (["--prefix", "q"], "prefix")],
)
def test_bad_sampling_options(model_file, capsys, extra, word):
    assert_error(["sample", "--model", str(model_file)] + extra, capsys, word)


def test_unknown_corpus_name(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # so the name cannot be a file by accident
    assert_error(["train", "no-such-corpus", "--out", "m.npz", "--quiet"], capsys, "no-such-corpus")
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.parametrize("content", ["", "\n\n", "   \n \t\n"])
def test_empty_corpus_file(tmp_path, capsys, content):
    empty = tmp_path / "empty.txt"
    empty.write_text(content, encoding="utf-8")
    assert_error(["train", str(empty), "--out", str(tmp_path / "m.npz"), "--quiet"], capsys, "no non-empty lines")
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.parametrize(
    "extra, word", [(["--hidden", "0"], "hidden_size"), (["--steps", "0"], "steps"), (["--lr", "0"], "learning_rate"),
                    (["--val-fraction", "1"], "val_fraction"), (["--batch-size", "0"], "batch_size")]
)
def test_bad_training_settings(names_file, tmp_path, capsys, extra, word):
    out = tmp_path / "m.npz"
    assert_error(["train", str(names_file), "--out", str(out), "--quiet"] + extra, capsys, word)
    assert not out.exists()


def test_out_must_be_npz(names_file, tmp_path, capsys):
    assert_error(["train", str(names_file), "--steps", "3", "--out", str(tmp_path / "m.txt"), "--quiet"], capsys, ".npz")


def test_argparse_errors_exit_2(capsys):
    status, _, err = call(["sample", "--temperature", "warm"], capsys)
    assert status == 2 and "error:" in err
    status, _, err = call([], capsys)
    assert status == 2 and "error:" in err


def test_parser_knows_both_commands():
    parser = build_parser()
    assert parser.parse_args(["train", "dinos"]).command == "train"
    assert parser.parse_args(["sample"]).n == 10


def test_module_help_runs():
    result = subprocess.run([sys.executable, "-m", "rnnlib", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "train" in result.stdout and "sample" in result.stdout


# ----------------------------------------------------------------------------------------------
# Inputs that once ended in a Python traceback instead of one 'error:' line and status 2.


def test_binary_corpus_file(tmp_path, capsys):
    binary = tmp_path / "names.bin"
    binary.write_bytes(b"\xff\xfe\x00abc\n")
    assert_error(["train", str(binary), "--out", str(tmp_path / "m.npz"), "--quiet"], capsys, "names.bin")


def test_negative_seed(names_file, tmp_path, capsys):
    assert_error(["train", str(names_file), "--seed", "-1", "--out", str(tmp_path / "m.npz"), "--quiet"], capsys, "seed")


def test_out_folder_is_a_file(names_file, tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    assert_error(["train", str(names_file), "--steps", "3", "--out", str(tmp_path / "afile" / "m.npz"), "--quiet"], capsys)


def test_train_a_two_layer_lstm_from_the_command_line(names_file, tmp_path, capsys):
    out = tmp_path / "lstm.npz"
    assert main(["train", str(names_file), "--cell", "lstm", "--layers", "2", "--dropout", "0.1",
                 "--hidden", "8", "--steps", "10", "--out", str(out), "--quiet"]) == 0
    from rnnlib.training.model_files import load_model

    model = load_model(out)
    assert (model.cell, model.layers) == ("lstm", 2)
    capsys.readouterr()
    assert main(["sample", "--model", str(out), "-n", "3", "--seed", "0"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 3


def test_train_a_text_model_in_stream_mode_and_generate_from_it(tmp_path, capsys):
    corpus = tmp_path / "poem.txt"
    corpus.write_text("shall i compare thee to a summer's day?\nthou art more lovely and more temperate:\n" * 30)
    out = tmp_path / "poem.npz"
    assert main(["train", str(corpus), "--mode", "text", "--cell", "lstm", "--hidden", "8", "--steps", "15",
                 "--batch-size", "4", "--seq-length", "16", "--eval-every", "5", "--out", str(out), "--quiet"]) == 0
    assert "held out (the end of the text)" in capsys.readouterr().out
    assert main(["generate", "--model", str(out), "--prefix", "Shall I", "--length", "30", "--seed", "1"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("shall i") and len(text.rstrip("\n")) >= len("shall i") + 29


def test_generate_refuses_unknown_characters(tmp_path, capsys):
    corpus = tmp_path / "poem.txt"
    corpus.write_text("abc abc abc\n" * 40)
    out = tmp_path / "m.npz"
    main(["train", str(corpus), "--mode", "text", "--hidden", "4", "--steps", "3", "--seq-length", "8",
          "--batch-size", "2", "--out", str(out), "--quiet"])
    capsys.readouterr()
    assert main(["generate", "--model", str(out), "--prefix", "xyz"]) == 2
    assert "does not know" in capsys.readouterr().err


def test_minutes_budget_stops_training(tmp_path, capsys):
    corpus = tmp_path / "names.txt"
    corpus.write_text("\n".join(["ana", "bob", "cyd", "dan", "eve", "fay"]))
    out = tmp_path / "m.npz"
    assert main(["train", str(corpus), "--steps", "100000", "--minutes", "0.001", "--hidden", "4",
                 "--out", str(out), "--quiet"]) == 0
    assert "stopped after 0.001 minutes" in capsys.readouterr().out


@pytest.mark.parametrize("fraction", ["1.5", "-0.2"])
def test_text_mode_refuses_a_bad_validation_fraction(tmp_path, capsys, fraction):
    corpus = tmp_path / "poem.txt"
    corpus.write_text("abc abc abc\n" * 40)
    status, _, err = call(["train", str(corpus), "--mode", "text", "--val-fraction", fraction, "--steps", "2",
                           "--out", str(tmp_path / "m.npz"), "--quiet"], capsys)
    assert status == 2 and "val_fraction" in err


def test_no_validation_says_so(tmp_path, capsys):
    corpus = tmp_path / "poem.txt"
    corpus.write_text("abc abc abc\n" * 40)
    status, out, _ = call(["train", str(corpus), "--mode", "text", "--val-fraction", "0", "--steps", "2",
                           "--hidden", "4", "--seq-length", "8", "--batch-size", "2", "--out", str(tmp_path / "m.npz"),
                           "--quiet"], capsys)
    assert status == 0 and "nothing was held out" in out and "nan" not in out


def test_out_naming_a_folder_is_refused_before_training(tmp_path, capsys):
    (tmp_path / "x.npz").mkdir()
    assert main(["train", "dinos", "--out", str(tmp_path / "x.npz"), "--steps", "1", "--quiet"]) == 2
    assert "folder" in capsys.readouterr().err


def test_huge_sizes_are_refused_before_training(tmp_path, capsys):
    assert main(["train", "nonexistent-but-irrelevant", "--hidden", "100000", "--out", str(tmp_path / "m.npz")]) == 2
    assert "hidden_size" in capsys.readouterr().err


def test_a_missing_file_is_not_called_an_unknown_dataset(tmp_path, capsys):
    assert main(["train", str(tmp_path / "names.txt"), "--out", str(tmp_path / "m.npz")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_byte_order_mark_is_not_a_character(tmp_path):
    corpus = tmp_path / "names.txt"
    corpus.write_text("\ufeffabc\nbca\ncab\nacb\n", encoding="utf-8")
    out = tmp_path / "m.npz"
    assert main(["train", str(corpus), "--steps", "2", "--eval-every", "1", "--quiet", "--out", str(out)]) == 0
    from rnnlib import load_model

    assert "\ufeff" not in load_model(out).vocab.chars


def test_generate_refuses_a_length_beyond_the_cap_before_printing(capsys):
    assert main(["generate", "--length", "100000"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "20,000" in err
