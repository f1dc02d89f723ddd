"""The course corpora: where each one comes from and how it gets onto your disk.

Four files are known by short names (see ``available()``):

===================  =========================  ==============================================
name                 file                       what it is
===================  =========================  ==============================================
``dinos``            ``dinos.txt``              1536 dinosaur names, one per line
``shakespeare``      ``shakespeare.txt``        the Sonnets text of "Writing like Shakespeare"
``tinyshakespeare``  ``tinyshakespeare.txt``    char-rnn's 1.1 MB Shakespeare benchmark
``metheny``          ``original_metheny.mid``   the jazz MIDI file (binary; use ``fetch``)
===================  =========================  ==============================================

None of them is shipped with rnnlib.  Each registry entry pins a public URL to a fixed git commit
and records the file's sha256, and every file this module hands back has been checked against
that hash.  ``fetch(name)`` looks in three places, in this order:

1. **A mirror folder**, if the environment variable ``RNNLIB_DATA_MIRROR`` names one.  It is only
   ever read.  A file there with the wrong checksum is an error (it is not silently skipped), so a
   stale mirror gets noticed.  CI points the mirror at a local copy of the corpora.
2. **The cache folder** (``cache_dir()``): ``RNNLIB_DATA_DIR`` if that is set; otherwise the
   ``data/`` folder of the source checkout when rnnlib is used from one (a ``pyproject.toml`` sits
   next to the ``rnnlib`` package); otherwise the per-user cache that ``pooch.os_cache("rnnlib")``
   picks for the operating system.
3. **The network**: ``pooch`` downloads the file into the cache folder.  It writes to a temporary
   file first and only moves it into place once the checksum matches, so an interrupted or
   corrupted download never leaves a partial file behind.

When the download cannot happen (no network, an HTTP error, a changed upstream file) the error is
``DatasetUnavailable``, and its message says where to put the file by hand.

``load_text(name)`` reads a text corpus as UTF-8 and, like the course, lowercases it by default.
"""

from __future__ import annotations

import os
from pathlib import Path

import pooch

from ..errors import CorpusError, DatasetUnavailable

MIRROR_ENV = "RNNLIB_DATA_MIRROR"
CACHE_ENV = "RNNLIB_DATA_DIR"

_GH = "https://raw.githubusercontent.com"
_COURSE = f"{_GH}/Kulbear/deep-learning-coursera/f32be387c9eb15ce6a401cfea54e2c6d42c73404/Sequence%20Models"
_JAZZ = (
    f"{_GH}/amanchadha/coursera-deep-learning-specialization/e9de0f4d1549b5a974c7f5cba013097fe162a798"
    "/C5%20-%20Sequence%20Models/Week%201/Jazz%20improvisation%20with%20LSTM/data"
)

#: name -> (file name, public URL, sha256 of the file)
REGISTRY: dict[str, tuple[str, str, str]] = {
    "dinos": (
        "dinos.txt",
        f"{_COURSE}/dinos.txt",
        "ad6465621cf56c08f71d4fbb40cf7eab763f9df42c54cc460d6c4d86e9c927fb",
    ),
    "shakespeare": (
        "shakespeare.txt",
        f"{_COURSE}/shakespeare.txt",
        "1b454b67b44e6f367c83a17ed295c46c5d4a1173cf5d09161882af4041bae023",
    ),
    "tinyshakespeare": (
        "tinyshakespeare.txt",
        f"{_GH}/karpathy/char-rnn/6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e/data/tinyshakespeare/input.txt",
        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
    ),
    "metheny": (
        "original_metheny.mid",
        f"{_JAZZ}/original_metheny.mid",
        "0da8322ceab36b036682b5ece0c315193f7b701a3340a0ca5a523b107c6f428d",
    ),
}


def available() -> list[str]:
    """The names ``fetch`` and ``load_text`` accept, sorted."""
    return sorted(REGISTRY)


def cache_dir() -> Path:
    """The folder downloads go to (it may not exist yet; the first download creates it)."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    checkout = Path(__file__).resolve().parents[2]  # rnnlib/data/datasets.py -> the checkout
    if (checkout / "pyproject.toml").is_file():
        return checkout / "data"
    return Path(pooch.os_cache("rnnlib"))


def fetch(name: str) -> Path:
    """Return the path of a checksum-verified local copy of corpus ``name``, downloading if needed."""
    filename, url, sha256 = _entry(name)
    mirrored = _from_mirror(filename, sha256)
    if mirrored is not None:
        return mirrored
    cache = cache_dir()
    try:
        # pooch re-uses a cached file whose hash matches and otherwise downloads (to a temporary
        # file, moved into place only after the hash checks out).
        local = pooch.retrieve(url, known_hash=f"sha256:{sha256}", fname=filename, path=cache, progressbar=False)
    except (OSError, ValueError) as exc:  # requests' errors are OSErrors; a hash mismatch is a ValueError
        raise DatasetUnavailable(
            f"could not download {filename} from {url} ({_reason(exc)}).\n"
            f"To work offline, put {filename} into {cache} "
            f"or set {MIRROR_ENV} to a folder that contains it (its sha256 must be {sha256})."
        ) from None  # the message says it all; urllib3's chained tracebacks run to pages
    return Path(local)


def load_text(name: str, lower: bool = True) -> str:
    """Read corpus ``name`` as UTF-8 text; lowercase it unless ``lower=False``."""
    path = fetch(name)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CorpusError(f"{path.name} is not UTF-8 text; use fetch({name!r}) to get its path instead") from None
    return text.lower() if lower else text


def _entry(name: str) -> tuple[str, str, str]:
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise CorpusError(f"unknown dataset {name!r}; available: {', '.join(available())}") from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValueError):
        return "the downloaded file's sha256 did not match"
    import requests  # pooch's own dependency

    if not isinstance(exc, requests.RequestException):
        return f"{type(exc).__name__}: {exc}"  # e.g. the cache folder is not writable
    status = getattr(exc.response, "status_code", None)
    return f"HTTP {status}" if status else f"{type(exc).__name__}: the connection failed"


def _from_mirror(filename: str, sha256: str) -> Path | None:
    folder = os.environ.get(MIRROR_ENV)
    if not folder:
        return None
    path = Path(folder).expanduser().resolve() / filename
    if not path.is_file():
        return None
    actual = pooch.file_hash(str(path), alg="sha256")
    if actual != sha256:
        raise DatasetUnavailable(
            f"{path} (in the {MIRROR_ENV} mirror) has sha256 {actual}, expected {sha256}; "
            f"replace that file or unset {MIRROR_ENV}"
        )
    return path
