"""Every page, signed in as each role (AppTest `at.user`), with tampered links: no row outside the area reaches it."""
from __future__ import annotations

import re
import time

import pytest
from streamlit.testing.v1 import AppTest

from analysis.access.audit import AuditLog
from analysis.access.policy import load_policy
from analysis.config import DB_ENV, PROJECT_ROOT
from analysis.i18n import t
from pages._access import page_permission
from tests.helpers_tabs import every_tab

APP = str(PROJECT_ROOT / "app.py")
PAGES = tuple(re.findall(r'^    \("(pages/\w+\.py)"', (PROJECT_ROOT / "app.py").read_text(encoding="utf-8"), re.M))
COUNTY, NEIGHBOUR, OTHER_PROVINCE = "621122", "621126", "640000"
CLERK = {"role": "county_staff", "region_code": COUNTY}
LEADER = {"role": "leader", "region_code": "62"}
AUDITOR = {"role": "auditor", "region_code": "00"}
DENIED = "not in your area"
POLICY = load_policy()


def pages_for(role: str) -> tuple[str, ...]:
    """The pages a role's menu offers (the others are not registered for it at all)."""
    return tuple(p for p in PAGES if page_permission(p) in POLICY.permissions(role))
CODE = re.compile(r"^\d{6,}$")


@pytest.fixture
def signed_in(demo_db, tmp_path, monkeypatch):
    """Open the app signed in with the given claims and link; the audit log goes to a fresh file."""
    return _starter(demo_db, tmp_path, monkeypatch)


@pytest.fixture
def signed_in_townships(township_db, tmp_path, monkeypatch):
    """As `signed_in`, on a world whose county 621122 has two townships."""
    return _starter(township_db, tmp_path, monkeypatch)


def _starter(db, tmp_path, monkeypatch):
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv(DB_ENV, str(db))
    monkeypatch.setenv("INCOMEWATCH_AUDIT_LOG", str(log))

    def start(claims: dict, page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        at.user = {"is_logged_in": True, "preferred_username": f"{claims['role']}-user", "iat": int(time.time()),
                   **claims}
        at.query_params.update(query)
        at.run()
        if page:
            at.switch_page(page).run()
        at.audit = AuditLog(log)
        return at
    return start


def codes_shown(at: AppTest) -> set[str]:
    """Every region or household code in any table the page shows."""
    found = set()
    for frame in at.dataframe:
        value = frame.value
        for column in value.columns:
            found |= {str(v) for v in value[column] if CODE.match(str(v))}
    return found


def codes_in_every_tab(at: AppTest) -> set[str]:
    """`codes_shown` of the page with each of its lazy tabs opened in turn (a closed tab's tables are not drawn)."""
    found = set()
    for view in every_tab(at):
        assert [e.value for e in view.exception] == []
        found |= codes_shown(view)
    return found


def inside(code: str, region: str) -> bool:
    prefix = region.rstrip("0") if region.endswith("0000") else region
    return code.startswith(prefix[: max(len(prefix), 2)])


@pytest.mark.parametrize("page", pages_for("county_staff"))
def test_a_county_clerk_sees_only_her_county(signed_in, page):
    at = signed_in(CLERK, page, year="2024")
    assert [e.value for e in at.exception] == []
    assert at.title and DENIED not in " ".join(e.value for e in at.error)
    wider = {"620000", "621100"}
    assert {c for c in codes_in_every_tab(at) if not c.startswith(COUNTY) and c not in wider} == set()


TAMPERED = [(CLERK, page, link) for page in pages_for("county_staff") for link in (NEIGHBOUR, OTHER_PROVINCE, "6211221012")]
TAMPERED += [(LEADER, page, OTHER_PROVINCE) for page in pages_for("leader")]


@pytest.mark.parametrize(("claims", "page", "tampered"), TAMPERED,
                         ids=[f"{c['role']}-{p[6:-3]}-{link}" for c, p, link in TAMPERED])
def test_a_tampered_link_is_refused_audited_and_shows_nothing(signed_in, claims, page, tampered):
    at = signed_in(claims)  # registers the role's pages; then, as a new session would, open the page's link
    del at.session_state["view"]
    at.query_params["region"] = tampered
    at.switch_page(page).run()
    assert [e.value for e in at.exception] == []
    if len(tampered) == 10:  # malformed: a warning, then the clerk's own county
        assert at.warning and codes_shown(at) <= {c for c in codes_shown(at) if c.startswith(COUNTY)} | {
            "620000", "621100"}
        return
    assert any(DENIED in e.value for e in at.error) and any("不在您的管辖范围内" in e.value for e in at.error)
    assert at.dataframe.len == 0 and at.metric.len == 0 and at.title.len == 0
    denied = at.audit.entries(action="denied")
    assert denied and denied[-1]["target"] == tampered and denied[-1]["user"] == f"{claims['role']}-user"


@pytest.mark.parametrize("page", pages_for("leader"))
def test_a_provincial_leader_sees_aggregates_and_never_a_household(signed_in, page):
    at = signed_in(LEADER, page, year="2024")
    assert [e.value for e in at.exception] == []
    shown = codes_in_every_tab(at)
    assert {c for c in shown if len(c) > 12} == set()  # no household ids
    assert all(c.startswith("62") or c == "000000" for c in shown)


def test_a_leader_following_a_household_link_is_refused(signed_in):
    at = signed_in(LEADER, "pages/drilldown.py", region="621122", village="621122101201",
                   household="6211221012010001")
    assert any("not permitted" in e.value.lower() for e in at.error) and at.dataframe.len == 0
    assert at.audit.entries(action="denied")[-1]["filters"]["reason"] == "access_not_permitted"
    assert at.audit.entries(action="view_household") == []


def test_a_clerk_viewing_a_household_is_audited(signed_in):
    at = signed_in(CLERK, "pages/drilldown.py", region=COUNTY, village="621122101201", household="6211221012010001")
    assert [e.value for e in at.exception] == [] and not at.error
    viewed = at.audit.entries(action="view_household")
    assert "6211221012010001" in {e["target"] for e in viewed}
    assert at.audit.entries(action="view_page")[-1]["target"] == "explore"
    assert at.audit.verify().ok


def test_the_auditor_sees_only_the_audit_log(signed_in):
    at = signed_in(AUDITOR)
    assert [e.value for e in at.exception] == []
    assert at.dataframe.len == 1 and set(at.dataframe[0].value.columns) >= {
        t(key, "zh") for key in ("auditlog_col_user", "auditlog_col_action", "auditlog_col_hash")}
    assert any("Verified" in s.value or "校验通过" in s.value for s in at.success)


def test_no_role_claim_means_no_data(signed_in):
    at = signed_in({"role": "", "region_code": COUNTY})
    assert at.error and at.dataframe.len == 0 and at.metric.len == 0
    assert at.audit.entries(action="denied")


def test_an_old_sign_in_is_ended(signed_in, demo_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": True, "preferred_username": "old", "iat": int(time.time()) - 9 * 3600, **CLERK}
    at.run()
    assert at.user.get("is_logged_in") is False and at.metric.len == 0


def test_a_real_database_is_refused_without_sign_in_unless_single_user(demo_db, tmp_path, monkeypatch):
    import shutil

    import duckdb
    real = tmp_path / "real.duckdb"
    shutil.copy(demo_db, real)
    with duckdb.connect(str(real)) as con:
        con.execute("UPDATE meta SET value = 'imported' WHERE key = 'dataset'")
    monkeypatch.setenv(DB_ENV, str(real))
    monkeypatch.setenv("INCOMEWATCH_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert any("INCOMEWATCH_SINGLE_USER" in e.value for e in at.error) and at.metric.len == 0
    monkeypatch.setenv("INCOMEWATCH_SINGLE_USER", "1")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert [e.value for e in at.exception] == [] and at.metric.len > 0 and not at.error


TOWNSHIP, SIBLING_TOWNSHIP, VILLAGE, SIBLING_VILLAGE = "621122101", "621122201", "621122101201", "621122101202"
TOWN_CLERK = {"role": "township_staff", "region_code": TOWNSHIP}
VILLAGE_CLERK = {"role": "township_staff", "region_code": VILLAGE}
TOWN_LEADER = {"role": "leader", "region_code": TOWNSHIP}
WIDER = {"620000", "621100", COUNTY}  # may be named (sidebar, breadcrumb), never measured


@pytest.mark.parametrize(("claims", "page"), [(c, p) for c in (TOWN_CLERK, VILLAGE_CLERK, TOWN_LEADER)
                                              for p in pages_for(c["role"])],
                         ids=lambda v: v["region_code"] + v["role"][:3] if isinstance(v, dict) else v[6:-3])
def test_a_township_or_village_account_sees_only_its_area(signed_in_townships, claims, page):
    at = signed_in_townships(claims, page, year="2024")
    area = claims["region_code"]
    assert [e.value for e in at.exception] == [] and at.title
    assert not [e.value for e in at.error if DENIED in e.value or "错误编号" in e.value]
    assert {c for c in codes_shown(at) if not c.startswith(area) and c not in WIDER | {TOWNSHIP}} == set()
    assert at.query_params["region"] == area
    if claims["role"] == "leader":
        assert {c for c in codes_shown(at) if len(c) > 12} == set()  # no household ids
    sidebar = {box.key: box for box in at.sidebar.selectbox if box.key in ("county", "township")}
    assert sidebar["county"].disabled and sidebar["township"].disabled and sidebar["township"].value == TOWNSHIP


def test_a_township_overview_shows_the_township_not_its_county(signed_in_townships, township_db):
    import duckdb

    from analysis import formatting
    from analysis.summary import region_summary
    with duckdb.connect(str(township_db), read_only=True) as con:
        township, county = region_summary(con, TOWNSHIP, 2024), region_summary(con, COUNTY, 2024)
    at = signed_in_townships(TOWN_CLERK, lang="en", year="2024")
    households = next(m.value for m in at.metric if m.label == "Households")
    assert households == formatting.count(township.households, "en") != formatting.count(county.households, "en")
    assert at.dataframe[0].value.shape[0] >= 1  # villages at risk, not counties
    employment = next(m for m in at.metric if m.label == "Migrant workers")
    assert "township" in employment.help


TOWN_TAMPERED = [(TOWN_CLERK, page, SIBLING_TOWNSHIP) for page in pages_for("township_staff")]
TOWN_TAMPERED += [(TOWN_CLERK, page, link) for page in ("pages/overview.py", "pages/drilldown.py", "pages/screening.py")
                  for link in (COUNTY, OTHER_PROVINCE, "6211221012")]
TOWN_TAMPERED += [(VILLAGE_CLERK, page, link) for page in ("pages/overview.py", "pages/drilldown.py")
                  for link in (SIBLING_VILLAGE, TOWNSHIP)]


@pytest.mark.parametrize(("claims", "page", "tampered"), TOWN_TAMPERED,
                         ids=[f"{c['region_code']}-{p[6:-3]}-{link}" for c, p, link in TOWN_TAMPERED])
def test_a_tampered_link_below_a_county_is_refused_and_audited(signed_in_townships, claims, page, tampered):
    at = signed_in_townships(claims)
    del at.session_state["view"]
    at.query_params["region"] = tampered
    at.switch_page(page).run()
    assert [e.value for e in at.exception] == []
    area = claims["region_code"]
    if len(tampered) == 10:  # malformed: a warning, then the clerk's own township
        assert at.warning and {c for c in codes_shown(at) if not c.startswith(area)} <= WIDER
        return
    assert any(DENIED in e.value for e in at.error) and any("不在您的管辖范围内" in e.value for e in at.error)
    assert at.dataframe.len == 0 and at.metric.len == 0 and at.title.len == 0
    denied = at.audit.entries(action="denied")
    assert denied and denied[-1]["target"] == tampered and denied[-1]["scope"] == area


def test_a_drill_down_link_into_a_sibling_village_is_refused(signed_in_townships):
    at = signed_in_townships(VILLAGE_CLERK, "pages/drilldown.py", region=VILLAGE, village=SIBLING_VILLAGE)
    assert any(DENIED in e.value for e in at.error) and at.dataframe.len == 0
    assert at.audit.entries(action="denied")[-1]["target"] == SIBLING_VILLAGE


def test_a_county_clerk_may_narrow_to_one_of_her_townships(signed_in_townships):
    at = signed_in_townships(CLERK, year="2024")
    box = at.selectbox(key="township")
    assert not box.disabled and box.value == ""  # the whole county until she narrows
    box.set_value(TOWNSHIP).run()
    assert [e.value for e in at.exception] == [] and at.query_params["region"] == TOWNSHIP
    assert {c for c in codes_shown(at) if not c.startswith(TOWNSHIP)} <= WIDER


def test_the_demo_view_as_picker_previews_a_role_and_area(demo_db, monkeypatch, tmp_path):
    monkeypatch.setenv(DB_ENV, str(demo_db))
    monkeypatch.setenv("INCOMEWATCH_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.selectbox(key="view_as_role").set_value("leader")
    at.selectbox(key="view_as_region").set_value(COUNTY).run()
    assert [e.value for e in at.exception] == []
    assert at.selectbox(key="county").value == COUNTY and at.selectbox(key="county").disabled
    assert at.query_params["region"] == COUNTY
    assert all(c.startswith(COUNTY) for c in codes_shown(at) if c not in ("620000", "621100"))
    at.switch_page("pages/drilldown.py").run()
    assert at.dataframe.len >= 1 and not any(len(c) > 12 for c in codes_shown(at))
    assert AuditLog(tmp_path / "audit.jsonl").entries(user="demo-preview")
    at.selectbox(key="view_as_role").set_value("township_staff")
    at.selectbox(key="view_as_region").set_value(TOWNSHIP).run()
    assert [e.value for e in at.exception] == [] and at.query_params["region"] == TOWNSHIP
    assert at.selectbox(key="township").value == TOWNSHIP and at.selectbox(key="township").disabled
    assert all(c.startswith(TOWNSHIP) for c in codes_shown(at) if c not in WIDER)
    import duckdb
    with duckdb.connect(str(demo_db), read_only=True) as con:
        village = con.execute("SELECT min(village_code) FROM households").fetchone()[0]
    at.selectbox(key="view_as_region").set_value(village).run()  # the picker offers one village too
    assert [e.value for e in at.exception] == [] and at.query_params["region"] == village
    assert at.selectbox(key="township").value == village[:9] and at.selectbox(key="township").disabled
    assert all(c.startswith(village) for c in codes_shown(at) if len(c) >= 12)


def test_a_drill_down_link_into_another_county_is_refused(signed_in):
    at = signed_in(CLERK, "pages/drilldown.py", region=COUNTY, village="621126101201")
    assert any(DENIED in e.value for e in at.error) and at.dataframe.len == 0
    assert at.audit.entries(action="denied")[-1]["target"].startswith(NEIGHBOUR)


def test_the_view_as_picker_stays_small_on_a_large_world(demo_db, monkeypatch):
    """Past the limit the picker offers every county and above, and one village with its township."""
    from pages import _access

    monkeypatch.setattr(_access, "VIEW_AS_LIMIT", 100)
    monkeypatch.setenv(DB_ENV, str(demo_db))
    at = AppTest.from_file(APP, default_timeout=120).run()
    offered = at.selectbox(key="view_as_region").options
    import duckdb
    with duckdb.connect(str(demo_db), read_only=True) as con:
        village = con.execute("SELECT min(village_code) FROM households").fetchone()[0]
        counties = con.execute("SELECT count(DISTINCT county_code) FROM county_year").fetchone()[0]
    codes = [option.rsplit(" ", 1)[-1] for option in offered]
    assert codes[-2:] == [village[:9], village]
    assert sum(len(code) == 9 for code in codes) == 1 and sum(len(code) == 6 for code in codes) > counties
    at.selectbox(key="view_as_region").set_value(village).run()
    assert [e.value for e in at.exception] == [] and at.query_params["region"] == village
