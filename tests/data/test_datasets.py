"""Tests for rnnlib.datasets: mirror, cache, download and error paths.

All but the last test use tiny files written here and a fake registry entry; nothing touches the
internet.  Downloads are served by a throwaway HTTP server on 127.0.0.1.
"""

import hashlib
import http.server
import os
import threading
from pathlib import Path

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


def test_available_lists_the_four_corpora():
    assert {"dinos", "shakespeare", "tinyshakespeare", "metheny"} <= set(datasets.available())
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
