"""Every command explains itself: `--help` works and shows an example (CLI.md); the examples
run as written in test_help_examples.py."""

from __future__ import annotations

import re

import typer.main

from vipcrm.cli.app import app


def _commands(group, path=()):
    for name, command in group.commands.items():
        yield path + (name,), command
        if hasattr(command, "commands"):
            yield from _commands(command, path + (name,))


def test_every_command_has_help_with_an_example(cli):
    root = typer.main.get_command(app)
    commands = list(_commands(root))
    assert {"import", "export", "demo", "tier", "assign", "plan", "followup", "client",
            "report", "nightly", "backup", "audit", "purge", "config"} <= {p[0] for p, _ in commands}
    missing = []
    for path, command in commands:
        result = cli(*path, "--help")
        assert result.exit_code == 0, path
        if not re.search(r"^  Examples?:$", result.stdout, re.M):
            missing.append(" ".join(path))
    assert missing == []


def test_top_level_help_has_an_example(cli):
    result = cli("--help")
    assert result.exit_code == 0
    assert re.search(r"^  Examples?:$", result.stdout, re.M)
