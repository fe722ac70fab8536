"""What every rules file (screening rules, department warning rules) checks alike, with the same messages."""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping

_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class RulesError(ValueError):
    """The rules file is wrong; the message names the rule and the field."""


def text_field(entry: dict, field: str, where: str) -> str:
    value = entry.get(field)
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where}: `{field}` must be non-empty text")
    return value.strip()


def rule_header(entry: object, position: int, params_of_kind: Mapping[str, Collection[str]]) -> tuple[str, str, str]:
    """(id, kind, where) of a [[rules]] entry: a table with a well-formed id, a known kind, no unused parameter."""
    where = f"rule {position}"
    if not isinstance(entry, dict):
        raise RulesError(f"{where}: must be a table")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise RulesError(f"{where}: `id` must be lower-case letters, digits and _ (got {rule_id!r})")
    where = f"rule {position} ({rule_id})"
    kind = entry.get("kind")
    if kind not in params_of_kind:
        raise RulesError(f"{where}: unknown kind {kind!r}; known kinds: {', '.join(params_of_kind)}")
    extra = set(entry.get("params", {})) - set(params_of_kind[kind])
    if extra:
        raise RulesError(f"{where}: parameters not used by kind {kind}: {', '.join(sorted(extra))}")
    return rule_id, kind, where
