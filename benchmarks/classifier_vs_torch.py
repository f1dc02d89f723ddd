"""The MR sentiment classifier: rnnlib.nn against the same model in PyTorch, training speed.

    OPENBLAS_NUM_THREADS=2 RNNLIB_DATA_MIRROR=../shared/data python benchmarks/classifier_vs_torch.py

The model is ``benchmarks/sentiment_mr.py``'s "frozen GloVe -> GRU" row (and its LSTM twin):
ids padded at the start to 50 steps, ``Embedding(20000, 50, mask_zero=True)`` holding GloVe 6B 50d,
frozen; ``GRU(64)`` (Keras's reset_after=True form, which is PyTorch's ``nn.GRU``) or ``LSTM(64)``;
``Dense(1, sigmoid)``; binary cross-entropy, Adam 1e-3 (epsilon 1e-7 on both sides), batch 32,
float32.

* **rnnlib**: ``Sequential.train_on_batch`` (what ``fit`` calls per batch, accuracy included).
* **PyTorch**: ``nn.Embedding.from_pretrained(freeze=True)`` -> ``nn.GRU``/``nn.LSTM`` over a
  ``pack_padded_sequence`` (the PyTorch way to skip padding: the same sequences post-padded, with
  their lengths) -> ``nn.Linear`` -> ``binary_cross_entropy_with_logits``, ``torch.optim.Adam``.
  It starts from rnnlib's initial weights (gate blocks reordered) and gets the same batches.  The
  LSTM's second bias (``bias_hh``, which Keras's LSTM lacks) is held at zero.

Before timing, the script checks that both are the same model: the loss on the first batch, and
the losses of the first 20 training steps, agree to 1e-4.  Timing: ``--steps`` batches per run,
rnnlib and PyTorch alternating ``--repeats`` times after a warm-up; it prints every run, the medians,
the best runs, and the load average before and after.  Both get the same thread count (--threads,
default 2): numpy's OpenBLAS through OPENBLAS_NUM_THREADS (set here before numpy loads unless the
caller set it), PyTorch through ``torch.set_num_threads``.
"""
import argparse
import os
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared benchmarks/timing.py
import timing  # noqa: E402  (before numpy: it sets numpy's BLAS thread count)

# numpy reads OPENBLAS_NUM_THREADS once, at import: match --threads unless the caller set it
BLAS_GIVEN = timing.set_blas_threads() if __name__ == "__main__" else os.environ.get(timing.BLAS_VAR)

import numpy as np  # noqa: E402

from sentiment_mr import BATCH, EMBED, LR, MAXLEN, NUM_WORDS, UNITS, glove_matrix, load_split  # noqa: E402

from rnnlib.nn import GRU, LSTM, Dense, Embedding, Input, Sequential  # noqa: E402
from rnnlib.nn.optimizers import Adam  # noqa: E402


def rnnlib_model(cell, glove):
    layer = GRU(UNITS) if cell == "gru" else LSTM(UNITS)
    model = Sequential([Input((MAXLEN,)), Embedding(NUM_WORDS, EMBED, mask_zero=True, weights=[glove], trainable=False),
                        layer, Dense(1, activation="sigmoid")], seed=0)
    model.compile(optimizer=Adam(LR, epsilon=1e-7), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def torch_model(torch, cell, glove, weights):
    """The same network in PyTorch, started from rnnlib's weights (Keras layout).

    Keras's gate blocks are GRU z, r, h and LSTM i, f, c, o; PyTorch's are GRU r, z, n and LSTM
    i, f, g, o.  Keras's GRU z and PyTorch's z both weight the old state, so only the order moves.
    """
    nn = torch.nn
    _, kernel, recurrent, bias, dense_w, dense_b = weights  # [embeddings, rnn x3, dense x2]
    u = UNITS
    order = [1, 0, 2] if cell == "gru" else [0, 1, 2, 3]

    def blocks(a):  # (k, G*u) Keras columns -> (G*u, k) PyTorch rows, reordered
        a = np.asarray(a).reshape(a.shape[0], len(order), u)
        return torch.tensor(np.ascontiguousarray(a[:, order].reshape(a.shape[0], -1).T))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding.from_pretrained(torch.tensor(glove), freeze=True, padding_idx=0)
            self.rnn = (nn.GRU if cell == "gru" else nn.LSTM)(EMBED, u, batch_first=True)
            self.fc = nn.Linear(u, 1)

        def forward(self, ids, lengths):
            packed = nn.utils.rnn.pack_padded_sequence(self.emb(ids), lengths, batch_first=True, enforce_sorted=False)
            _, h = self.rnn(packed)
            h = h[0] if cell == "lstm" else h
            return self.fc(h[-1]).squeeze(1)

    net = Net()
    with torch.no_grad():
        net.rnn.weight_ih_l0.copy_(blocks(kernel))
        net.rnn.weight_hh_l0.copy_(blocks(recurrent))
        b = np.atleast_2d(bias)
        net.rnn.bias_ih_l0.copy_(blocks(b[:1])[:, 0])
        net.rnn.bias_hh_l0.copy_(blocks(b[1:2])[:, 0] if b.shape[0] == 2 else torch.zeros(len(order) * u))
        net.fc.weight.copy_(torch.tensor(dense_w.T))
        net.fc.bias.copy_(torch.tensor(dense_b))
    if cell == "lstm":
        # Keras's LSTM has one bias; PyTorch's second one (bias_hh) would double the bias's Adam steps
        net.rnn.bias_hh_l0.requires_grad_(False)
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=LR, eps=1e-7)
    return net, opt


def torch_batches(torch, batches):
    """Each pre-padded batch as PyTorch wants it: post-padded ids, lengths, float labels."""
    out = []
    for xb, yb in batches:
        lengths = (xb != 0).sum(1)
        post = np.zeros_like(xb)
        for i, n in enumerate(lengths):
            post[i, :n] = xb[i, xb.shape[1] - n:]
        out.append((torch.tensor(post, dtype=torch.long), torch.tensor(lengths), torch.tensor(yb)))
    return out


def torch_step(torch, net, opt, batch):
    ids, lengths, y = batch
    opt.zero_grad()
    loss = torch.nn.functional.binary_cross_entropy_with_logits(net(ids, lengths), y)
    loss.backward()
    opt.step()
    return loss.detach().item()


def check_same_model(torch, cell, glove, batches, steps=20):
    model = rnnlib_model(cell, glove)
    net, opt = torch_model(torch, cell, glove, model.get_weights())
    tb = torch_batches(torch, batches[:steps])
    ours = [model.train_on_batch(x, y)[0] for x, y in batches[:steps]]
    theirs = [torch_step(torch, net, opt, b) for b in tb]
    gap = max(abs(a - b) for a, b in zip(ours, theirs))
    return ours[0], theirs[0], ours[-1], theirs[-1], gap


def timed(fn, items):
    t = time.perf_counter()
    for it in items:
        fn(it)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=timing.DEFAULT_THREADS)
    ap.add_argument("--steps", type=int, default=60, help="batches per timed run")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--cells", default="gru,lstm")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    print(f"numpy {np.__version__}, {timing.blas_threads_line(BLAS_GIVEN)}; torch {torch.__version__}, "
          f"get_num_threads() = {torch.get_num_threads()}; cores {os.cpu_count()}")
    print(timing.blas_kernels_line())
    print(f"load average before: {timing.load_average()}")
    tok, X, y, _, _, _ = load_split()
    glove, _ = glove_matrix(tok)
    order = np.random.default_rng(0).permutation(len(y))
    n_batches = args.steps + 20
    batches = [(X[order[i * BATCH:(i + 1) * BATCH]], y[order[i * BATCH:(i + 1) * BATCH]]) for i in range(n_batches)]
    print(f"model: frozen GloVe Embedding({NUM_WORDS}, {EMBED}) -> {{GRU, LSTM}}({UNITS}) -> Dense(1, sigmoid); "
          f"batch {BATCH}, padded length {MAXLEN} (mean real length {np.mean((X != 0).sum(1)):.1f}), float32, Adam {LR}")
    results = {}
    for cell in args.cells.split(","):
        l0, t0, l1, t1, gap = check_same_model(torch, cell, glove, batches)
        print(f"\n{cell.upper()}: same model? first-batch loss rnnlib {l0:.6f} torch {t0:.6f}; after 20 steps "
              f"{l1:.6f} vs {t1:.6f}; largest gap over the 20 steps {gap:.2e}")
        if gap > 1e-4:
            print("  ERROR: the two models differ; timings would compare different things")
            return 1
        model = rnnlib_model(cell, glove)
        net, opt = torch_model(torch, cell, glove, model.get_weights())
        warm, timed_batches = batches[:20], batches[20:20 + args.steps]
        tb_warm, tb = torch_batches(torch, warm), torch_batches(torch, timed_batches)
        timed(lambda b: model.train_on_batch(*b), warm)
        timed(lambda b: torch_step(torch, net, opt, b), tb_warm)
        ours, theirs = [], []
        for r in range(args.repeats):
            ours.append(BATCH * args.steps / timed(lambda b: model.train_on_batch(*b), timed_batches))
            theirs.append(BATCH * args.steps / timed(lambda b: torch_step(torch, net, opt, b), tb))
            print(f"  run {r + 1}: rnnlib {ours[-1]:7.0f} seq/s   torch {theirs[-1]:7.0f} seq/s")
        results[cell] = (timing.median(ours), timing.median(theirs), max(ours), max(theirs))
    print(f"\nload average after: {timing.load_average()}")
    print("\n| cell | rnnlib seq/s (median) | PyTorch seq/s (median) | ratio (medians) | ratio (best runs) |")
    print("|---|---|---|---|---|")
    for cell, (om, tm, ob, tbest) in results.items():
        print(f"| {cell.upper()}({UNITS}) | {om:,.0f} | {tm:,.0f} | {om / tm:.2f}x | {ob / tbest:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
