"""Help that works when copied: every example of every command's and group's `--help` runs as
written on a fresh demo bank, and shell completion is there.

A user runs `vipcrm demo` and then the examples, on the same day; so does each test here, on a
copy of a demo bank made once per day: a Friday, and a Sunday of the New Year holiday in
January (no working day, the year-to-date review of the year before, the demo dated around it).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from datafiles import copy_database
from vipcrm.cli.app import app

pytestmark = pytest.mark.slow

DAYS = (dt.date(2026, 11, 27), dt.date(2027, 1, 3))
BIN = Path(sys.executable).parent  # where the `vipcrm` script of this environment is
# Shell syntax: such a line runs in bash, as a user would paste it.
SHELL_SYNTAX = re.compile(r"[|;<>$`]")
ISO_DATE = re.compile(r"\b(?:19|20)\d\d(?:-\d\d-\d\d)?\b")


def _commands(group, path=()):
    yield path, group
    for name, command in getattr(group, "commands", {}).items():
        yield from _commands(command, path + (name,))


def _help(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "100"},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _examples(text: str) -> list[str]:
    """The lines of the help's `Example:`/`Examples:` block, as shown to the user."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if re.fullmatch(r"\s*Examples?:", line)]
    found = []
    for start in starts:
        for line in lines[start + 1:]:
            if not line.strip():
                break
            found.append(line.strip())
    return found


HELP = {path: _help(path) for path, _ in _commands(typer.main.get_command(app))}
EXAMPLES = {path: _examples(text) for path, text in HELP.items()}


GLOBAL_VALUES = ("--db", "--today", "--lang")


def _invoked(line: str) -> list[tuple[str, ...]]:
    """The words after `vipcrm` and its global options, for each vipcrm command of the line."""
    found = []
    for command in " ".join(shlex.split(line)).split(" && "):
        words = command.split()
        if words[0] != "vipcrm":
            continue
        words = words[1:]
        while words and words[0].startswith("-"):
            words = words[2:] if words[0] in GLOBAL_VALUES else words[1:]
        found.append(tuple(words))
    return found


def test_every_command_and_group_has_an_example_of_itself():
    for path, lines in EXAMPLES.items():
        assert lines, f"vipcrm {' '.join(path)} --help has no example"
        assert all("vipcrm " in line for line in lines), (path, lines)
        # Each example runs the command it explains (a group: one of its commands).
        assert any(words[:len(path)] == path for line in lines for words in _invoked(line)), \
            (path, lines)


def test_help_names_no_section_of_a_specification():
    for path, text in HELP.items():
        assert "§" not in text and "DOMAIN" not in text, path


def test_examples_hold_no_date_that_goes_stale():
    """A date written into an example stops working as days pass; a cut-off in the past
    (purge's --ended-before) stays valid."""
    for path, lines in EXAMPLES.items():
        for line in lines:
            for match in ISO_DATE.finditer(line):
                assert line[:match.start()].endswith("--ended-before "), (path, line)


@pytest.fixture(scope="module", params=DAYS, ids=str)
def demo_bank(request, tmp_path_factory):
    """The default demo bank, made as a user makes it on that day."""
    path = tmp_path_factory.mktemp(f"demo-{request.param}") / "vipcrm.db"
    made = CliRunner().invoke(app, ["--db", str(path), "--today", request.param.isoformat(),
                                    "demo"], env={"VIPCRM_LANG": "en"}, catch_exceptions=False)
    assert made.exit_code == 0, made.stderr
    return path, request.param


def _run_in_process(line: str, env: dict[str, str]) -> None:
    words = shlex.split(line)
    runner = CliRunner()
    # `a && b`: b runs when a succeeded, as in the shell.
    commands, current = [], []
    for word in words + ["&&"]:
        if word == "&&":
            commands.append(current)
            current = []
        else:
            current.append(word)
    for command in commands:
        assert command[0] == "vipcrm", line
        result = runner.invoke(app, command[1:], env=env, catch_exceptions=False)
        assert result.exit_code in (0, 3), f"{line}: exit {result.exit_code}: {result.stderr}"
        assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr


def _run_in_a_shell(line: str, env: dict[str, str]) -> None:
    shell_env = {**os.environ, **env, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, env=shell_env,
                          timeout=300)
    assert done.returncode in (0, 3), f"{line}: exit {done.returncode}: {done.stderr}"
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr


@pytest.mark.parametrize("path", list(EXAMPLES), ids=lambda p: " ".join(p) or "vipcrm")
def test_every_example_runs_as_written_on_the_demo_bank(demo_bank, path, tmp_path, monkeypatch):
    """The lines of one help's example run in order, in a folder of their own holding a copy of
    the demo bank as ./vipcrm.db (the default --db), on the demo's day."""
    source, day = demo_bank
    copy_database(source, tmp_path / "vipcrm.db")
    monkeypatch.chdir(tmp_path)
    env = {"VIPCRM_DB": "vipcrm.db", "VIPCRM_TODAY": day.isoformat(), "VIPCRM_LANG": "en",
           "NO_COLOR": "1"}
    for line in EXAMPLES[path]:
        if SHELL_SYNTAX.search(line.replace("&&", "")):
            _run_in_a_shell(line, env)
        else:
            _run_in_process(line, env)


# -- shell completion --------------------------------------------------------------------------

def _bash(script: str, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path),
           "VIPCRM_DB": str(tmp_path / "none.db"), **extra}
    # "; exit $?" keeps bash from exec'ing a lone command in its own place: vipcrm then runs
    # under bash, the shell that completion detects from the process tree, however pytest runs.
    return subprocess.run(["bash", "-c", f"{script}; exit $?"], capture_output=True, text=True,
                          env=env, timeout=120)


def test_show_completion_prints_the_script_of_the_shell_it_runs_in(tmp_path):
    shown = _bash("vipcrm --show-completion", tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "complete -o default -F _vipcrm_completion vipcrm" in shown.stdout
    assert shown.stderr == ""


def test_completion_completes_commands_and_options(tmp_path):
    """What bash asks the program on a TAB, after the script shown above is sourced."""
    script = ('source <(vipcrm --show-completion) && COMP_WORDS=(vipcrm rep) COMP_CWORD=1 '
              '&& _vipcrm_completion vipcrm && printf "%s\\n" "${COMPREPLY[@]}"')
    done = _bash(script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["report"]
    script = ('source <(vipcrm --show-completion) && COMP_WORDS=(vipcrm plan today --fo) '
              'COMP_CWORD=3 && _vipcrm_completion vipcrm && printf "%s\\n" "${COMPREPLY[@]}"')
    done = _bash(script, tmp_path)
    assert done.stdout.split() == ["--format"], done.stderr


def test_install_completion_adds_the_script_to_the_shells_start_up_file(tmp_path):
    done = _bash("vipcrm --install-completion", tmp_path)
    assert done.returncode == 0, done.stderr
    installed = tmp_path / ".bash_completions" / "vipcrm.sh"
    assert "_vipcrm_completion" in installed.read_text()
    assert f"source '{installed}'" in (tmp_path / ".bashrc").read_text()
    assert not (tmp_path / "none.db").exists()


def test_usage_errors_stay_one_line_beside_the_completion_options(tmp_path):
    for args, message in ((("--bogus",), "No such option: --bogus"),
                          (("nosuch",), "No such command 'nosuch'"),
                          (("--show-completion", "--bogus"), "No such option: --bogus")):
        done = _bash(shlex.join(["vipcrm", *args]), tmp_path)
        assert done.returncode == 2, (args, done.stdout)
        assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
