"""Sentences for people, kept apart from the language they are shown in.

Rules and commands say what they have to say as a `Text`: an English template (the message's
identity, as in gettext) and its parameters. `str(text)` is the English sentence; the
command line renders it in the user's language with `vipcrm.formats.i18n.render`, which looks
the template up in the one catalogue of Chinese sentences. A parameter may be a `Code` (a
domain code such as a reason or a channel, shown as a word in Chinese), another `Text` or a
`Listing` of them.
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

    # Two joined sentences are the same when their parts are (not by the empty template).
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Joined):
            return self.parts == other.parts
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.parts)

    @classmethod
    def between(cls, separator: str, items) -> "Joined":
        """`items` with `separator` between them: `Joined.between("; ", reasons)`."""
        return cls(tuple(part for item in items for part in (separator, item))[1:])

    def __repr__(self) -> str:
        return f"Joined({str(self)!r})"


class Listing:
    """Items shown as one list inside a sentence ("occupation, family"); each item may be a
    `Text` or a `Code`, and the list is joined the way the user's language joins one."""

    __slots__ = ("items",)

    def __init__(self, items):
        self.items = tuple(items)

    def __str__(self) -> str:
        return ", ".join(str(item) for item in self.items)

    def __repr__(self) -> str:
        return f"Listing({list(self.items)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Listing) and self.items == other.items

    def __hash__(self) -> int:
        return hash(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def said(exc: BaseException) -> "Text | str":
    """What an exception says: the `Text` it was raised with, or else its English text."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Text) else str(exc)


def portable(message: Any) -> Any:
    """A message as tuples, strings and numbers (for `marshal`, across a pipe); `restored`
    gives it back."""
    if isinstance(message, Joined):
        return ("joined", tuple(portable(part) for part in message.parts))
    if isinstance(message, Text):
        return ("text", message.template,
                {name: portable(value) for name, value in message.params.items()})
    if isinstance(message, Code):
        return ("code", message.family, message.value)
    if isinstance(message, Listing):
        return ("listing", tuple(portable(item) for item in message.items))
    return message if isinstance(message, (int, float)) else str(message)


def restored(data: Any) -> Any:
    if not isinstance(data, tuple):
        return data
    if data[0] == "joined":
        return Joined(tuple(restored(part) for part in data[1]))
    if data[0] == "text":
        return Text(data[1], **{name: restored(value) for name, value in data[2].items()})
    if data[0] == "code":
        return Code(data[1], data[2])
    return Listing(restored(item) for item in data[1])


def fields(template: str) -> Iterator[str]:
    """The parameter names of a template (`{client!r}` → client)."""
    for _, name, _, _ in _FORMATTER.parse(template):
        if name is not None:
            yield name.split(".")[0].split("[")[0]
