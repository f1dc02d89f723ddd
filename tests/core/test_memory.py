"""rnnlib.core.memory: the malloc settings the trainers ask for."""
import platform
import subprocess
import sys

from rnnlib.core import memory


def _in_child(env_value):
    code = "from rnnlib.core.memory import keep_freed_memory as k; print(k(), k())"
    env = {"PATH": "/usr/bin:/bin"} if env_value is None else {"PATH": "/usr/bin:/bin", memory.ENV_VAR: env_value}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout.split()


def test_applies_on_glibc_linux_once_and_says_so():
    glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert _in_child(None) == [str(glibc)] * 2  # the second call returns the first's answer


def test_the_environment_variable_turns_it_off():
    assert _in_child("0") == ["False", "False"]
