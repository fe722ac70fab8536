"""The user's scope: role, region and permissions. Every region a view asks for must lie inside it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.access.policy import ADMIN_ROLE, Policy
from analysis.regioncodes import NATIONAL, is_region_code, region_level, region_prefix

_CLAIM = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$")
# Household ids start with their 12-digit village code; any digit string this long names a place or a household.
_CODE_LIKE = re.compile(r"^\d{6,}$")


class AccessDenied(Exception):
    """Base of refusals; `reason` is an i18n key, `target` what was asked for."""
    reason = "access_denied"

    def __init__(self, target: str, detail: str = ""):
        super().__init__(f"{self.reason}: {target} {detail}".strip())
        self.target = target
        self.detail = detail


class OutOfScope(AccessDenied):
    reason = "access_out_of_scope"


class NotPermitted(AccessDenied):
    reason = "access_not_permitted"


class NoAccess(AccessDenied):
    """The identity carries no usable role or region claim (default deny)."""
    reason = "access_no_role"


def region_from_claim(claim: object) -> str:
    """A region code from a `region_code` claim of 2, 4, 6, 9 or 12 digits (2 and 4 are padded: 62 → 620000)."""
    text = str(claim or "").strip()
    if not _CLAIM.match(text):
        raise NoAccess(text or "-", "region_code claim must be 2, 4, 6, 9 or 12 digits")
    if len(text) in (2, 4):
        text = text.ljust(6, "0")
    if text != NATIONAL and text[:2] == "00":
        raise NoAccess(text, "not a region code")
    return text


def code_inside(code: str, region: str) -> bool:
    """Whether a region code or household id lies inside `region` (every code lies inside China)."""
    if region == NATIONAL:
        return True
    return code.startswith(region[: region_prefix(region)])


def ancestors(region: str) -> set[str]:
    """The province and city codes above `region` (its own and wider areas, for names and lines)."""
    if region == NATIONAL:
        return set()
    level = region_level(region)
    found = {NATIONAL}
    if level != "province":
        found.add(region[:2] + "0000")
    if level in ("county", "township", "village"):
        found.add(region[:4] + "00")
    if level in ("township", "village"):
        found.add(region[:6])
    if level == "village":
        found.add(region[:9])
    return found - {region}


@dataclass(frozen=True)
class Scope:
    """Who is looking and where: a frozen value, part of every cache key."""
    role: str
    region_code: str
    permissions: frozenset[str]
    user: str = ""

    def allows(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str, target: str = "") -> None:
        if not self.allows(permission):
            raise NotPermitted(target or permission, permission)

    def contains(self, code: str) -> bool:
        return code_inside(code, self.region_code)

    def narrow(self, requested: str | None) -> str:
        """The region to show for a requested one: the request itself when inside the scope, else refused.

        None or "" means "no request": the scope's own region.
        """
        if requested in (None, ""):
            return self.region_code
        if not is_region_code(requested):
            raise OutOfScope(str(requested)[:24], "malformed region code")
        if not self.contains(requested):
            raise OutOfScope(requested)
        return requested

    def key(self) -> tuple:
        """What cached results depend on (not the user's name: two users with the same scope share results)."""
        return self.role, self.region_code, tuple(sorted(self.permissions))


def scope_from_claims(claims: dict, policy: Policy, user: str = "") -> Scope:
    """Default deny: a missing or unknown role, or a missing region claim, gives no scope at all."""
    role = str(claims.get("role") or "").strip()
    permissions = policy.permissions(role)
    if not permissions:
        raise NoAccess(role or "-", "no known role claim")
    return Scope(role, region_from_claim(claims.get("region_code")), permissions, user)


def admin_scope(policy: Policy, user: str) -> Scope:
    """The data administrator for the whole country: the command line and single-user local use."""
    return Scope(ADMIN_ROLE, NATIONAL, policy.permissions(ADMIN_ROLE), user)


def is_code_like(value: object) -> bool:
    return isinstance(value, str) and bool(_CODE_LIKE.match(value))
