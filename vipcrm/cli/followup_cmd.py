"""Commands of this area register on the app here."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
