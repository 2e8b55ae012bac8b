"""Sentences for people, kept apart from the language they are shown in.

Rules and commands say what they have to say as a `Text`: an English template (the message's
identity, as in gettext) and its parameters. `str(text)` is the English sentence; the
command line renders it in the user's language with `vipcrm.formats.i18n.render`, which looks
the template up in the one catalogue of Chinese sentences. A parameter may be a `Code` (a
domain code such as a reason or a channel, shown as a word in Chinese) or another `Text`.
Nothing here knows any language but English, so the core stays free of formats.
"""

from __future__ import annotations

import string
from typing import Any, Iterator

_FORMATTER = string.Formatter()


class Code:
    """A domain code inside a sentence: `Code("reason", "maturity")`. English shows the code
    itself (or its English label); Chinese shows the catalogue's word for it."""

    __slots__ = ("family", "value")

    def __init__(self, family: str, value: str | None):
        self.family = family
        self.value = value

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)

    def __repr__(self) -> str:
        return repr(str(self))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Code) and (self.family, self.value) == (other.family, other.value))

    def __hash__(self) -> int:
        return hash((self.family, self.value))


class Text:
    """An English template with named parameters, e.g.
    `Text("unknown client {client!r}; check the id", client=client_id)`."""

    __slots__ = ("template", "params")

    def __init__(self, template: str, /, **params: Any):
        self.template = template
        self.params = params

    def __str__(self) -> str:
        return self.template.format(**self.params)

    def __repr__(self) -> str:
        return f"Text({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Text):
            return (self.template, self.params) == (other.template, other.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.template, tuple(sorted(self.params))))

    def __add__(self, other: "Text | str") -> "Joined":
        return Joined((self, other))

    def startswith(self, prefix: str) -> bool:
        """Lets code that checks an English sentence's start keep working on a Text."""
        return str(self).startswith(prefix)


class Joined(Text):
    """Sentences shown one after the other (each rendered in the same language)."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple):
        super().__init__("")
        self.parts = tuple(parts)

    def __str__(self) -> str:
        return "".join(str(p) for p in self.parts)

    def __add__(self, other: "Text | str") -> "Joined":
        return Joined((*self.parts, other))


def fields(template: str) -> Iterator[str]:
    """The parameter names of a template (`{client!r}` → client)."""
    for _, name, _, _ in _FORMATTER.parse(template):
        if name is not None:
            yield name.split(".")[0].split("[")[0]
