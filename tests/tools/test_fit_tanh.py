"""tools/fit_tanh.py: the compiled LSTM kernel's rational tanh is what the fit gives, and is accurate."""
import importlib.util
from pathlib import Path

import numpy as np

from rnnlib.core import kernels

TOOL = Path(__file__).resolve().parents[2] / "tools" / "fit_tanh.py"


def _tool():
    spec = importlib.util.spec_from_file_location("fit_tanh", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_stored_coefficients_are_the_fits(capsys):
    assert _tool().main(["--check"]) == 0
    assert "holds these coefficients" in capsys.readouterr().out


def test_the_fit_is_accurate_in_float32():
    tool = _tool()
    largest, ulps = tool.float32_error(kernels.rational_tanh)
    assert largest <= 4e-7 and ulps <= 6
    numerator, denominator = tool.fit()
    assert denominator[0] == 1.0 and len(numerator) == tool.NUMERATOR_TERMS
    assert np.allclose(numerator, kernels.TANH_NUMERATOR, rtol=1e-6, atol=0)


def test_check_fails_when_the_module_differs(monkeypatch, capsys):
    changed = kernels.TANH_NUMERATOR[:-1] + (kernels.TANH_NUMERATOR[-1] * 1.01,)
    monkeypatch.setattr(kernels, "TANH_NUMERATOR", changed)
    assert _tool().main(["--check"]) == 1
    assert "differs" in capsys.readouterr().out
