"""Pure validation vocabulary shared by every app's domain rules (no Django).

A domain rule returns `Violation`s: the field, a stable rule code and the values the
message needs. The service turns them into one translated `InvalidInput` error.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
CODE_MAX = 32


@dataclass(frozen=True)
class Violation:
    field: str
    rule: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)


def check_code(value: str, fld: str = "code") -> list[Violation]:
    """Registry codes are short, ASCII and stable: they appear in URLs and imports."""
    if not value:
        return [Violation(fld, "required")]
    if not CODE_PATTERN.fullmatch(value):  # match() lets "CODE\n" through ($ before \n)
        return [Violation(fld, "code_format", {"max": CODE_MAX})]
    return []


def check_required(values: Mapping[str, object], names: Iterable[str]) -> list[Violation]:
    return [Violation(n, "required") for n in names if values.get(n) in (None, "")]


def check_choice(value: str, choices: Iterable[str], fld: str) -> list[Violation]:
    allowed = list(choices)
    if value not in allowed:
        return [Violation(fld, "choice", {"value": value, "choices": ", ".join(allowed)})]
    return []
