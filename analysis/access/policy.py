"""Roles and their permissions, read from data/access_policy.toml. Default deny: what is not granted is refused."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analysis.config import DATA_DIR

POLICY_FILE = DATA_DIR / "access_policy.toml"
PERMISSIONS = ("aggregates", "models", "households", "export", "import", "audit")
ADMIN_ROLE = "data_admin"  # the command line and single-user local use act as this role


@dataclass(frozen=True)
class Role:
    name: str
    label_zh: str
    label_en: str
    permissions: frozenset[str]

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


@dataclass(frozen=True)
class Policy:
    roles: dict[str, Role]

    def permissions(self, role: str | None) -> frozenset[str]:
        """What `role` may do; nothing for an unknown or missing role."""
        found = self.roles.get(role or "")
        return found.permissions if found else frozenset()


def parse_policy(document: dict) -> Policy:
    """Validate a policy document whole: every permission must be known."""
    roles = {}
    for name, entry in document.get("roles", {}).items():
        granted = entry.get("permissions", [])
        unknown = sorted(set(granted) - set(PERMISSIONS))
        if unknown:
            raise ValueError(f"role {name!r}: unknown permissions {unknown} / 未知权限")
        zh, en = entry.get("label", [name, name])
        roles[name] = Role(name, zh, en, frozenset(granted))
    if ADMIN_ROLE not in roles:
        raise ValueError(f"the policy must define the role {ADMIN_ROLE!r} / 缺少数据管理员角色")
    return Policy(roles)


@cache
def load_policy(path: Path | str = POLICY_FILE) -> Policy:
    with open(path, "rb") as handle:
        return parse_policy(tomllib.load(handle))
