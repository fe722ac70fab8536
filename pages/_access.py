"""Who is looking: sign-in (st.login, OIDC), the demo's "view as" picker, single-user mode, refusals.

app.py calls `resolve_scope` once per run before anything reads data. The scope it returns goes into
the Shell, which binds it to every query (pages/_common.py, analysis/access/guard.py).
"""
from __future__ import annotations

import getpass
import time
from pathlib import Path
from typing import NoReturn

import pandas as pd
import streamlit as st

from analysis.access import settings
from analysis.access.audit import AuditLog
from analysis.access.policy import load_policy
from analysis.access.scope import NoAccess, Scope, admin_scope, ancestors, code_inside, scope_from_claims
from analysis.i18n import t
from analysis.regioncodes import NATIONAL
from analysis.selection import RegionTree

VIEW_AS_ROLE, VIEW_AS_REGION = "view_as_role", "view_as_region"
# Pages that need more than `aggregates` (every other page needs `aggregates`).
PAGE_PERMISSIONS = {"pages/import_data.py": "import", "pages/data.py": "import", "pages/audit_log.py": "audit",
                    "pages/risk_model.py": "models"}
_ID_CLAIMS = ("preferred_username", "email", "sub")
_SIGN_INS_LOGGED: set[tuple[str, object]] = set()  # per server process


def page_permission(file: str) -> str:
    return PAGE_PERMISSIONS.get(file, "aggregates")


def auth_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section (st.login can reach an identity server)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def signed_in() -> bool:
    return bool(st.user.get("is_logged_in", False))


def _audit(audit_path: str, scope: Scope | None, action: str, target: str = "", **filters: object) -> None:
    AuditLog(audit_path).append(user=scope.user if scope else _claimed_user(), role=scope.role if scope else "",
                                scope=scope.region_code if scope else "", action=action, target=target,
                                filters=dict(filters))


def _claimed_user() -> str:
    return next((str(st.user.get(c)) for c in _ID_CLAIMS if st.user.get(c)), "anonymous")


def _refuse(key: str, **values: object) -> NoReturn:
    """Both languages at once: a refusal may come before the user's language is known."""
    for lang in ("zh", "en"):
        st.error(t(key, lang, **values), icon=":material/lock:")
    st.stop()


def _end_old_session(audit_path: str, lang: str) -> None:
    """Streamlit's login cookie lasts 30 days and it never checks expiry: end sessions older than the maximum age."""
    issued = st.user.get("iat")
    hours = settings.session_hours()
    if issued is None or time.time() - float(issued) > hours * 3600:
        _audit(audit_path, None, "sign_out", reason="session older than the maximum age", hours=hours)
        st.warning(t("access_session_expired", lang, hours=f"{hours:g}"))
        st.logout()
        st.stop()


def _signed_in_scope(audit_path: str, lang: str) -> Scope:
    _end_old_session(audit_path, lang)
    user = _claimed_user()
    try:
        scope = scope_from_claims(st.user.to_dict(), load_policy(), user)
    except NoAccess as refused:
        _audit(audit_path, None, "denied", refused.target, reason=refused.reason, detail=refused.detail)
        st.button(t("access_sign_out", lang), on_click=st.logout)
        _refuse("access_no_role")
    sign_in = (user, st.user.get("iat"))
    if sign_in not in _SIGN_INS_LOGGED:  # once per sign-in, not once per browser tab or reload
        _SIGN_INS_LOGGED.add(sign_in)
        _audit(audit_path, scope, "sign_in", user, iat=st.user.get("iat"))
    return scope


def _sign_in_screen(lang: str) -> None:
    st.title(t("access_sign_in_title", lang))
    st.button(t("access_sign_in", lang), on_click=st.login, type="primary", icon=":material/login:")
    st.stop()


VIEW_AS_LIMIT = 5_000  # areas in the demo's "view as" picker: every option is sent with every page run


def view_as_areas(codes: list[str]) -> list[str]:
    """The country, every province, city and county, and the townships and villages while all fit under
    VIEW_AS_LIMIT; past it one village and its township, so each kind of clerk can still be previewed (the
    30-million world's 64,000 townships made the picker 1.4 MB of every page run, 85-97% of what was sent)."""
    if len(codes) < VIEW_AS_LIMIT:
        return [NATIONAL, *codes]
    villages = [code for code in codes if len(code) == 12]
    below = [villages[0][:9], villages[0]] if villages else []
    return [NATIONAL, *(code for code in codes if len(code) <= 6), *below]


def _view_as_scope(tree: RegionTree, codes: list[str], lang: str) -> Scope:
    """Demo only: pick a role and an area to preview; by default the data administrator for the whole country."""
    policy = load_policy()
    roles = list(policy.roles)
    areas = view_as_areas(codes)
    with st.sidebar.expander(t("access_view_as", lang), icon=":material/visibility:", expanded=False):
        st.caption(t("access_view_as_help", lang))
        role = st.selectbox(t("access_view_as_role", lang), roles, key=VIEW_AS_ROLE,
                            index=roles.index("data_admin"), format_func=lambda r: policy.roles[r].label(lang))
        region = st.selectbox(t("access_view_as_region", lang), areas, key=VIEW_AS_REGION,
                              format_func=lambda c: f"{tree.name(c, lang)} {c}")
    return Scope(role, region, policy.permissions(role), user="demo-preview")


def resolve_scope(*, real_data: bool, tree: RegionTree, codes: list[str], db_path: str, audit_path: str,
                  lang: str) -> Scope:
    """The scope of this session: signed in, demo preview, single user, or a refusal that stops the run."""
    if signed_in():
        return _signed_in_scope(audit_path, lang)
    if auth_configured():
        _sign_in_screen(lang)
    if not real_data:
        return _view_as_scope(tree, codes, lang)
    if settings.single_user():
        return admin_scope(load_policy(), user=f"local:{getpass.getuser()}")
    _refuse("access_refuse_unconfigured" if Path(db_path).exists() else "access_refuse_no_database", path=db_path)


def identity_sidebar(scope: Scope, tree: RegionTree, lang: str) -> None:
    """Who is signed in, where, and the sign-out button."""
    if not signed_in():
        return
    role = load_policy().roles[scope.role].label(lang)
    region = tree.name(scope.region_code, lang) if scope.region_code in tree else scope.region_code
    st.sidebar.caption(t("access_signed_in_as", lang, user=scope.user, role=role, region=region))
    st.sidebar.button(t("access_sign_out", lang), on_click=st.logout, icon=":material/logout:")


def scoped_regions(frame: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The regions the cascade may offer: inside the scope, plus the scope's own wider areas (to name them)."""
    wider = ancestors(scope.region_code)
    keep = [code_inside(code, scope.region_code) or code in wider for code in frame["code"]]
    return frame.loc[pd.Series(keep, index=frame.index, dtype=bool)]
