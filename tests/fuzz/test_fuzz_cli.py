"""``python -m rnnlib`` through ``rnnlib.ui.cli.main``: bad flags end in argparse's SystemExit or
in ``error: ...`` and exit status 2, never a traceback."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import BAD_STRINGS, call
from rnnlib.ui.cli import main

VALUES = st.sampled_from(["0", "-1", "nan", "inf", "1e400", "100000", "1000000000", "2.5", "", "x", "/", "."]) | BAD_STRINGS
BASE = {
    "train": ["train", "dinos", "--steps", "2", "--eval-every", "1", "--quiet", "--hidden", "6", "--out", "m.npz"],
    "sample": ["sample", "--model", "m.npz", "-n", "3", "--seed", "0"],
    "generate": ["generate", "--model", "m.npz", "--length", "5", "--seed", "0", "--prefix", "a"],
}
FLAGS = {
    "train": ["--hidden", "--layers", "--dropout", "--batch-size", "--seq-length", "--clip-threshold", "--lr",
              "--val-fraction", "--seed", "--out", "--minutes", "--mode", "--cell"],
    "sample": ["-n", "--temperature", "--top-k", "--prefix", "--max-length", "--seed", "--model"],
    "generate": ["--length", "--temperature", "--top-k", "--prefix", "--seed", "--model"],
}


@pytest.fixture(autouse=True)
def _model_file(tmp_path):
    from rnnlib import CharVocab, LanguageModel, init_parameters, save_model

    vocab = CharVocab(sorted(set("abcdefghijklmnopqrstuvwxyz\n")))
    save_model(LanguageModel(init_parameters(len(vocab), 4), vocab, {}), tmp_path / "m.npz")


def _run(argv):
    try:
        status = main(argv)
    except SystemExit as e:  # argparse's own refusal of an unparseable flag
        assert e.code == 2
        return 2
    assert status in (0, 2)
    return status


@pytest.mark.parametrize("command", sorted(BASE))
@given(data=st.data())
def test_cli_bad_flags(command, data):
    flag = data.draw(st.sampled_from(FLAGS[command]), label="flag")
    value = data.draw(VALUES, label="value")
    argv = list(BASE[command])
    if flag in argv:
        argv[argv.index(flag) + 1] = value
    else:
        argv += [flag, value]
    call(_run, argv)
