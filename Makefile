# Newcomers: `make lab` sets everything up and opens the course notebooks.
#
#   make venv   create .venv, install rnnlib (editable) with its dev extras, register the kernel
#   make lab    open JupyterLab on notebooks/ (token authentication stays on)
#   make test   unit tests, the browser tests of the notebooks' widgets, then nbval on every course notebook
#   make e2e    only the browser tests (tests/e2e: JupyterLab + headless Chromium; screenshots/)
#   make exercises  rewrite notebooks/exercises/ and rnnlib/exercises/solutions.json from the course
#               notebooks' solution cells (after editing one; `make test` fails while they are stale)
#   make clean  remove .venv and caches

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.rnnlib-installed
# The notebooks' kernel pins numpy's floating-point code paths (OpenBLAS's Haswell kernels, one
# thread, numpy's AVX2 loops rather than AVX-512), so every x86-64 machine with AVX2 computes the
# same bits and the committed outputs compare strictly.  Without it, long training runs such as the
# course's 35,000-iteration model() drift apart in the last digits after ~14,000 iterations.
KERNEL_ENV := --env OPENBLAS_CORETYPE Haswell --env OPENBLAS_NUM_THREADS 1 \
	--env NPY_DISABLE_CPU_FEATURES "X86_V4 AVX512_ICL AVX512_SPR"

.PHONY: venv lab test exercises fuzz-long e2e clean

venv: $(STAMP)

# Re-installs when pyproject.toml changes; otherwise the stamp makes `make venv` a no-op.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name rnnlib --display-name "Python (rnnlib)" $(KERNEL_ENV)
	touch $@

# Token authentication stays on: open the URL with ?token=... that JupyterLab prints.
# Jupyter refuses to start as root unless told; containers and CI machines often are root.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

lab: venv
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_ARGS)

# The nbval step is skipped while notebooks/ holds no notebook (pytest would exit 5: nothing collected).
# It checks the course notebooks only: the exercise versions in notebooks/exercises/ have no outputs to
# compare (tests/tools/test_exercises.py runs them instead).
NBVAL_ARGS := --nbval notebooks --ignore=notebooks/exercises --nbval-cell-timeout=300 \
	--nbval-sanitize-with notebooks/sanitize.cfg
test: venv
	# one BLAS thread: the tests' products are small, and two threads on two busy cores only thrash
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest tests --ignore=tests/e2e
	$(BIN)/python -m pytest tests/e2e
	@if [ -n "$$(find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' 2>/dev/null | head -n 1)" ]; then \
		echo "$(BIN)/python -m pytest $(NBVAL_ARGS)"; \
		$(BIN)/python -m pytest $(NBVAL_ARGS); \
	else \
		echo "no notebooks in notebooks/ yet: skipping the nbval step"; \
	fi

# The student notebooks and show()'s solutions, made from the course notebooks' solution cells.
exercises: venv
	$(BIN)/python tools/exercises.py

# The fuzz suite's long profile: random examples, 150 per test (tests/fuzz/conftest.py); the ci
# profile (derandomized, 25 per test) already runs inside `make test`.
fuzz-long: venv
	OPENBLAS_NUM_THREADS=1 HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest tests/fuzz -q

# Drives the widgets in headless Chromium (/usr/bin/chromium: `apt-get install -y chromium`);
# skips without it, except with CI=true, where it fails.  Screenshots land in screenshots/.
e2e: venv
	$(BIN)/python -m pytest tests/e2e -v

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -not -path './.git/*' -exec rm -rf {} +
