"""The Dinosaur Island test cells' random draws, as every edition makes them, for the course tests.

Each builder takes the bias spelling, so the same draws also test the ``ba`` / ``dba`` spelling.
"""
import numpy as np


def clip_cell_gradients(bias="db"):
    """The clip cell: ``np.random.seed(3)``, then dWax, dWaa, dWya, db, dby, each times 10."""
    np.random.seed(3)
    dWax = np.random.randn(5, 3) * 10
    dWaa = np.random.randn(5, 5) * 10
    dWya = np.random.randn(2, 5) * 10
    db = np.random.randn(5, 1) * 10
    dby = np.random.randn(2, 1) * 10
    return {"dWax": dWax, "dWaa": dWaa, "dWya": dWya, bias: db, "dby": dby}


def sample_cell_parameters(seed, bias="b", vocab_size=27):
    """The sample cell: ``np.random.seed(s); _, n_a = 20, 100``, then Wax, Waa, Wya, b, by."""
    np.random.seed(seed)
    _, n_a = 20, 100
    Wax, Waa, Wya = np.random.randn(n_a, vocab_size), np.random.randn(n_a, n_a), np.random.randn(vocab_size, n_a)
    b, by = np.random.randn(n_a, 1), np.random.randn(vocab_size, 1)
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, bias: b, "by": by}


def optimize_cell_inputs(bias="b"):
    """The optimize cell: ``np.random.seed(1)``, a_prev, the five parameters, and its X, Y."""
    np.random.seed(1)
    vocab_size, n_a = 27, 100
    a_prev = np.random.randn(n_a, 1)
    Wax, Waa, Wya = np.random.randn(n_a, vocab_size), np.random.randn(n_a, n_a), np.random.randn(vocab_size, n_a)
    b, by = np.random.randn(n_a, 1), np.random.randn(vocab_size, 1)
    parameters = {"Wax": Wax, "Waa": Waa, "Wya": Wya, bias: b, "by": by}
    X = [12, 3, 5, 11, 22, 3]
    Y = [4, 14, 11, 22, 25, 26]
    return X, Y, a_prev, parameters
