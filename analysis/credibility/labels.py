"""Words for the audit's results: reason names, what to verify, the evidence behind each flag, and lists."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import formatting
from analysis.credibility.audit import Audit
from analysis.credibility.digits import mad_band
from analysis.i18n import household_type, region_name, t

# reason -> (name, what to verify, evidence sentence): string keys written out so that every key is findable.
REASON_KEYS = {
    "bunching": ("cred_reason_bunching", "cred_verify_bunching", "cred_ev_bunching"),
    "jumps_to_line": ("cred_reason_jumps_to_line", "cred_verify_jumps_to_line", "cred_ev_jumps_to_line"),
    "transfer_crossing": ("cred_reason_transfer_crossing", "cred_verify_transfer_crossing",
                          "cred_ev_transfer_crossing"),
    "round_amounts": ("cred_reason_round_amounts", "cred_verify_round_amounts", "cred_ev_round_amounts"),
    "last_digit": ("cred_reason_last_digit", "cred_verify_last_digit", "cred_ev_last_digit"),
    "benford": ("cred_reason_benford", "cred_verify_benford", "cred_ev_benford"),
    "duplicate_person": ("cred_reason_duplicate_person", "cred_verify_duplicate_person", "cred_ev_duplicate_person"),
    "split_household": ("cred_reason_split_household", "cred_verify_split_household", "cred_ev_split_household"),
    "impossible_value": ("cred_reason_impossible_value", "cred_verify_impossible_value", "cred_ev_impossible_value"),
}
MAD_KEYS = {"close": "cred_mad_close", "acceptable": "cred_mad_acceptable", "marginal": "cred_mad_marginal",
            "nonconformity": "cred_mad_nonconformity"}


def reason_name(reason: str, lang: str) -> str:
    return t(REASON_KEYS[reason][0], lang)


def verify_hint(reason: str, lang: str) -> str:
    return t(REASON_KEYS[reason][1], lang)


def _evidence(reason: str, lang: str, **values: object) -> str:
    return t(REASON_KEYS[reason][2], lang, **values)


def _p(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.1e}" if value < 0.001 else f"{value:.3f}"


def _n(value: float, lang: str) -> str:
    return formatting.count(round(value), lang) if np.isfinite(value) else "—"


def county_evidence(row: pd.Series, reason: str, audit: Audit, lang: str) -> str:
    """One sentence with the numbers behind a county's flag."""
    s = audit.settings
    if reason == "bunching":
        province = audit.counties[audit.counties.code.str[:2] == row.code[:2]]
        placebo = [p for p in row.placebo_p if p is not None and not math.isnan(p)]
        return _evidence("bunching", lang, band=s("bunching", "band")[1], excess=_n(row.excess_households, lang),
                 low=_n(row.excess_low, lang), high=_n(row.excess_high, lang),
                 expected=_n(row.expected_band, lang), ratio=formatting.percent(row.excess_ratio),
                 per_below=f"{row.excess_per_below:.2f}", median=f"{province.excess_per_below.median():.2f}",
                 p=_p(row.density_p), placebo=t("cred_ev_placebo", lang, tested=len(placebo),
                                                hits=sum(p < s("testing", "alpha") for p in placebo)))
    name = "jumps" if reason == "jumps_to_line" else "transfer"
    return _evidence(reason, lang, events=formatting.count(row[f"{name}_events"], lang),
                     expected=f"{row[f'{name}_expected']:.1f}", q=_p(row[f"{name}_q"]))


def village_evidence(row: pd.Series, reason: str, audit: Audit, lang: str) -> str:
    """One sentence with the numbers behind a village's flag."""
    if reason in ("bunching", "jumps_to_line", "transfer_crossing"):
        name = "jumps" if reason == "jumps_to_line" else "transfer"
        return _evidence(reason, lang, events=formatting.count(row[f"{name}_events"], lang),
                         expected=f"{row[f'{name}_expected']:.1f}", q=_p(row[f"{name}_q"]))
    values = {
        "round_amounts": {"share": formatting.percent(row.round_share), "peer": formatting.percent(row.peer_round_share),
                          "q": _p(row.round_q)},
        "last_digit": {"chi2": f"{row.last_digit_chi2:.1f}", "q": _p(row.last_digit_q)},
        "benford": {"mad": f"{row.benford_mad:.3f}", "q": _p(row.first_digit_q),
                    "band": t(MAD_KEYS[mad_band(row.benford_mad, audit.settings)], lang)},
        "duplicate_person": {"count": row.duplicate_people},
        "split_household": {"count": row.split_households},
        "impossible_value": {"count": row.impossible_values},
    }[reason]
    return _evidence(reason, lang, **values)


def _joined(parts: list[str], lang: str, *, sentences: bool = False) -> str:
    return ("；" if sentences else "、").join(parts) if lang == "zh" else ("; " if sentences else ", ").join(parts)


def _strength(q_values: list[float]) -> float:
    finite = [q for q in q_values if q is not None and not math.isnan(q)]
    return min(finite) if finite else 0.0


def ranked_flags(audit: Audit, names: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Flagged counties and villages, one row each with every reason and its evidence, most reasons first.

    `names`: code, name, name_en for the units (regions table rows).
    """
    label = {row.code: region_name(row.name, row.name_en, lang) for row in names.itertuples()}
    rows = []
    for row in audit.counties[audit.counties.flagged].itertuples(index=False):
        series = pd.Series(row._asdict())
        rows.append({"code": row.code, "level": t("cred_level_county", lang), "unit": label.get(row.code, row.code),
                     "reasons": row.reasons, "n": len(row.reasons),
                     "strength": _strength([row.peer_q, row.jumps_q, row.transfer_q]),
                     "evidence": _joined([county_evidence(series, r, audit, lang) for r in row.reasons], lang,
                                         sentences=True)})
    for row in audit.flagged_villages.itertuples(index=False):
        series = pd.Series(row._asdict())
        unit = f"{label.get(row.county_code, row.county_code)} · {label.get(row.village_code, row.village_code)}"
        rows.append({"code": row.village_code, "level": t("cred_level_village", lang), "unit": unit,
                     "reasons": row.reasons, "n": len(row.reasons),
                     "strength": _strength([row.round_q, row.last_digit_q, row.first_digit_q, row.jumps_q,
                                            row.transfer_q]),
                     "evidence": _joined([village_evidence(series, r, audit, lang) for r in row.reasons], lang,
                                         sentences=True)})
    frame = pd.DataFrame(rows, columns=["code", "level", "unit", "reasons", "n", "strength", "evidence"])
    frame = frame.sort_values(["n", "strength"], ascending=[False, True]).reset_index(drop=True)
    frame["reason_names"] = frame.reasons.map(lambda rs: _joined([reason_name(r, lang) for r in rs], lang))
    return frame


def verification_list(audit: Audit, lang: str) -> pd.DataFrame:
    """The households behind the flags, masked, with reason, detail and what to verify, in the page's language."""
    h = audit.households
    return pd.DataFrame({
        t("cred_col_township", lang): [region_name(a, b, lang) for a, b in zip(h.township_name.fillna(""),
                                                                               h.township_name_en, strict=True)],
        t("cred_col_village", lang): [region_name(a, b, lang) for a, b in zip(h.village_name.fillna(""),
                                                                              h.village_name_en, strict=True)],
        t("cred_col_household", lang): h.household_id,
        t("cred_col_type", lang): [household_type(x, lang) for x in h.household_type],
        t("cred_col_members", lang): h.members,
        t("cred_col_head", lang): h.head_name_masked,
        t("cred_col_id", lang): h.id_number_masked,
        t("cred_col_reason", lang): [reason_name(r, lang) for r in h.reason],
        t("cred_col_detail", lang): h.detail.fillna(""),
        t("cred_col_verify", lang): [verify_hint(r, lang) for r in h.reason],
    })


def verification_sheets(audit: Audit, lang: str) -> dict[str, pd.DataFrame]:
    """The verification list with a sheet per township (核查清单 per 乡镇), named by township."""
    table = verification_list(audit, lang)
    sheets: dict[str, pd.DataFrame] = {}
    for code, rows in table.groupby(audit.households.township_code.to_numpy(), sort=True):
        name = rows[t("cred_col_township", lang)].iloc[0] or code
        sheets[f"{name} {code}"[:31]] = rows.reset_index(drop=True)
    return sheets or {t("cred_households_title", lang)[:31]: table}
