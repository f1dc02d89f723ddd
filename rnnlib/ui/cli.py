"""Command line: the notebooks' main job without a browser.

    python -m rnnlib train dinos                 # train a character RNN on the dinosaur names
    python -m rnnlib sample -n 10 --prefix tyr   # sample names from the trained model
    python -m rnnlib generate --prefix "Forsooth this maketh no sense"   # complete a line (Shakespeare)
    python -m rnnlib jazz train song.mid --part 5   # learn a MIDI track (see rnnlib/ui/cli_jazz.py)

``train`` takes a corpus name (see ``python -m rnnlib train --help``) or a path to a text file
with one name per line.  Errors in the input print one line and exit with status 2.
"""
import argparse
import math
import sys
from pathlib import Path

from ..data import datasets
from ..errors import CorpusError, ModelFileError, RnnlibError, SamplingError

DEFAULT_MODEL = Path("runs") / "dinos.npz"


def _load_names(corpus):
    from ..data.chars import split_names

    path = Path(corpus)
    if corpus not in datasets.available() and not path.is_file():
        _no_such_corpus(corpus)
    if corpus not in datasets.available() and path.is_file():
        try:
            return split_names(path.read_text(encoding="utf-8-sig").lower())
        except UnicodeDecodeError as e:
            raise CorpusError(f"{path} is not UTF-8 text ({e.reason} at byte {e.start})") from None
    return split_names(datasets.load_text(corpus))


def _no_such_corpus(corpus):
    """A name that is neither a corpus nor a file: say which it looks like."""
    if any(sep in corpus for sep in ("/", "\\", ".")):
        raise CorpusError(f"no such file: {corpus} (nor is it a corpus name: {', '.join(datasets.available())})")
    raise CorpusError(f"unknown dataset {corpus!r}; available: {', '.join(datasets.available())}, or a path to a text file")


TEXT_CORPORA = ("shakespeare", "tinyshakespeare")  # trained as one long text, not as names


def _load_text(corpus, lower):
    path = Path(corpus)
    if corpus not in datasets.available() and not path.is_file():
        _no_such_corpus(corpus)
    if corpus not in datasets.available() and path.is_file():
        try:
            text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is not a character of the text
        except UnicodeDecodeError as e:
            raise CorpusError(f"{path} is not UTF-8 text ({e.reason} at byte {e.start})") from None
        return text.lower() if lower else text
    return datasets.load_text(corpus, lower=lower)


def cmd_train(args):
    from ..data.chars import CharVocab, split_tail, train_val_split
    from ..training.trainer import TrainConfig, train, train_stream

    if args.out.suffix != ".npz":  # refuse before training, not at the first checkpoint
        raise ModelFileError(f"model files end in .npz, got {str(args.out)!r}")
    if args.out.is_dir():
        raise ModelFileError(f"--out {args.out} is a folder; give a file name ending in .npz")
    if any(parent.exists() and not parent.is_dir() for parent in args.out.parents):
        raise ModelFileError(f"--out {args.out}: a part of that path is a file, not a folder")
    mode = args.mode or ("text" if args.corpus in TEXT_CORPORA else "names")
    config = TrainConfig(
        hidden_size=args.hidden,
        cell=args.cell,
        layers=args.layers,
        dropout=args.dropout,
        batch_size=args.batch_size,
        seq_length=args.seq_length,
        steps=args.steps,
        optimizer=args.optimizer,
        learning_rate=args.lr,
        clip=args.clip,
        clip_threshold=args.clip_threshold,
        eval_every=args.eval_every,
        seed=args.seed,
        dtype=args.dtype,
        max_minutes=args.minutes,
    )
    config.check()
    if mode == "text":
        text = _load_text(args.corpus, lower=not args.keep_case)
        if not text.strip():
            raise CorpusError(f"the corpus {args.corpus!r} is empty")
        vocab = CharVocab.from_text(text)
        train_ids, val_ids = split_tail(vocab.encode(text), args.val_fraction)  # the end is held out
        print(f"{len(train_ids):,} training characters, {len(val_ids):,} held out (the end of the text), "
              f"vocabulary {len(vocab)}; saving the best model to {args.out}")
        model, history = train_stream(train_ids, val_ids, vocab, config, checkpoint=args.out,
                                      progress=not args.quiet, corpus=args.corpus)
    else:
        names = _load_names(args.corpus)
        train_names, val_names = train_val_split(names, args.val_fraction, seed=args.seed)
        print(f"{len(train_names)} training names, {len(val_names)} held out; saving the best model to {args.out}")
        model, history = train(train_names, val_names, config, checkpoint=args.out, progress=not args.quiet,
                               corpus=args.corpus)
    if history.out_of_time:
        print(f"stopped after {args.minutes} minutes ({history.step[-1]} steps)")
    if history.interrupted:
        print(f"interrupted after {history.step[-1] if history.step else 0} steps; the best model so far is kept")
    if math.isnan(history.best_val_loss):
        print(f"nothing was held out for validation (--val-fraction 0), so the last model is kept; model in {args.out}")
    else:
        print(f"best validation loss {history.best_val_loss:.4f} nats/char at step {history.best_step}; model in {args.out}")
    return 0


def cmd_sample(args):
    from ..training.model_files import load_model
    from ..training.sampling import mark_known, sample_names

    model = load_model(args.model)
    names = sample_names(
        model, n=args.n, temperature=args.temperature, top_k=args.top_k,
        prefix=args.prefix, max_length=args.max_length, seed=args.seed,
    )
    known = set()
    corpus = model.config.get("corpus")
    if corpus:
        try:
            known = set(_load_names(corpus))
        except RnnlibError:
            pass  # marking is a nicety; sampling works without the corpus
    for name, seen in zip(names, mark_known(names, known)):
        shown = name.capitalize() if name else "(empty name)"  # the model ended the name at once
        print(shown + ("   (in the training data)" if seen else ""))
    return 0


def cmd_generate(args):
    from ..course.shakespeare import MAX_LENGTH, generate_output, pretrained_model
    from ..training.model_files import load_model

    if not 1 <= args.length <= MAX_LENGTH:  # before anything is loaded or printed
        raise SamplingError(f"--length must be between 1 and {MAX_LENGTH:,} characters, got {args.length:,}")
    model = load_model(args.model) if args.model else pretrained_model()

    def show(piece):
        sys.stdout.write(piece)
        sys.stdout.flush()

    show(model.vocab.decode(model.vocab.encode(_normalised(model, args.prefix))))
    generate_output(args.prefix, length=args.length, temperature=args.temperature, top_k=args.top_k,
                    seed=args.seed, model=model, on_text=show)
    print()
    return 0


def _normalised(model, prefix):
    from ..course.shakespeare import OPENING
    from ..training.sampling import normalise_prefix

    return normalise_prefix(model.vocab, prefix, what=OPENING)


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m rnnlib", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train a character RNN on names, keeping the best model")
    t.add_argument("corpus", help=f"corpus name ({', '.join(datasets.available())}) or a text file, one name per line")
    t.add_argument("--out", type=Path, default=DEFAULT_MODEL, help="model file to write (default: %(default)s)")
    t.add_argument("--hidden", type=int, default=50, help="hidden units per layer (default: %(default)s)")
    t.add_argument("--cell", choices=["rnn", "gru", "lstm"], default="rnn", help="recurrent cell (default: %(default)s)")
    t.add_argument("--layers", type=int, default=1, help="stacked recurrent layers (default: %(default)s)")
    t.add_argument("--dropout", type=float, default=0.0, help="dropout on layer outputs while training (default: %(default)s)")
    t.add_argument("--mode", choices=["names", "text"], default=None,
                   help="names: one sequence per line, padded; text: one long text read in chunks with the "
                        "state carried (default: text for shakespeare/tinyshakespeare, names otherwise)")
    t.add_argument("--batch-size", type=int, default=32, help="names (or text streams) per step (default: %(default)s)")
    t.add_argument("--seq-length", type=int, default=64, help="text mode: characters per chunk (default: %(default)s)")
    t.add_argument("--keep-case", action="store_true", help="text mode: do not lowercase the corpus")
    t.add_argument("--clip", choices=["value", "norm", "none"], default="value", help="gradient clipping (default: %(default)s)")
    t.add_argument("--clip-threshold", type=float, default=5.0)
    t.add_argument("--eval-every", type=int, default=20, help="steps between validations (default: %(default)s)")
    t.add_argument("--minutes", type=float, default=0.0, help="stop after this much training time (default: no limit)")
    t.add_argument("--steps", type=int, default=1500, help="optimizer steps (default: %(default)s)")
    t.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    t.add_argument("--lr", type=float, default=0.005, help="learning rate (default: %(default)s)")
    t.add_argument("--val-fraction", type=float, default=0.1, help="share of names held out (default: %(default)s)")
    t.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.set_defaults(func=cmd_train)

    s = sub.add_parser("sample", help="sample names from a trained model")
    s.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="model file (default: %(default)s)")
    s.add_argument("-n", type=int, default=10, help="how many names (default: %(default)s)")
    s.add_argument("--temperature", type=float, default=1.0)
    s.add_argument("--top-k", type=int, default=None)
    s.add_argument("--prefix", default="", help="every name starts with this")
    s.add_argument("--max-length", type=int, default=50)
    s.add_argument("--seed", type=int, default=None, help="fix for repeatable names")
    s.set_defaults(func=cmd_sample)

    g = sub.add_parser("generate", help="complete an opening line with a text model (default: the shipped Shakespeare LSTM)")
    g.add_argument("--model", type=Path, default=None, help="model file (default: data/models/shakespeare_lstm.npz)")
    g.add_argument("--prefix", default="", help="the opening line")
    g.add_argument("--length", type=int, default=400, help="characters to add, at most 20,000 (default: %(default)s)")
    g.add_argument("--temperature", type=float, default=0.6)
    g.add_argument("--top-k", type=int, default=None)
    g.add_argument("--seed", type=int, default=None, help="fix for repeatable text")
    g.set_defaults(func=cmd_generate)

    # --- jazz (issue 10): its own module, so this file only gains these two lines ---------------
    from .cli_jazz import add_jazz_commands
    add_jazz_commands(sub)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RnnlibError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
