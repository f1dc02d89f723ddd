"""Fit the rational tanh that rnnlib's compiled (numba) LSTM kernel uses for float32.

    python tools/fit_tanh.py           # print the coefficients and their float32 error
    python tools/fit_tanh.py --check   # exit 1 unless rnnlib.core.kernels holds what this fit gives

Why: numpy's float32 ``tanh`` is slow on the project's machine (AVX2, no AVX-512), and numba calls
libm's scalar ``tanhf`` (slower still).  A rational function of ``s = x*x`` is only multiplies, adds
and one division, which the compiler vectorises.

What: ``tanh(x) ~ x * P(s) / Q(s)`` on ``|x| <= CLAMP`` (beyond it float32's tanh is +-1), with
``P`` of degree 6 and ``Q`` of degree 3 in ``s`` and ``Q(0) = 1``.  The fit minimises the relative
error of ``P/Q`` against ``tanh(x)/x`` (so small ``x`` keep full relative accuracy) by linearised
weighted least squares (Sanathanan-Koerner: divide each row by the previous ``Q``) followed by
Lawson reweighting toward the minimax (equal-ripple) solution, all in float64.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

CLAMP = 9.0  # tanh(9) = 1 - 3.0e-8: float32 rounds it (and everything beyond) to 1
NUMERATOR_TERMS, DENOMINATOR_TERMS = 7, 4
ITERATIONS = 40
LAWSON_FROM = 6  # plain least squares first, so the reweighting starts from a good fit


def sample_points():
    """|x| values to fit on: dense over [0, CLAMP], plus geometric points near 0 for the relative error."""
    x = np.concatenate([np.linspace(0.0, CLAMP, 40001)[1:], np.geomspace(1e-6, 0.1, 2000)])
    return np.sort(x)


def fit():
    """(numerator, denominator) coefficients in powers of s = x*x, lowest first; denominator[0] = 1."""
    x = sample_points()
    u = (x / CLAMP) ** 2  # s scaled into (0, 1] so the columns of the system are well conditioned
    target = np.tanh(x) / x
    weights, q_previous = np.ones_like(u), np.ones_like(u)
    p_powers = u[:, None] ** np.arange(NUMERATOR_TERMS)
    q_powers = u[:, None] ** np.arange(1, DENOMINATOR_TERMS)
    for iteration in range(ITERATIONS):
        # P(u) - target * (Q(u) - 1) = target, each row divided by Q_previous * target: relative error
        system = np.hstack([p_powers, -target[:, None] * q_powers])
        row_scale = weights / (q_previous * target)
        solution = np.linalg.lstsq(system * row_scale[:, None], target * row_scale, rcond=None)[0]
        p = solution[:NUMERATOR_TERMS]
        q = np.r_[1.0, solution[NUMERATOR_TERMS:]]
        q_previous = np.polynomial.polynomial.polyval(u, q)
        error = np.polynomial.polynomial.polyval(u, p) / q_previous / target - 1.0
        if iteration >= LAWSON_FROM:
            weights *= np.sqrt(np.abs(error) / np.abs(error).max()) + 1e-12
            weights /= weights.max()
    # undo the scaling: a coefficient of u**k is one of s**k times CLAMP**(2k)
    numerator = p / CLAMP ** (2 * np.arange(NUMERATOR_TERMS))
    denominator = q / CLAMP ** (2 * np.arange(DENOMINATOR_TERMS))
    return tuple(float(c) for c in numerator), tuple(float(c) for c in denominator)


def float32_error(tanh32):
    """(max |error|, max error in units in the last place) of ``tanh32`` over a dense float32 grid."""
    x = np.linspace(-12.0, 12.0, 2_400_001, dtype=np.float32)
    exact = np.tanh(x.astype(np.float64))
    got = tanh32(x).astype(np.float64)
    ulp = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    return float(np.abs(got - exact).max()), float((np.abs(got - exact) / ulp).max())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with rnnlib.core.kernels; exit 1 if they differ")
    args = parser.parse_args(argv)
    numerator, denominator = fit()
    print(f"TANH_NUMERATOR = {numerator!r}")
    print(f"TANH_DENOMINATOR = {denominator!r}")
    from rnnlib.core import kernels

    fitted = dict(numerator=numerator, denominator=denominator)
    stored = dict(numerator=kernels.TANH_NUMERATOR, denominator=kernels.TANH_DENOMINATOR)
    print("float32 error of the stored coefficients (numpy evaluation): max |error| %.2e, max %.1f ulp"
          % float32_error(kernels.rational_tanh))
    if args.check:
        same = all(np.allclose(fitted[k], stored[k], rtol=1e-6, atol=0) for k in fitted)
        print("rnnlib.core.kernels holds these coefficients" if same else "rnnlib.core.kernels differs from this fit")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
