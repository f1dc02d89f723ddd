"""environment.yml (conda/Binder) must list the same packages as pyproject.toml.

pyproject's runtime dependencies plus its "dev" and "fast" extras (ENVIRONMENT_EXTRAS) must equal environment.yml's conda
dependencies (python and pip aside), with the same lower bounds where either gives one.
environment.yml is parsed by hand so that the test needs no YAML library.
"""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The extras environment.yml carries besides the runtime dependencies ("bench", torch, it leaves out).
ENVIRONMENT_EXTRAS = ("dev", "fast")
SPEC = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*?)\s*$")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def split_spec(spec: str) -> tuple[str, str | None]:
    """'numpy>=1.24' -> ('numpy', '1.24'); a spec without '>=' has no lower bound (None)."""
    match = SPEC.match(spec.split(";")[0])
    assert match, f"cannot read requirement {spec!r}"
    name, rest = match.groups()
    bound = re.search(r">=\s*([^,\s]+)", rest)
    return normalise(name), bound.group(1) if bound else None


def conda_dependencies(text: str) -> list[str]:
    """The plain entries of the top-level 'dependencies:' list (not the nested 'pip:' ones)."""
    entries, inside = [], False
    for line in text.splitlines():
        line = line.split("#", 1)[0].rstrip()
        if not line:
            continue
        if not line.startswith((" ", "-")):  # a new top-level key
            inside = line.startswith("dependencies:")
            continue
        item = re.match(r"^(\s*)-\s+(.*)$", line)
        if inside and item and len(item.group(1)) <= 2 and not item.group(2).endswith(":"):
            entries.append(item.group(2).strip().strip("'\""))
    return entries


def pyproject_requirements(data: dict) -> dict[str, str | None]:
    project = data["project"]
    specs = project["dependencies"] + [s for extra in ENVIRONMENT_EXTRAS for s in project["optional-dependencies"][extra]]
    return dict(split_spec(s) for s in specs)


def environment_requirements(text: str) -> dict[str, str | None]:
    found = {}
    for entry in conda_dependencies(text):
        name, bound = split_spec(entry)  # 'python=3.11' is a pin, not a bound: bound None
        if name not in ("python", "pip"):
            found[name] = bound
    return found


def mismatches(pyproject: dict[str, str | None], environment: dict[str, str | None]) -> list[str]:
    problems = [f"{n}: only in pyproject.toml" for n in sorted(pyproject.keys() - environment.keys())]
    problems += [f"{n}: only in environment.yml" for n in sorted(environment.keys() - pyproject.keys())]
    for name in sorted(pyproject.keys() & environment.keys()):
        if pyproject[name] != environment[name]:
            problems.append(f"{name}: lower bound {pyproject[name]} in pyproject.toml, {environment[name]} in environment.yml")
    return problems


@pytest.fixture(scope="module")
def pyproject():
    return pyproject_requirements(tomllib.loads((ROOT / "pyproject.toml").read_text()))


@pytest.fixture(scope="module")
def environment_text():
    return (ROOT / "environment.yml").read_text()


def test_environment_yml_agrees_with_pyproject(pyproject, environment_text):
    assert mismatches(pyproject, environment_requirements(environment_text)) == []


def test_environment_yml_basics(environment_text):
    assert re.search(r"^name:\s*rnnlib\s*$", environment_text, re.M)
    assert re.search(r"^\s*-\s*conda-forge\s*$", environment_text, re.M)
    assert re.search(r"^\s*-\s*python=3\.11\s*$", environment_text, re.M)
    assert re.search(r"^\s*-\s*-e \.\s*$", environment_text, re.M)  # pip installs the checkout itself
    assert "torch" not in environment_requirements(environment_text)


def test_python_pin_satisfies_requires_python(environment_text):
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    floor = re.match(r">=\s*(\d+)\.(\d+)", data["project"]["requires-python"])
    pin = re.search(r"^\s*-\s*python=(\d+)\.(\d+)", environment_text, re.M)
    assert tuple(map(int, pin.groups())) >= tuple(map(int, floor.groups()))


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("  - tqdm>=4.60\n", ""),  # a package dropped
        lambda t: t.replace("  - pytest>=7.0\n", "  - pytest>=7.0\n  - scipy\n"),  # one added
        lambda t: t.replace("numpy>=1.24", "numpy>=1.26"),  # a bound changed
        lambda t: t.replace("numpy>=1.24", "numpy"),  # a bound dropped
        lambda t: t.replace("  - numba>=0.59\n", ""),  # the "fast" extra's package dropped
    ],
)
def test_the_check_catches_a_mismatch(pyproject, environment_text, edit):
    edited = edit(environment_text)
    assert edited != environment_text, "the edit no longer applies; update this test"
    assert mismatches(pyproject, environment_requirements(edited)) != []


def test_binder_post_build_registers_the_kernel_with_the_makefile_pins():
    """Binder's postBuild and `make venv` must register the same kernel name and environment."""
    import re
    import shlex

    def pins(text):
        return dict(re.findall(r'--env\s+(\w+)\s+("[^"]*"|\S+)', text.replace("\\\n", " ")))

    makefile = (ROOT / "Makefile").read_text()
    post_build = (ROOT / "postBuild").read_text()
    assert "--name rnnlib" in makefile and "--name rnnlib" in post_build
    make_pins, binder_pins = pins(makefile), pins(post_build)
    assert make_pins and {k: shlex.split(v)[0] for k, v in make_pins.items()} == {
        k: shlex.split(v)[0] for k, v in binder_pins.items()}
