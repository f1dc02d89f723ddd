"""Train the shipped surname classifier and report its held-out quality (issue 11).

    OPENBLAS_NUM_THREADS=1 RNNLIB_DATA_MIRROR=../shared/data python benchmarks/names_by_language.py [--epochs 20]

Trains ``rnnlib.course.surnames.surname_model`` (Embedding 48 -> Bidirectional GRU 96 with dropout ->
Dense softmax over 20 languages) with Adam (learning rate 0.003), batches of 64, for a fixed number of
epochs (no epoch is picked by its validation score, so the held-out figures are not tuned on), on the seeded
split that keeps repeated surnames on one side.  Prints the held-out accuracy and macro-F1 beside the
majority-class baseline's, per-language recall, and writes the weights to data/models/surnames_bigru.npz with
a card (data/models/surnames_bigru.md) that records the command and the figures.
"""
import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from rnnlib.course.surnames import MAXLEN, SHIPPED_FILE, surname_data, surname_model  # noqa: E402
from rnnlib.nn import optimizers  # noqa: E402
from rnnlib.nn.metrics import confusion_matrix, macro_f1, per_class_recall  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "data" / "models" / SHIPPED_FILE


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--no-save", action="store_true", help="report only; do not write the shipped model")
    args = parser.parse_args(argv)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {platform.python_version()}, numpy {np.__version__}, OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, load average before the run: {load}")
    data = surname_data()
    X, Y = data.encode(data.train_names), data.one_hot(data.train_labels)
    Xv, yv = data.encode(data.val_names), data.val_labels
    print(f"{len(data.train_names):,} training and {len(data.val_names):,} held-out surnames (repeated names kept on "
          f"one side), {len(data.classes)} languages, {len(data.tokenizer.word_index)} characters, padded to {MAXLEN}")
    model = surname_model(len(data.tokenizer.word_index), len(data.classes))
    model.compile(optimizer=optimizers.Adam(learning_rate=0.003), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(X, Y, batch_size=64, epochs=args.epochs, validation_data=(Xv, data.one_hot(yv)), verbose=0)
    seconds = time.perf_counter() - start
    for epoch, (acc, val) in enumerate(zip(history.history["accuracy"], history.history["val_accuracy"]), 1):
        print(f"epoch {epoch:2d}: training accuracy {acc:.4f}, held-out accuracy {val:.4f}")
    predicted = np.argmax(model.predict(Xv), axis=1)
    counts = confusion_matrix(yv, predicted, len(data.classes))
    majority = int(np.bincount(data.train_labels, minlength=len(data.classes)).argmax())
    base = confusion_matrix(yv, np.full_like(yv, majority), len(data.classes))
    accuracy, base_accuracy = np.trace(counts) / counts.sum(), np.trace(base) / base.sum()
    lines = [
        f"| | held-out accuracy | macro-F1 |",
        f"|---|---|---|",
        f"| majority class ({data.classes[majority]}) | {base_accuracy:.4f} | {macro_f1(base):.4f} |",
        f"| rnnlib Bidirectional GRU, {args.epochs} epochs | {accuracy:.4f} | {macro_f1(counts):.4f} |",
    ]
    print("\n".join(lines))
    recall = per_class_recall(counts)
    print("per-language recall (held-out names):")
    for c, r, n in sorted(zip(data.classes, recall, counts.sum(axis=1)), key=lambda t: -t[2]):
        print(f"  {c:12s} {r:.3f} of {n}")
    print(f"training took {seconds:.0f} s ({model.count_params():,} parameters)")
    if not args.no_save:
        model.save_weights(OUT)
        OUT.with_suffix(".md").write_text(f"""# {SHIPPED_FILE}: surnames by language

`rnnlib.course.surnames.surname_model` (Embedding 48 -> Bidirectional GRU 96, dropout 0.2 and recurrent dropout
0.2 -> Dropout 0.3 -> Dense softmax over 20 languages; {model.count_params():,} parameters), weights only (`.npz`,
`Sequential.load_weights`). `rnnlib.course.surnames.shipped_surname_classifier()` rebuilds it on the same seeded
split and tokenizer.

Made by `OPENBLAS_NUM_THREADS=1 python benchmarks/names_by_language.py --epochs {args.epochs}`: Adam 0.003,
batch 64, {args.epochs} epochs, {len(data.train_names):,} training surnames; held out: {len(data.val_names):,}
surnames that occur nowhere in training.

{chr(10).join(lines)}
""", encoding="utf-8")
        print(f"wrote {OUT} and its card")
    return 0


if __name__ == "__main__":
    sys.exit(main())
