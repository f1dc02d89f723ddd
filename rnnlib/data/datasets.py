"""The course corpora: where each one comes from and how it gets onto your disk.

These files are known by short names (see ``available()``):

======================  =========================  ===========================================
name                    file                       what it is
======================  =========================  ===========================================
``dinos``               ``dinos.txt``              1536 dinosaur names, one per line
``shakespeare``         ``shakespeare.txt``        the Sonnets text of "Writing like Shakespeare"
``tinyshakespeare``     ``tinyshakespeare.txt``    char-rnn's 1.1 MB Shakespeare benchmark
``metheny``             ``original_metheny.mid``   the jazz MIDI file (binary; use ``fetch``)
``polarity_pos``        ``rt-polarity.pos``        5331 positive movie-review snippets (cp1252)
``polarity_neg``        ``rt-polarity.neg``        5331 negative ones (cp1252)
``surnames_arabic`` ..  ``names/Arabic.txt`` ..    surnames of one language per file (20 files)
======================  =========================  ===========================================

Two loaders read the classification corpora whole: ``load_sentence_polarity()`` (Pang & Lee's
sentence polarity data, "MR") and ``load_surnames()`` (surnames by language).

A file name may contain a sub-folder (``names/Arabic.txt``); the mirror and the cache then hold
the file in that same sub-folder, so a copy of the mirror is also a valid cache and vice versa.

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

``load_text(name)`` reads a text corpus (UTF-8, or the encoding ``ENCODINGS`` records for it) and,
like the course, lowercases it by default.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pooch

from ..errors import ConfigError, CorpusError, DatasetUnavailable

MIRROR_ENV = "RNNLIB_DATA_MIRROR"
CACHE_ENV = "RNNLIB_DATA_DIR"

_GH = "https://raw.githubusercontent.com"
_COURSE = f"{_GH}/Kulbear/deep-learning-coursera/f32be387c9eb15ce6a401cfea54e2c6d42c73404/Sequence%20Models"
_JAZZ = (
    f"{_GH}/amanchadha/coursera-deep-learning-specialization/e9de0f4d1549b5a974c7f5cba013097fe162a798"
    "/C5%20-%20Sequence%20Models/Week%201/Jazz%20improvisation%20with%20LSTM/data"
)
_MR = f"{_GH}/yoonkim/CNN_sentence/23e0e1f7355705bb083043fda05c031b15acb38c"
_NAMES = f"{_GH}/nmstoker/names-rnn/38018e37f158d67ea0454fd4925c4bc3ea44f03f/data/names"

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
    # Pang & Lee's sentence polarity dataset v1.0, as used by Kim (2014): yoonkim/CNN_sentence.
    "polarity_pos": (
        "rt-polarity.pos",
        f"{_MR}/rt-polarity.pos",
        "2da124ec187a9d5a29c9f04e91c540e02baed5af8868f550a26bd6fd4dbf8bf0",
    ),
    "polarity_neg": (
        "rt-polarity.neg",
        f"{_MR}/rt-polarity.neg",
        "4ace77d558c3714723843f1d65b60c01e3417b208180f0728808d76ad0eeeaca",
    ),
}

#: The 20 languages of the surnames corpus, sorted; ``SURNAME_LANGUAGES.index(language)`` is a class id.
SURNAME_LANGUAGES = (
    "Arabic", "Chinese", "Czech", "Dutch", "English", "French", "German", "Greek", "Indian", "Irish",
    "Italian", "Japanese", "Korean", "Polish", "Portuguese", "Russian", "Scottish", "Spanish",
    "Vietnamese", "Welsh",
)
_SURNAME_SHA256 = {
    "Arabic": "cad93b6bc21add6c364b3733f5936ce693207ba387c690078ac813a876036fb8",
    "Chinese": "49263ef55a8cb1740e841d65cad8214b2f9b5b869bc534c811746422496fa91e",
    "Czech": "145bbbd6d0816578f03388e92c264d39ef1c60df920b081d371fa5c5cc055a8e",
    "Dutch": "924f32b635170eae561f84538632138fc07d4c8bbd70ba3fb980de1ecc4d2af3",
    "English": "dfe263cbcf0cdd64b1534ca713a91810540e4c400df6373cd8004cbc6d8f1c4b",
    "French": "81e65b36c60ed5b89a17422f6edcadbb89546f38ad69e960e64e7ba682012a95",
    "German": "7449cd590b97a733e18d613a4155decd77ec35dc5f8aadd7a82204dce4f051db",
    "Greek": "d55ba1ec8c72d10bccf189bd3feedb27bdb46aba220ee332e98752999b53a390",
    "Indian": "a96f11b66bacfdf1483aff6e193bde1da5f516ae1391239829518b712587b74f",
    "Irish": "bf34c9f5507e83137ec25411e41f4664a19754776faf1e48bf0b091031acd758",
    "Italian": "f88414c27d0606a11a678b4859277828c2565d6cc4d9ee932deef6e94f3b35e4",
    "Japanese": "e0e717e114fec3e7eade4d9dabe0067c475f43147e36a22b47902ee76ad9e67f",
    "Korean": "cd54221ccb362a6cba4c78828838cf3268a0e59744767a37cf6ec4b74036b136",
    "Polish": "45bab898af2f60ed3a728bbf6980e28821011a7caa53227553b5785903a40826",
    "Portuguese": "50a8735f41f4f73757c8ce5b16cb0275cd86b2b214bcbc8c9805f508cb131c53",
    "Russian": "43b3e64ce351f77f1ac9e0cdf7566012d127f4371875fd25208845b5c9d6f7c3",
    "Scottish": "b15bb28148b190ba6e34eccda8f9cfaa724bd5060bb03c121dae26ec74975f3e",
    "Spanish": "1bcb462ed3316756a85781d68232bddae04498fdddd5d9219c53fd1fbdeba7a7",
    "Vietnamese": "77c6f7cb5ef9383d40eccd33955a371cbbde45ffeffac8d554e8eb15ad6b938c",
    "Welsh": "c32d3bc992306a7d73dfa22ca329bdad72c3c6fb5f6825c818b7777b5a1ada9c",
}
for _language in SURNAME_LANGUAGES:
    REGISTRY[f"surnames_{_language.lower()}"] = (
        f"names/{_language}.txt",
        f"{_NAMES}/{_language}.txt",
        _SURNAME_SHA256[_language],
    )

#: Text files that are not UTF-8.  The MR files are single-byte Windows-1252: besides Latin-1
#: letters (é = 0xE9) they use 0x85 (…), 0x91 (‘), 0x96 (–) and 0x97 (—), which Latin-1 would
#: turn into invisible C1 control characters.  Every byte in them is defined in cp1252.
ENCODINGS = {"polarity_pos": "cp1252", "polarity_neg": "cp1252"}


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


def on_disk(name: str) -> bool:
    """Whether corpus ``name`` is already in the mirror or the cache, so ``fetch`` needs no download
    (its checksum is verified only when it is fetched)."""
    filename = _entry(name)[0]
    mirror = os.environ.get(MIRROR_ENV)
    return bool(mirror and (Path(mirror) / filename).is_file()) or (cache_dir() / filename).is_file()


def fetch(name: str) -> Path:
    """Return the path of a checksum-verified local copy of corpus ``name``, downloading if needed."""
    filename, url, sha256 = _entry(name)
    mirrored = _from_mirror(filename, sha256)
    if mirrored is not None:
        return mirrored
    cache = cache_dir()
    parts = _parts(filename)
    # pooch is given the sub-folder as its path and the bare name as fname, so the cache mirrors
    # the mirror's layout (names/Arabic.txt in both).
    folder = cache.joinpath(*parts[:-1])
    try:
        # pooch re-uses a cached file whose hash matches and otherwise downloads (to a temporary
        # file, moved into place only after the hash checks out).
        local = pooch.retrieve(url, known_hash=f"sha256:{sha256}", fname=parts[-1], path=folder, progressbar=False)
    except (OSError, ValueError) as exc:  # requests' errors are OSErrors; a hash mismatch is a ValueError
        raise DatasetUnavailable(
            f"could not download {filename} from {url} ({_reason(exc)}).\n"
            f"To work offline, put {filename} into {cache} (as {cache.joinpath(*parts)}) "
            f"or set {MIRROR_ENV} to a folder that contains {filename} (its sha256 must be {sha256})."
        ) from None  # the message says it all; urllib3's chained tracebacks run to pages
    return Path(local)


def load_text(name: str, lower: bool = True) -> str:
    """Read corpus ``name`` as text (UTF-8 unless ``ENCODINGS`` says otherwise); lowercase it
    unless ``lower=False``.  Decoding is strict: a byte the encoding does not define is a
    CorpusError, never a silent U+FFFD."""
    if not isinstance(lower, (bool, np.bool_)):
        raise ConfigError(f"load_text: lower must be True or False, got {lower!r}")
    path = fetch(name)
    encoding = ENCODINGS.get(name, "utf-8")
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeDecodeError:
        raise CorpusError(f"{path.name} is not {encoding} text; use fetch({name!r}) to get its path instead") from None
    return text.lower() if lower else text


def _lines(name: str) -> list[str]:
    """The non-blank lines of text corpus ``name``, with surrounding white space removed."""
    return [line.strip() for line in load_text(name, lower=False).splitlines() if line.strip()]


def load_sentence_polarity() -> tuple[list[str], np.ndarray]:
    """Pang & Lee's sentence polarity dataset v1.0 ("MR", movie-review snippets): (texts, labels).

    texts: 10,662 strings, the 5,331 positive snippets (``rt-polarity.pos``, in file order) then
        the 5,331 negative ones (``rt-polarity.neg``).  The files are already lowercased and
        tokenized (punctuation split off by spaces); each line is stripped of its trailing space.
        They are decoded as cp1252, so ``clichés`` and ``…`` come out right.
    labels: int64 array of shape (10662,): 1 = positive, 0 = negative, aligned with ``texts``.
    Source: Bo Pang and Lillian Lee, "Seeing stars", ACL 2005 (research use; cite the paper).
    The order is fixed, not shuffled: shuffle or split (``rnnlib.data.chars.split_labelled``)
    before training.
    """
    positive, negative = _lines("polarity_pos"), _lines("polarity_neg")
    labels = np.concatenate([np.ones(len(positive), dtype=np.int64), np.zeros(len(negative), dtype=np.int64)])
    return positive + negative, labels


def load_surnames() -> tuple[list[str], list[str]]:
    """Surnames by language (names-rnn's variant of PyTorch's name-classification data): (names, languages).

    names: 19,950 surnames as written (UTF-8, case and accents kept: ``Abraham``, ``Chahuán``,
        ``Żuraw``), stripped of surrounding white space (``"See "`` in Chinese.txt is ``"See"``).  languages: the language of each name, one
        of ``SURNAME_LANGUAGES``; the order is ``SURNAME_LANGUAGES`` order, then file order.
    The same surname may occur under several languages (and a few times in one file): split with
    ``rnnlib.data.chars.split_labelled``, which keeps every copy of a name on one side.  The files
    are used as published, a few oddities included (``Rafaj1``, ``Lu:``, a Russian line
    ``To The First Page``).
    """
    names, languages = [], []
    for language in SURNAME_LANGUAGES:
        lines = _lines(f"surnames_{language.lower()}")
        names += lines
        languages += [language] * len(lines)
    return names, languages


def _parts(filename: str) -> tuple[str, ...]:
    """The parts of a registry file name: relative, "/"-separated, no empty, "." or ".." parts
    (so a file can never land outside the mirror or the cache folder)."""
    parts = tuple(filename.split("/")) if isinstance(filename, str) else ()
    if not parts or any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise CorpusError(f"registry file name {filename!r} must be a relative path like 'names/Arabic.txt'")
    return parts


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
    path = Path(folder).expanduser().resolve().joinpath(*_parts(filename))
    if not path.is_file():
        return None
    actual = pooch.file_hash(str(path), alg="sha256")
    if actual != sha256:
        raise DatasetUnavailable(
            f"{path} (in the {MIRROR_ENV} mirror) has sha256 {actual}, expected {sha256}; "
            f"replace that file or unset {MIRROR_ENV}"
        )
    return path
