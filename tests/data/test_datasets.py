"""Tests for rnnlib.datasets: mirror, cache, download and error paths.

All but the last test use tiny files written here and a fake registry entry; nothing touches the
internet.  Downloads are served by a throwaway HTTP server on 127.0.0.1.
"""

import hashlib
import http.server
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from rnnlib import datasets
from rnnlib.errors import CorpusError, DatasetUnavailable

TEXT = "Aachenosaurus\nAardonyx\nAbdallahsaurus\n"
DEAD_URL = "http://127.0.0.1:9/nothing.txt"  # the discard port: refused at once, no network needed


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A clean environment: empty cache folder, no mirror, a fake 'tiny' entry with a dead URL."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(datasets.CACHE_ENV, str(cache))
    monkeypatch.delenv(datasets.MIRROR_ENV, raising=False)
    monkeypatch.setitem(datasets.REGISTRY, "tiny", ("tiny.txt", DEAD_URL, sha256(TEXT.encode())))
    return cache


@pytest.fixture
def serve():
    """Start a local HTTP server answering every GET with the given bytes; yields a starter."""
    servers = []

    def start(body: bytes, claimed_length: int | None = None, status: int = 200) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(status)
                self.send_header("Content-Length", str(claimed_length or len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/tiny.txt"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_available_lists_the_corpora():
    assert {"dinos", "shakespeare", "tinyshakespeare", "metheny", "polarity_pos", "polarity_neg"} <= set(
        datasets.available()
    )
    assert {f"surnames_{language.lower()}" for language in datasets.SURNAME_LANGUAGES} <= set(datasets.available())
    assert len(datasets.SURNAME_LANGUAGES) == 20 and list(datasets.SURNAME_LANGUAGES) == sorted(datasets.SURNAME_LANGUAGES)
    for filename, url, digest in datasets.REGISTRY.values():
        assert url.startswith("https://") and len(digest) == 64


def test_unknown_name_lists_available_names(env):
    with pytest.raises(CorpusError) as info:
        datasets.fetch("dinosaurs")
    message = str(info.value)
    assert "'dinosaurs'" in message
    for name in ("dinos", "shakespeare", "tinyshakespeare", "metheny"):
        assert name in message
    assert isinstance(info.value, ValueError)


def test_mirror_hit_is_used_without_copying(env, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "tiny.txt").write_text(TEXT)
    monkeypatch.setenv(datasets.MIRROR_ENV, str(mirror))
    assert datasets.fetch("tiny") == mirror / "tiny.txt"
    assert not env.exists()  # nothing was written to the cache


def test_mirror_checksum_mismatch_is_an_error_naming_the_file(env, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "tiny.txt").write_text(TEXT + "tampered\n")
    monkeypatch.setenv(datasets.MIRROR_ENV, str(mirror))
    with pytest.raises(DatasetUnavailable) as info:
        datasets.fetch("tiny")
    assert str(mirror / "tiny.txt") in str(info.value)
    assert datasets.MIRROR_ENV in str(info.value)


def test_mirror_without_the_file_falls_back_to_cache(env, tmp_path, monkeypatch):
    (tmp_path / "mirror").mkdir()
    monkeypatch.setenv(datasets.MIRROR_ENV, str(tmp_path / "mirror"))
    env.mkdir()
    (env / "tiny.txt").write_text(TEXT)
    assert datasets.fetch("tiny") == env / "tiny.txt"


def test_cache_hit_needs_no_network(env):
    env.mkdir()
    (env / "tiny.txt").write_text(TEXT)
    assert datasets.fetch("tiny") == env / "tiny.txt"
    assert datasets.cache_dir() == env


def test_offline_failure_says_where_to_put_the_file(env):
    with pytest.raises(DatasetUnavailable) as info:
        datasets.fetch("tiny")
    message = str(info.value)
    assert "tiny.txt" in message
    assert DEAD_URL in message
    assert str(env) in message
    assert datasets.MIRROR_ENV in message
    assert not env.exists() or list(env.iterdir()) == []  # no partial file left behind


def test_download_lands_in_the_cache(env, serve, monkeypatch):
    url = serve(TEXT.encode())
    monkeypatch.setitem(datasets.REGISTRY, "tiny", ("tiny.txt", url, sha256(TEXT.encode())))
    path = datasets.fetch("tiny")
    assert path == env / "tiny.txt"
    assert path.read_text() == TEXT
    assert sorted(p.name for p in env.iterdir()) == ["tiny.txt"]


@pytest.mark.parametrize("kind", ["wrong content", "connection cut short"])
def test_failed_download_leaves_no_file(env, serve, monkeypatch, kind):
    if kind == "wrong content":
        url = serve(b"not the file we want\n")
    else:
        url = serve(TEXT.encode()[:10], claimed_length=len(TEXT))
    monkeypatch.setitem(datasets.REGISTRY, "tiny", ("tiny.txt", url, sha256(TEXT.encode())))
    with pytest.raises(DatasetUnavailable, match="tiny.txt"):
        datasets.fetch("tiny")
    assert list(env.iterdir()) == []


def test_http_error_is_reported_with_its_status(env, serve, monkeypatch):
    url = serve(b"gone", status=404)
    monkeypatch.setitem(datasets.REGISTRY, "tiny", ("tiny.txt", url, sha256(TEXT.encode())))
    with pytest.raises(DatasetUnavailable, match="HTTP 404"):
        datasets.fetch("tiny")
    assert list(env.iterdir()) == []


def test_load_text_lowercases_by_default(env):
    env.mkdir()
    (env / "tiny.txt").write_text(TEXT)
    assert datasets.load_text("tiny") == TEXT.lower()
    assert datasets.load_text("tiny", lower=False) == TEXT


def test_load_text_refuses_binary_files(env, monkeypatch):
    blob = bytes([0x4D, 0x54, 0x68, 0x64, 0xFF, 0xFE, 0x80])
    env.mkdir()
    (env / "song.mid").write_bytes(blob)
    monkeypatch.setitem(datasets.REGISTRY, "song", ("song.mid", DEAD_URL, sha256(blob)))
    with pytest.raises(CorpusError, match="fetch"):
        datasets.load_text("song")


def test_cache_dir_defaults_to_checkout_data_folder(monkeypatch):
    monkeypatch.delenv(datasets.CACHE_ENV, raising=False)
    checkout = Path(datasets.__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file():
        assert datasets.cache_dir() == checkout / "data"
    else:
        assert datasets.cache_dir().name == "rnnlib"


@pytest.mark.skipif(not os.environ.get(datasets.MIRROR_ENV), reason="RNNLIB_DATA_MIRROR not set")
def test_real_mirror_matches_the_course_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv(datasets.CACHE_ENV, str(tmp_path))  # a miss must not download into data/
    dinos = datasets.load_text("dinos")
    assert (len(dinos), len(set(dinos))) == (19909, 27)
    sonnets = datasets.load_text("shakespeare")
    assert datasets.fetch("shakespeare").stat().st_size == 94275
    assert len(set(sonnets)) == 38
    tiny = datasets.load_text("tinyshakespeare", lower=False)
    assert datasets.fetch("tinyshakespeare").stat().st_size == 1115394
    assert len(set(tiny)) == 65
    assert datasets.fetch("metheny").stat().st_size == 92549


# -- files in a sub-folder (names/Arabic.txt): the mirror and the cache share the layout ----------


@pytest.fixture
def nested(env, monkeypatch):
    """A fake entry whose file lives in a sub-folder, like the surnames."""
    monkeypatch.setitem(datasets.REGISTRY, "nested", ("sub/tiny.txt", DEAD_URL, sha256(TEXT.encode())))
    return env


def test_sub_folder_file_is_found_in_the_mirror(nested, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "sub").mkdir(parents=True)
    (mirror / "sub" / "tiny.txt").write_text(TEXT)
    (mirror / "tiny.txt").write_text("the wrong file, at the top level\n")
    monkeypatch.setenv(datasets.MIRROR_ENV, str(mirror))
    assert datasets.fetch("nested") == mirror / "sub" / "tiny.txt"


def test_sub_folder_file_is_found_in_the_cache(nested):
    (nested / "sub").mkdir(parents=True)
    (nested / "sub" / "tiny.txt").write_text(TEXT)
    assert datasets.fetch("nested") == nested / "sub" / "tiny.txt"


def test_sub_folder_download_lands_in_the_same_sub_folder(nested, serve, monkeypatch):
    url = serve(TEXT.encode())
    monkeypatch.setitem(datasets.REGISTRY, "nested", ("sub/tiny.txt", url, sha256(TEXT.encode())))
    path = datasets.fetch("nested")
    assert path == nested / "sub" / "tiny.txt" and path.read_text() == TEXT
    assert sorted(p.name for p in nested.iterdir()) == ["sub"]


def test_sub_folder_offline_failure_names_the_full_place(nested):
    with pytest.raises(DatasetUnavailable) as info:
        datasets.fetch("nested")
    assert "sub/tiny.txt" in str(info.value)
    assert str(nested / "sub" / "tiny.txt") in str(info.value)


@pytest.mark.parametrize("filename", ["../escape.txt", "/etc/passwd", "sub/./x.txt", "sub\\x.txt", ""])
def test_registry_file_names_must_stay_inside_the_folders(env, monkeypatch, filename):
    monkeypatch.setitem(datasets.REGISTRY, "odd", (filename, DEAD_URL, sha256(b"")))
    with pytest.raises(CorpusError, match="relative path"):
        datasets.fetch("odd")


# -- the classification corpora, decoded from bytes written here --------------------------------


def test_load_text_decodes_cp1252_corpora(env, monkeypatch):
    raw = "the action clich\u00e9s just pile up . \nsweet home \u2013 a nice film\u2026\n".encode("cp1252")
    assert b"\xe9" in raw and b"\x96" in raw and b"\x85" in raw  # the single bytes the MR files use
    env.mkdir()
    (env / "mr.txt").write_bytes(raw)
    monkeypatch.setitem(datasets.REGISTRY, "mr", ("mr.txt", DEAD_URL, sha256(raw)))
    with pytest.raises(CorpusError, match="not utf-8"):
        datasets.load_text("mr")  # as UTF-8 these bytes are invalid: an error, not U+FFFD
    monkeypatch.setitem(datasets.ENCODINGS, "mr", "cp1252")
    text = datasets.load_text("mr")
    assert "clich\u00e9s" in text and "\u2013" in text and "\u2026" in text and "\ufffd" not in text


def test_sentence_polarity_order_and_labels(env, monkeypatch):
    env.mkdir()
    files = {"polarity_pos": "good one . \ncaf\u00e9 charm . \n", "polarity_neg": "bad . \n"}
    for name, text in files.items():
        raw = text.encode("cp1252")
        (env / f"{name}.txt").write_bytes(raw)
        monkeypatch.setitem(datasets.REGISTRY, name, (f"{name}.txt", DEAD_URL, sha256(raw)))
    texts, labels = datasets.load_sentence_polarity()
    assert texts == ["good one .", "caf\u00e9 charm .", "bad ."]
    assert labels.tolist() == [1, 1, 0] and labels.dtype == np.int64


# -- the real files, from the mirror ---------------------------------------------------------------

needs_mirror = pytest.mark.skipif(not os.environ.get(datasets.MIRROR_ENV), reason="RNNLIB_DATA_MIRROR not set")
NEW_ENTRIES = ["polarity_pos", "polarity_neg"] + [f"surnames_{lang.lower()}" for lang in datasets.SURNAME_LANGUAGES]


@needs_mirror
@pytest.mark.parametrize("name", NEW_ENTRIES)
def test_new_registry_entries_match_the_mirror_files(name):
    filename, url, digest = datasets.REGISTRY[name]
    path = Path(os.environ[datasets.MIRROR_ENV]).joinpath(*filename.split("/"))
    assert path.is_file(), f"{path} is missing from the mirror"
    assert sha256(path.read_bytes()) == digest
    assert url.startswith("https://raw.githubusercontent.com/") and len(url.split("/")[5]) == 40  # a pinned commit
    assert url.endswith("/" + filename.split("/")[-1])


@needs_mirror
def test_real_sentence_polarity(tmp_path, monkeypatch):
    monkeypatch.setenv(datasets.CACHE_ENV, str(tmp_path))
    texts, labels = datasets.load_sentence_polarity()
    assert len(texts) == 10662 and labels.shape == (10662,)
    assert labels[:5331].tolist() == [1] * 5331 and labels[5331:].tolist() == [0] * 5331
    assert not any("\ufffd" in t for t in texts)
    assert texts[5331] == "simplistic , silly and tedious ."  # the first negative line
    # Line 2 of rt-polarity.neg holds byte 0xE9: cp1252 (and Latin-1) for e-acute.
    assert "the action clich\u00e9s just pile up ." in texts[5331:]
    # Line 490 of rt-polarity.pos holds byte 0x85: cp1252's ellipsis (Latin-1 would give a C1 control).
    assert texts[489].startswith("exquisitely acted and masterfully if preciously interwoven\u2026 [the film]")
    assert not any("\x80" <= ch <= "\x9f" for t in texts for ch in t)  # no C1 controls anywhere
    assert all(t == t.strip() and t for t in texts)


@needs_mirror
def test_real_surnames(tmp_path, monkeypatch):
    monkeypatch.setenv(datasets.CACHE_ENV, str(tmp_path))
    names, languages = datasets.load_surnames()
    # 19,950 lines with a name; `wc -l` says 19,948 because Indian.txt and Welsh.txt end without a newline.
    assert len(names) == len(languages) == 19950
    assert sorted(set(languages)) == list(datasets.SURNAME_LANGUAGES)
    per_language = {lang: languages.count(lang) for lang in datasets.SURNAME_LANGUAGES}
    assert per_language["Russian"] == 9408 and per_language["Arabic"] == 716 and per_language["Welsh"] == 124
    assert "Chahu\u00e1n" in names and "\u017buraw" in names and "M\u00fcller" in names  # UTF-8, decoded
    assert not any("\ufffd" in n or n != n.strip() for n in names)
    by_name = {}
    for name, language in zip(names, languages):
        by_name.setdefault(name, set()).add(language)
    assert by_name["Abraham"] >= {"English", "French"}  # one name, several languages


@needs_mirror
def test_real_surnames_split_keeps_names_on_one_side(tmp_path, monkeypatch):
    from rnnlib.data.chars import split_labelled

    monkeypatch.setenv(datasets.CACHE_ENV, str(tmp_path))
    names, languages = datasets.load_surnames()
    train_x, train_y, val_x, val_y = split_labelled(names, languages, val_fraction=0.1, seed=0)
    assert len(train_x) + len(val_x) == 19950
    assert not set(train_x) & set(val_x)
    assert 0.08 < len(val_x) / 19950 < 0.12


def test_issue9_load_text_refuses_a_non_bool_lower():
    """Fuzz finding: load_text("dinos", np.array([])) raised numpy's ambiguous-truth ValueError."""
    import numpy as np
    import pytest
    from rnnlib.data import datasets
    from rnnlib.errors import ConfigError
    with pytest.raises(ConfigError, match="lower"):
        datasets.load_text("dinos", np.array([]))


def test_on_disk_looks_in_the_mirror_and_the_cache(tmp_path, monkeypatch):
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    mirror.mkdir(), cache.mkdir()
    monkeypatch.setenv(datasets.MIRROR_ENV, str(mirror))
    monkeypatch.setenv(datasets.CACHE_ENV, str(cache))
    assert not datasets.on_disk("dinos")
    (mirror / "dinos.txt").write_text("a\n")
    assert datasets.on_disk("dinos")
    (mirror / "dinos.txt").unlink()
    (cache / "dinos.txt").write_text("a\n")
    assert datasets.on_disk("dinos")
    with pytest.raises(CorpusError):
        datasets.on_disk("no-such-corpus")
