"""Tests for rnnlib.io: model files round-trip exactly, are plain npz (no pickle), refuse every
kind of broken or foreign file with a ModelFileError that says what is wrong, and are written
atomically.  Models are tiny and built here."""
import json
import os

import numpy as np
import pytest

from rnnlib.core import lm
from rnnlib.errors import ModelFileError
from rnnlib.training.model_files import FORMAT, VERSION, load_model, save_model
from rnnlib.training.language_model import CharModel
from rnnlib.data.chars import CharVocab

VOCAB = CharVocab("\nabcde")
N_A = 6


def make_model(dtype=np.float32, seed=1, config=None):
    params = lm.init_parameters(len(VOCAB), N_A, seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed + 100)  # non-zero biases so every array carries information
    params["b"] = rng.standard_normal(params["b"].shape).astype(dtype)
    params["by"] = rng.standard_normal(params["by"].shape).astype(dtype)
    if config is None:
        config = {"cell": "rnn", "corpus": "made-up", "train": {"hidden_size": N_A, "lr": 0.005}, "note": None}
    return CharModel(params, VOCAB, config)


def write_npz(path, meta=None, params=None, raw_meta=None):
    """Write an npz the way save_model lays it out, with any field replaced, for the refusal tests."""
    if params is None:
        params = make_model().parameters
    if meta is None:
        meta = {"format": FORMAT, "version": VERSION, "chars": VOCAB.chars, "config": {}}
    arrays = {f"param/{k}": v for k, v in params.items()}
    if raw_meta is not None:
        arrays["meta"] = raw_meta
    elif meta is not False:
        arrays["meta"] = np.array(json.dumps(meta))
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def refused(path, *words, **kwargs):
    """load_model(path) raises ModelFileError whose message contains every one of ``words``."""
    with pytest.raises(ModelFileError) as info:
        load_model(path, **kwargs)
    message = str(info.value)
    for w in words:
        assert w.lower() in message.lower(), f"{w!r} not in {message!r}"
    return message


# ----------------------------------------------------------------------------------------------
# Round trip


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_is_exact(tmp_path, dtype):
    model = make_model(dtype)
    written = save_model(model, tmp_path / "m.npz")
    assert written == tmp_path / "m.npz" and written.is_file()
    back = load_model(written)
    assert isinstance(back, CharModel)
    assert set(back.parameters) == set(lm.PARAM_NAMES)
    for name, value in model.parameters.items():
        got = back.parameters[name]
        assert got.dtype == value.dtype
        assert got.shape == value.shape
        assert got.tobytes() == value.tobytes()  # bit for bit
    assert back.vocab == VOCAB
    assert back.vocab.chars == VOCAB.chars
    assert back.config == model.config
    assert back.dtype == np.dtype(dtype) and back.hidden_size == N_A


def test_round_trip_accepts_str_path_and_makes_folders(tmp_path):
    path = tmp_path / "a" / "b" / "m.npz"
    save_model(make_model(), str(path))
    assert load_model(str(path)).vocab == VOCAB


def test_saving_twice_replaces_the_file(tmp_path):
    path = tmp_path / "m.npz"
    save_model(make_model(seed=1), path)
    second = make_model(seed=2)
    save_model(second, path)
    np.testing.assert_array_equal(load_model(path).parameters["Wax"], second.parameters["Wax"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_file_is_plain_npz_without_pickle(tmp_path):
    path = save_model(make_model(), tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as archive:
        names = set(archive.files)
        meta = json.loads(str(archive["meta"]))
        assert archive["meta"].dtype.kind == "U" and archive["meta"].ndim == 0
        for k in lm.PARAM_NAMES:
            assert archive[f"param/{k}"].dtype == np.float32
    assert names == {"meta"} | {f"param/{k}" for k in lm.PARAM_NAMES}
    assert meta["format"] == FORMAT and meta["version"] == VERSION
    assert meta["chars"] == VOCAB.chars


def test_matching_expect_vocab_is_accepted(tmp_path):
    path = save_model(make_model(), tmp_path / "m.npz")
    assert load_model(path, expect_vocab=CharVocab("\nabcde")).vocab == VOCAB


# ----------------------------------------------------------------------------------------------
# Files that are not model files


def test_missing_file(tmp_path):
    refused(tmp_path / "nothing.npz", "no model file", "nothing.npz")


def test_a_folder_is_not_a_model_file(tmp_path):
    (tmp_path / "dir.npz").mkdir()
    refused(tmp_path / "dir.npz", "no model file")


def test_garbage_file(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(b"this is not a zip archive, just some text\n" * 5)
    refused(path, "m.npz", "rnnlib model file")


def test_empty_file(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(b"")
    refused(path, "m.npz")


@pytest.mark.parametrize("keep", [0.5, 0.9, "minus 10 bytes", "first 100 bytes"])
def test_truncated_file(tmp_path, keep):
    good = save_model(make_model(), tmp_path / "good.npz")
    data = good.read_bytes()
    n = {"minus 10 bytes": len(data) - 10, "first 100 bytes": 100}.get(keep) or int(len(data) * keep)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(data[:n])
    refused(bad, "bad.npz")


def test_zip_with_a_corrupted_member(tmp_path):
    good = save_model(make_model(), tmp_path / "good.npz")
    data = bytearray(good.read_bytes())
    # Overwrite bytes in the middle of the stored arrays (not the zip directory at the end).
    mid = len(data) // 2
    data[mid : mid + 40] = b"\xff" * 40
    bad = tmp_path / "bad.npz"
    bad.write_bytes(bytes(data))
    with pytest.raises(ModelFileError):
        load_model(bad)


def test_pickled_object_array_is_refused(tmp_path):
    params = make_model().parameters
    params["Wax"] = np.array([object()] * 2, dtype=object)
    path = tmp_path / "m.npz"
    with open(path, "wb") as f:
        np.savez(f, meta=np.array("{}"), **{f"param/{k}": v for k, v in params.items()})
    refused(path, "m.npz", "rnnlib model file")


def test_npy_file_named_npz(tmp_path):
    path = tmp_path / "m.npz"
    with open(path, "wb") as f:
        np.save(f, np.arange(3.0))
    refused(path, "m.npz", "rnnlib model file")


def test_npz_without_meta(tmp_path):
    refused(write_npz(tmp_path / "m.npz", meta=False), "meta")


def test_meta_not_json(tmp_path):
    refused(write_npz(tmp_path / "m.npz", raw_meta=np.array("{not json")), "meta", "JSON")


@pytest.mark.parametrize("tag", ["some-other-format", None])
def test_wrong_format_tag(tmp_path, tag):
    meta = {"format": tag, "version": VERSION, "chars": VOCAB.chars}
    refused(write_npz(tmp_path / "m.npz", meta), "not an rnnlib model file", "format")


def test_meta_that_is_not_an_object(tmp_path):
    refused(write_npz(tmp_path / "m.npz", raw_meta=np.array("[1, 2, 3]")), "not an rnnlib model file")


@pytest.mark.parametrize("version", [2, 0, "1", None])
def test_wrong_version(tmp_path, version):
    meta = {"format": FORMAT, "version": version, "chars": VOCAB.chars}
    refused(write_npz(tmp_path / "m.npz", meta), "version", str(version))


def test_missing_vocabulary(tmp_path):
    meta = {"format": FORMAT, "version": VERSION}
    refused(write_npz(tmp_path / "m.npz", meta), "vocabulary")


def test_bad_vocabulary(tmp_path):
    meta = {"format": FORMAT, "version": VERSION, "chars": ["a", "a", "b"]}
    refused(write_npz(tmp_path / "m.npz", meta), "vocabulary")


@pytest.mark.parametrize("missing", ["Wax", "by"])
def test_missing_parameter(tmp_path, missing):
    params = make_model().parameters
    del params[missing]
    refused(write_npz(tmp_path / "m.npz", params=params), "lacks parameters", missing)


@pytest.mark.parametrize(
    "name, shape",
    [("Wax", (N_A, len(VOCAB) + 1)), ("Waa", (N_A, N_A + 1)), ("Wya", (len(VOCAB) - 1, N_A)),
     ("b", (N_A,)), ("by", (len(VOCAB), 2)), ("Waa", (N_A,))],
)
def test_wrong_shaped_parameter(tmp_path, name, shape):
    params = make_model().parameters
    params[name] = np.zeros(shape, np.float32)
    msg = refused(write_npz(tmp_path / "m.npz", params=params), "shape")
    assert "expected" in msg


def test_wax_columns_must_match_vocab_size(tmp_path):
    # A consistent model for 5 characters, saved with a 6-character vocabulary.
    params = lm.init_parameters(5, N_A)
    msg = refused(write_npz(tmp_path / "m.npz", params=params), "Wax", "shape", str(len(VOCAB)))
    assert "vocabulary" in msg


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_parameter(tmp_path, bad):
    params = make_model().parameters
    params["Waa"][1, 2] = bad
    refused(write_npz(tmp_path / "m.npz", params=params), "Waa", "NaN or infinite")


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, np.complex128])
def test_non_float_parameter(tmp_path, dtype):
    params = make_model().parameters
    params["Wya"] = params["Wya"].astype(dtype)
    refused(write_npz(tmp_path / "m.npz", params=params), "Wya", "dtype", "float")


def test_mismatched_expect_vocab(tmp_path):
    path = save_model(make_model(), tmp_path / "m.npz")
    msg = refused(path, "vocabulary", expect_vocab=CharVocab("\nabcdf"))
    assert "abcde" in msg and "abcdf" in msg


def test_expect_vocab_order_matters(tmp_path):
    path = save_model(make_model(), tmp_path / "m.npz")
    refused(path, "vocabulary", expect_vocab=CharVocab("\nbacde"))


# ----------------------------------------------------------------------------------------------
# Saving errors


@pytest.mark.parametrize("name", ["m.npy", "m", "m.npz.bak", "m.NPZ"])
def test_save_needs_npz_suffix(tmp_path, name):
    with pytest.raises(ModelFileError, match=r"\.npz"):
        save_model(make_model(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", [object(), np.float32(1.5), {1, 2}, b"bytes"])
def test_save_needs_json_config(tmp_path, value):
    model = make_model(config={"ok": 1, "bad": value})
    with pytest.raises(ModelFileError, match="JSON"):
        save_model(model, tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------------------------
# Atomic writes


def _failing_savez(exc):
    def savez(file, *args, **kwargs):
        file.write(b"PK\x03\x04 half an archive " * 10)
        file.flush()
        raise exc

    return savez


@pytest.mark.parametrize("exc, raised", [(OSError("disk full"), ModelFileError), (KeyboardInterrupt(), KeyboardInterrupt)])
def test_failed_save_keeps_previous_file(tmp_path, monkeypatch, exc, raised):
    path = save_model(make_model(seed=1), tmp_path / "m.npz")
    before = path.read_bytes()
    import rnnlib.training.model_files

    monkeypatch.setattr(rnnlib.training.model_files.np, "savez", _failing_savez(exc))
    with pytest.raises(raised):
        save_model(make_model(seed=2), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]  # no temp file left behind
    np.testing.assert_array_equal(load_model(path).parameters["Wax"], make_model(seed=1).parameters["Wax"])


def test_failed_save_to_new_path_leaves_nothing(tmp_path, monkeypatch):
    import rnnlib.training.model_files

    monkeypatch.setattr(rnnlib.training.model_files.np, "savez", _failing_savez(OSError("disk full")))
    with pytest.raises(ModelFileError, match="disk full"):
        save_model(make_model(), tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


def test_failed_rename_keeps_previous_file(tmp_path, monkeypatch):
    path = save_model(make_model(seed=1), tmp_path / "m.npz")
    before = path.read_bytes()
    import rnnlib.training.model_files

    def replace(src, dst):
        raise OSError("rename failed")

    monkeypatch.setattr(rnnlib.training.model_files.os, "replace", replace)
    with pytest.raises(ModelFileError, match="rename failed"):
        save_model(make_model(seed=2), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.npz"]


# ----------------------------------------------------------------------------------------------
# Inputs that once escaped as bare Python errors instead of ModelFileError.


@pytest.mark.parametrize("chars", [5, None])
def test_non_sequence_vocabulary_is_refused(tmp_path, chars):
    meta = {"format": FORMAT, "version": VERSION, "chars": chars}
    refused(write_npz(tmp_path / "m.npz", meta), "vocabulary")


def test_circular_config_is_refused(tmp_path):
    config = {}
    config["self"] = config
    with pytest.raises(ModelFileError):
        save_model(make_model(config=config), tmp_path / "m.npz")


@pytest.mark.parametrize("cell,layers", [("gru", 1), ("lstm", 2), ("rnn", 3)])
def test_round_trip_of_gated_and_stacked_models(tmp_path, cell, layers):
    params = lm.init_parameters(len(VOCAB), N_A, seed=4, cell=cell, layers=layers)
    back = load_model(save_model(CharModel(params, VOCAB, {"cell": cell}), tmp_path / "m.npz"))
    assert (back.cell, back.layers, back.hidden_size) == (cell, layers, N_A)
    for k in params:
        np.testing.assert_array_equal(back.parameters[k], params[k])


def test_a_stacked_model_missing_its_second_layer_bias_is_refused(tmp_path):
    params = lm.init_parameters(len(VOCAB), N_A, cell="lstm", layers=2)
    del params["b2"]
    with pytest.raises(ModelFileError, match="b2"):  # refused at save time too
        save_model(CharModel(params, VOCAB), tmp_path / "m.npz")
    path = _write_unchecked(params, tmp_path / "m.npz")
    with pytest.raises(ModelFileError, match="b2"):
        load_model(path)


def test_unexpected_extra_parameter_is_refused(tmp_path):
    params = lm.init_parameters(len(VOCAB), N_A)
    params["Wextra"] = np.zeros((2, 2), np.float32)
    with pytest.raises(ModelFileError, match="Wextra"):
        save_model(CharModel(params, VOCAB), tmp_path / "m.npz")
    path = _write_unchecked(params, tmp_path / "m.npz")
    with pytest.raises(ModelFileError, match="Wextra"):
        load_model(path)


def _write_unchecked(params, path, vocab=VOCAB):
    """A model file as save_model writes it, without save_model's checks (to test load_model's)."""
    import json

    meta = {"format": "rnnlib-model", "version": 1, "chars": vocab.chars, "config": {}}
    np.savez(path, meta=np.array(json.dumps(meta)), **{f"param/{k}": v for k, v in params.items()})
    return path


@pytest.mark.parametrize("spoil", [lambda p: p["Wax"].__setitem__((0, 0), np.nan),
                                   lambda p: p.__setitem__("Wax", p["Wax"].astype(np.int64)),
                                   lambda p: p.__setitem__("Wax", p["Wax"].astype(object))])
def test_save_refuses_what_load_would_refuse(tmp_path, spoil):
    params = lm.init_parameters(len(VOCAB), N_A)
    spoil(params)
    with pytest.raises(ModelFileError):
        save_model(CharModel(params, VOCAB), tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


def test_save_to_a_folder_is_refused(tmp_path):
    (tmp_path / "x.npz").mkdir()
    with pytest.raises(ModelFileError, match="folder"):
        save_model(make_model(), tmp_path / "x.npz")


@pytest.mark.parametrize("bad", [None, 3, ""])
def test_load_model_of_no_path(bad):
    with pytest.raises(ModelFileError):
        load_model(bad)


def test_header_claiming_huge_array_is_refused_before_reading(tmp_path):
    import zipfile

    path = save_model(make_model(), tmp_path / "m.npz")
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1, np.float32))
    header["shape"] = (10**12,)
    import io

    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("param/Wbig.npy", buffer.getvalue() + b"\0" * 16)
    with pytest.raises(ModelFileError, match="cannot hold"):
        load_model(path)


def test_zip_bomb_is_refused_from_the_directory(tmp_path):
    import zipfile

    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("meta.npy", b"\0" * (900 * 2**20))  # 900 MB of zeros, ~1 MB compressed
    with pytest.raises(ModelFileError, match="unpack"):
        load_model(path)


def test_encrypted_member_and_deep_json_are_model_file_errors(tmp_path):
    import json
    import zipfile

    path = save_model(make_model(), tmp_path / "m.npz")
    raw = bytearray(path.read_bytes())
    # set the encryption bit in every central-directory entry (signature PK\1\2, flags at +8)
    i = raw.find(b"PK\x01\x02")
    while i >= 0:
        raw[i + 8] |= 1
        i = raw.find(b"PK\x01\x02", i + 1)
    (tmp_path / "enc.npz").write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match="encrypted"):
        load_model(tmp_path / "enc.npz")
    deep = "[" * 100000 + "]" * 100000
    np.savez(tmp_path / "deep.npz", meta=np.array(deep))
    with pytest.raises(ModelFileError, match="JSON"):
        load_model(tmp_path / "deep.npz")


def test_stale_temporary_of_a_killed_writer_is_removed(tmp_path):
    import subprocess
    import sys
    import textwrap

    target = tmp_path / "m.npz"
    script = textwrap.dedent(f"""
        import time, numpy as np
        import rnnlib.training.model_files as mf
        from rnnlib.core import lm
        from rnnlib.data.chars import CharVocab
        from rnnlib.training.language_model import CharModel
        def slow(f, **arrays):
            f.write(b"partial"); f.flush(); print("writing", flush=True); time.sleep(60)
        mf.np.savez = slow
        v = CharVocab("ab\\n")
        mf.save_model(CharModel(lm.init_parameters(3, 2), v), {str(target)!r})
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    child.kill()
    child.wait()
    assert len(list(tmp_path.glob(".m.*.npz.tmp"))) == 1  # what a killed writer leaves
    save_model(make_model(), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_issue9_load_model_with_a_name_too_long(tmp_path):
    """Long-run fuzz finding: `sample --model ZZZ...` (10,000 characters) raised OSError ENAMETOOLONG."""
    import pytest
    from rnnlib import load_model
    from rnnlib.errors import ModelFileError
    with pytest.raises(ModelFileError, match="cannot read"):
        load_model(tmp_path / ("Z" * 10000))
