"""``load_model`` on damaged model files: flipped bytes, truncations and rewritten members end in a
ModelFileError, never a foreign exception or a hang."""
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import call
from rnnlib import CharVocab, LanguageModel, init_parameters, load_model, save_model

VOCAB = CharVocab(list("abc\n"))


def _good(path):
    return save_model(LanguageModel(init_parameters(len(VOCAB), 3, cell="gru"), VOCAB, {"a": [1, 2]}), path).read_bytes()


@given(data=st.data())
def test_damaged_files(data, tmp_path):
    raw = bytearray(_good(tmp_path / "good.npz"))
    how = data.draw(st.sampled_from(["flip", "truncate", "splice"]), label="how")
    if how == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            i = data.draw(st.integers(0, len(raw) - 1))
            raw[i] = data.draw(st.integers(0, 255))
    elif how == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    else:
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i:i] = data.draw(st.binary(min_size=1, max_size=64))
    path = tmp_path / "bad.npz"
    path.write_bytes(bytes(raw))
    call(load_model, path)
