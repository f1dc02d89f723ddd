"""The jazz assignment's training, rnnlib against PyTorch: same data, same weights, same batches, same steps.

    pip install -e '.[bench]'     # torch==2.13.0, CPU
    RNNLIB_DATA_MIRROR=../shared/data python benchmarks/jazz_vs_torch.py [--threads 2] [--runs 5]

The course's model: one LSTM cell (64 units) over 30 steps with teacher forcing (step t reads X[:, t]) and a
dense softmax over the 78 token values at every step; loss = the sum over the 30 outputs of the categorical
cross-entropy; Adam (lr 0.01, betas 0.9 / 0.999, epsilon 1e-7) with Keras's time-based decay 0.01; 100 epochs of
Keras's default batch of 32 over the 60 windows (2 updates an epoch, 200 in all), without shuffling so both sides
see the same batches.  rnnlib runs ``rnnlib.course.jazz.djmodel``; PyTorch runs ``nn.LSTMCell`` + ``nn.Linear``
in a Python loop over the steps (the shape of the course's Keras model), started from rnnlib's initial weights.

It checks that the two compute the same thing (the first loss, and the loss after the first update, agree to
1e-4), then times the whole 100-epoch training alternately, ``--runs`` times each, and prints the medians, the
ratio, both final losses and the load average.  Timings vary with the machine's load: only the ratio in one run
means anything.
"""
import argparse
import os
import sys
import time
from pathlib import Path

DEFAULT_THREADS = 2
if __name__ == "__main__" and "OPENBLAS_NUM_THREADS" not in os.environ:  # read once, when numpy starts
    wanted = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--threads=")), None)
    if wanted is None and "--threads" in sys.argv[:-1]:
        wanted = sys.argv[sys.argv.index("--threads") + 1]
    os.environ["OPENBLAS_NUM_THREADS"] = wanted or str(DEFAULT_THREADS)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnnlib.course.jazz import Adam, course_layers, djmodel, load_music_utils  # noqa: E402

EPOCHS, BATCH, N_A, LR, DECAY = 100, 32, 64, 0.01, 0.01


def rnnlib_model(X, Y, epsilon=1e-7):
    reshaper, cell, head = course_layers(X.shape[2], N_A)
    model = djmodel(X.shape[1], cell, head, reshaper)
    model.compile(optimizer=Adam(lr=LR, beta_1=0.9, beta_2=0.999, epsilon=epsilon, decay=DECAY),
                  loss="categorical_crossentropy")
    return model, cell, head


def rnnlib_train(X, Y):
    """A fresh model trained for EPOCHS; returns (seconds, losses per epoch, the initial weights)."""
    model, cell, head = rnnlib_model(X, Y)
    zeros = np.zeros((X.shape[0], N_A))
    model.evaluate([X[:1], zeros[:1], zeros[:1]], [y[:1] for y in Y])  # builds the layers: their first weights
    weights = [w.copy() for w in cell.get_weights() + head.get_weights()]
    start = time.perf_counter()
    history = model.fit([X, zeros, zeros], list(Y), batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    return time.perf_counter() - start, history.history["loss"], weights


class TorchJazz:
    """nn.LSTMCell + nn.Linear unrolled over the steps, from Keras-layout weights [kernel, recurrent, bias,
    dense kernel, dense bias] (Keras's LSTM gate order i, f, c, o is PyTorch's i, f, g, o)."""

    def __init__(self, torch, weights, n_values, epsilon=1e-7):
        self.torch = torch
        nn = torch.nn
        self.cell, self.dense = nn.LSTMCell(n_values, N_A), nn.Linear(N_A, n_values)
        kernel, recurrent, bias, dense_kernel, dense_bias = (torch.tensor(w, dtype=torch.float32) for w in weights)
        with torch.no_grad():
            self.cell.weight_ih.copy_(kernel.T)
            self.cell.weight_hh.copy_(recurrent.T)
            self.cell.bias_ih.copy_(bias)
            self.cell.bias_hh.zero_()
            self.dense.weight.copy_(dense_kernel.T)
            self.dense.bias.copy_(dense_bias)
        # nn.LSTMCell has two biases (b_ih, b_hh) where Keras has one: b_hh stays at zero and untrained,
        # or Adam would move the sum of the two twice as far as Keras moves its one bias.
        self.cell.bias_hh.requires_grad_(False)
        params = [p for p in self.cell.parameters() if p.requires_grad] + list(self.dense.parameters())
        self.opt = torch.optim.Adam(params, lr=LR, betas=(0.9, 0.999), eps=epsilon)
        self.schedule = torch.optim.lr_scheduler.LambdaLR(self.opt, lambda k: 1.0 / (1.0 + DECAY * k))

    def loss(self, X, Y):
        """Sum over steps of the batch-mean cross-entropy; X (m, T, V), Y (T, m, V) tensors."""
        m = X.shape[0]
        h = c = self.torch.zeros(m, N_A)
        total = 0.0
        for t in range(X.shape[1]):
            h, c = self.cell(X[:, t], (h, c))
            logp = self.torch.log_softmax(self.dense(h), dim=1)
            total = total - (Y[t] * logp).sum(dim=1).mean()
        return total

    def step(self, X, Y):
        self.opt.zero_grad()
        loss = self.loss(X, Y)
        loss.backward()
        self.opt.step()
        self.schedule.step()
        return float(loss.detach())


def torch_train(torch, X, Y, weights):
    model = TorchJazz(torch, weights, X.shape[2])
    Xt, Yt = torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.float32)
    start, losses = time.perf_counter(), []
    for _ in range(EPOCHS):
        total = 0.0
        for s in range(0, X.shape[0], BATCH):
            total += model.step(Xt[s:s + BATCH], Yt[:, s:s + BATCH]) * len(range(s, min(s + BATCH, X.shape[0])))
        losses.append(total / X.shape[0])
    return time.perf_counter() - start, losses


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    X, Y, n_values, _ = load_music_utils()
    X, Y = X.astype(np.float32), Y.astype(np.float32)
    print(f"numpy {np.__version__} (OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}), torch "
          f"{torch.__version__} ({torch.get_num_threads()} threads), load average {os.getloadavg()[0]:.2f}")
    print(f"X {X.shape}, Y {Y.shape}: {EPOCHS} epochs of batch {BATCH}, {EPOCHS * -(-X.shape[0] // BATCH)} updates")

    # The two sides compute the same loss and the same first update.  Keras's Adam (and rnnlib's) adds
    # epsilon to sqrt(v) before the bias correction, PyTorch's after: with the course's epsilon of 1e-7 a
    # parameter whose gradient is below ~1e-5 moves differently, so this check runs both with epsilon 1e-12,
    # where the two rules agree.  The timed runs use the course's 1e-7 (it does not change the work done).
    model, cell, head = rnnlib_model(X, Y, epsilon=1e-12)
    zeros = np.zeros((X.shape[0], N_A))
    first = model.evaluate([X[:BATCH], zeros[:BATCH], zeros[:BATCH]], list(Y[:, :BATCH]))
    weights = [w.copy() for w in cell.get_weights() + head.get_weights()]
    twin = TorchJazz(torch, weights, n_values, epsilon=1e-12)
    with torch.no_grad():
        theirs = float(twin.loss(torch.tensor(X[:BATCH]), torch.tensor(Y[:, :BATCH])))
    first = first[0] if isinstance(first, (list, tuple)) else first
    model.train_on_batch([X[:BATCH], zeros[:BATCH], zeros[:BATCH]], list(Y[:, :BATCH]))
    twin.step(torch.tensor(X[:BATCH]), torch.tensor(Y[:, :BATCH]))
    after = model.evaluate([X[:BATCH], zeros[:BATCH], zeros[:BATCH]], list(Y[:, :BATCH]))
    after = after[0] if isinstance(after, (list, tuple)) else after
    with torch.no_grad():
        theirs_after = float(twin.loss(torch.tensor(X[:BATCH]), torch.tensor(Y[:, :BATCH])))
    print(f"same model: first loss {first:.6f} vs {theirs:.6f}; after one update {after:.6f} vs {theirs_after:.6f}")
    if abs(first - theirs) > 1e-4 or abs(after - theirs_after) > 1e-4:
        print("WARNING: the two sides disagree; the timing below does not compare like with like")

    ours, theirs_t, last = [], [], None
    for run in range(args.runs):  # alternate, so a change in load hits both sides alike
        seconds, losses, weights = rnnlib_train(X, Y)
        ours.append(seconds)
        t_seconds, t_losses = torch_train(torch, X, Y, weights)
        theirs_t.append(t_seconds)
        last = (losses, t_losses)
        print(f"run {run + 1}: rnnlib {seconds:.2f} s, PyTorch {t_seconds:.2f} s")
    r, t = float(np.median(ours)), float(np.median(theirs_t))
    print(f"\n100-epoch training, median of {args.runs}: rnnlib {r:.2f} s, PyTorch {t:.2f} s: rnnlib is {t / r:.2f}x "
          f"PyTorch's speed")
    print(f"loss at epoch 1 / 100: rnnlib {last[0][0]:.4f} / {last[0][-1]:.4f}, PyTorch {last[1][0]:.4f} / "
          f"{last[1][-1]:.4f}; load average after {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
