"""One catalogue for every sentence a person reads (vipcrm/formats/zh.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vipcrm.core.text import Code, Text, fields
from vipcrm.formats.i18n import render, word
from vipcrm.formats.zh import SENTENCES, WORDS

PACKAGE = Path(__file__).resolve().parent.parent / "vipcrm"


# Where a Text's template may be a variable: the module that rebuilds a sentence made (and
# checked) elsewhere, after it crossed a pipe (`restored`).
TEMPLATE_NOT_LITERAL = {"core/text.py"}


def _texts_in_code() -> list[tuple[str, int, str]]:
    """(file, line, template) of every Text("literal", …) in the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Text" and node.args):
                first = node.args[0]
                if path.relative_to(PACKAGE).as_posix() in TEMPLATE_NOT_LITERAL:
                    continue
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    raise AssertionError(f"{path}:{node.lineno}: a Text's template must be a "
                                         "literal string (it is the key of the catalogue)")
                found.append((str(path.relative_to(PACKAGE.parent)), node.lineno, first.value))
    return found


TEXTS = _texts_in_code()


def test_every_sentence_of_the_code_has_a_chinese_entry():
    missing = [f"{where}:{line}: {template!r}" for where, line, template in TEXTS
               if template not in SENTENCES]
    assert missing == []


@pytest.mark.parametrize("template", sorted(SENTENCES))
def test_every_entry_has_the_parameters_of_its_template(template):
    assert sorted(set(fields(SENTENCES[template]))) == sorted(set(fields(template)))


def test_the_catalogue_holds_no_sentence_the_code_no_longer_says():
    used = {template for _, _, template in TEXTS}
    assert sorted(set(SENTENCES) - used) == []


def test_a_sentence_renders_in_english_and_in_chinese_with_its_codes_as_words():
    text = Text("{name}: {reason}; check the path and its permissions", name="inbox",
                reason=Code("reason", "maturity"))
    assert str(text) == "inbox: maturity; check the path and its permissions"
    assert render(text, "en") == str(text)
    assert render(text, "zh") == "inbox：到期；请检查路径及其权限"


def test_joined_sentences_render_part_by_part():
    busy = Text("the database is busy (another vipcrm run is writing); try again when it has "
                "finished")
    assert render(busy + " (42)", "zh").endswith("请待其完成后重试 (42)")


@pytest.mark.parametrize("family", sorted(set(WORDS) - {"festival"}))  # spaced in English
def test_codes_are_words_in_chinese_and_codes_in_english(family):
    for code, chinese in WORDS[family].items():
        assert word(family, code, "en") == code
        assert word(family, code, "zh") == chinese
