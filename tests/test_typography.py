"""The French typography pass against fixture files, rule by rule, and its idempotence."""

from __future__ import annotations

import ast
import copy
import inspect
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bippdf import markdown, typography
from bippdf.compose import NoteNumbering

from .conftest import BuiltIssue

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "typography"
FENCE = "`" * 32
EXAMPLE = re.compile(rf"^{FENCE} example\n(?P<md>.*?)^\.\n(?P<html>.*?)^{FENCE}$", re.M | re.S)
CASES = {
    "fr-CA.txt": ("fr-CA", "fine"),
    "none.txt": ("fr-CA", "none"),
    "fr-FR.txt": ("fr-FR", "fine"),
}


def _examples() -> list[object]:
    cases = []
    for name, (language, space) in CASES.items():
        text = (FIXTURES / name).read_text(encoding="utf-8")
        for index, match in enumerate(EXAMPLE.finditer(text), start=1):
            line = text.count("\n", 0, match.start()) + 1
            expected = match["html"].replace("~", "\u00a0").replace("^", "\u202f")
            rules = typography.rules_for(language, space)
            cases.append(
                pytest.param(match["md"], expected, rules, id=f"{name}-{index}-line{line}")
            )
    return cases


def _typeset(source: str, rules: typography.Rules) -> list[markdown.Token]:
    parsed = markdown.parse(markdown.create_markdown(), source)
    typography.typeset_tokens(parsed.tokens, rules)
    return parsed.tokens


@pytest.mark.parametrize(("source", "expected", "rules"), _examples())
def test_rule(source: str, expected: str, rules: typography.Rules) -> None:
    tokens = _typeset(source, rules)
    NoteNumbering().number(tokens, Path("article.md"))
    assert markdown.render(markdown.create_renderer(), tokens) == expected


@pytest.mark.parametrize(("source", "expected", "rules"), _examples())
def test_twice_changes_nothing(source: str, expected: str, rules: typography.Rules) -> None:
    once = _typeset(source, rules)
    twice = copy.deepcopy(once)
    typography.typeset_tokens(twice, rules)
    assert twice == once


# ---- every rule of the code has an example that fails without it ----------------------


def _rewritten(node: ast.AST, name: str) -> ast.expr | None:
    """For a call that takes the text ``name`` and gives it back changed (``re.sub(…, text)``,
    ``text.replace(…)``, ``_dashes(text)``), the text it takes; else None."""
    if not isinstance(node, ast.Call):
        return None
    candidates = [node.func.value] if isinstance(node.func, ast.Attribute) else []
    for candidate in [*candidates, *node.args]:
        if (isinstance(candidate, ast.Name) and candidate.id == name) or _rewritten(
            candidate, name
        ):
            return candidate
    return None


def _function(name: str) -> ast.FunctionDef:
    """A function of typography.py parsed, with its line numbers in the file."""
    lines, first = inspect.getsourcelines(getattr(typography, name))
    tree = ast.parse(textwrap.dedent("".join(lines)))
    ast.increment_lineno(tree, first - 1)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    return function


def _rule_nodes(function: ast.FunctionDef) -> list[ast.AST]:
    """The rules in a function's code: in ``_segment``, each call that rewrites the text; in
    ``_inline``, for a text token, each ``if`` that changes it and the split of ordinals and
    civilities into superscripts."""
    if function.name == "_segment":
        return [node for node in ast.walk(function) if _rewritten(node, "text") is not None]
    (branch,) = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "kind == 'text'"
    ]
    found: list[ast.AST] = [node for node in branch.body if isinstance(node, ast.If)]
    return found + [
        node
        for node in ast.walk(branch)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "_split_superscripts"
    ]


@dataclass(frozen=True)
class Rule:
    """A rule found in the code of typography.py."""

    function: str
    line: int
    column: int
    end: tuple[int, int]  # line and column where its code ends
    code: str


def _rules() -> list[Rule]:
    """Every rule of typography.py, read from the code of ``_segment`` and ``_inline``."""
    return [
        Rule(
            name,
            node.lineno,  # type: ignore[attr-defined]
            node.col_offset,  # type: ignore[attr-defined]
            (node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
            ast.unparse(node).splitlines()[0],
        )
        for name in ("_segment", "_inline")
        for node in _rule_nodes(_function(name))
    ]


_PLACE = ("lineno", "col_offset", "end_lineno", "end_col_offset")


class _Without(ast.NodeTransformer):
    """A function's code with one rule taken out: what it would change goes through as is."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    def visit(self, node: ast.AST) -> Any:
        where = [getattr(node, key, None) for key in _PLACE]
        if where != [self.rule.line, self.rule.column, *self.rule.end]:
            return self.generic_visit(node)
        if isinstance(node, ast.If):
            return ast.Pass()
        text = _rewritten(node, "text")
        if text is not None:
            return text
        assert isinstance(node, ast.Call)  # _split_superscripts(…): one plain text token
        token = ast.Dict(
            [ast.Constant("type"), ast.Constant("raw")], [ast.Constant("text"), node.args[0]]
        )
        return ast.List([token], ast.Load())


def _without(rule: Rule) -> Any:
    """The function of ``rule``, compiled again without it."""
    function = _Without(rule).visit(_function(rule.function))
    module = ast.fix_missing_locations(ast.Module([function], type_ignores=[]))
    namespace = dict(vars(typography))
    exec(compile(module, typography.__file__, "exec"), namespace)
    return namespace[rule.function]


def _failing_examples() -> list[str]:
    """The ids of the fixture examples whose output is not the expected one."""
    failing = []
    for example in _examples():
        source, expected, rules = example.values  # type: ignore[attr-defined]
        try:
            tokens = _typeset(source, rules)
            NoteNumbering().number(tokens, Path("article.md"))
            output = markdown.render(markdown.create_renderer(), tokens)
        except Exception:  # a rule taken out may break what follows it: that shows too
            output = None
        if output != expected:
            failing.append(example.id)  # type: ignore[attr-defined]
    return failing


def test_rules_are_read_from_the_code() -> None:
    codes = [rule.code for rule in _rules()]
    assert len({(rule.line, rule.column, rule.end) for rule in _rules()}) == len(codes)
    for known in ("_dashes(text)", "_straight_quotes(text, rules, quotes)", "_split_superscripts("):
        assert any(code.startswith(known) for code in codes), known
    assert sum(code.startswith("re.sub(") for code in codes) >= 8
    assert sum(code.startswith("if ") for code in codes) == 2
    assert _failing_examples() == []  # and with every rule in, every example passes


@pytest.mark.parametrize(
    "rule", _rules(), ids=lambda r: f"{r.function}-{r.line}-{r.end[0]}:{r.end[1]}"
)
def test_every_rule_has_a_fixture(rule: Rule, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each rule taken out of the code in turn: some example of the fixtures fails."""
    monkeypatch.setattr(typography, rule.function, _without(rule))
    assert _failing_examples(), (
        f"no example in {FIXTURES} shows the rule of typography.py line {rule.line}: {rule.code}"
    )


def test_every_language_has_a_fixture() -> None:
    languages = {language for language, _ in CASES.values()}
    assert set(typography.RULES) <= languages
    assert {space for _, space in CASES.values()} == {"fine", "none"}


def test_plain_strings() -> None:
    rules = typography.rules_for("fr-CA")
    assert rules is not None
    text = "Le BIP - Une invitation au partage : l'essentiel!"
    assert typography.typeset_text(text, rules) == (
        "Le BIP\u00a0– Une invitation au partage\u202f: l’essentiel\u202f!"
    )


def test_languages_without_french_rules() -> None:
    assert typography.rules_for("en-CA") is None
    assert typography.rules_for("fr-BE") == typography.rules_for("fr-CA")


def test_issue_6_pdf_shows_the_rules(issue6: BuiltIssue) -> None:
    """What a Québec reader sees in the PDF of No. 6, read back from its text."""
    text = "\n".join(issue6.pdf.texts)
    lines_joined = text.replace("\r\n", " ")
    assert "Exploitation sexuelle\u202f: de quoi parle-t-on\u202f?" in text
    assert "plus de 2\u202f600\u202f000" in lines_joined
    assert "«\u202fras-le-bol\u202f»" in text
    body = text[text.index("Mot du directeur\r\nDe") : text.index("Annexe\r\n")]
    assert "'" not in body, "a straight apostrophe is left in the body text"
    assert ' "' not in body and '" ' not in body
    assert "79\u202f%" in text and "Bonne lecture\u202f!" in text
    assert "M\u00a0Éric" not in text and "M.\u00a0Éric Laliberté" in text
