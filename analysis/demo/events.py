"""Disasters and migrant employment of the demo world, by county.

Flood events are planned before any household exists, because households' crop and livestock
income in a flooded county-year depends on them (the planted effect); their affected people
are filled in afterwards from the county's demo population.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.demo.params import Params

HAZARD_CODES = {"flood": "FL", "drought": "DR", "hail": "HL"}
STREAM_HAZARDS, STREAM_EMPLOYMENT = 4, 5


def plan_hazards(counties: pd.DataFrame, years: list[int], p: Params, seed: int) -> pd.DataFrame:
    """One row per event: county_idx, year, hazard, severity, start and end dates, event_id."""
    rng = np.random.default_rng([seed, STREAM_HAZARDS])
    h = "hazards"
    n, n_years = len(counties), len(years)
    city_idx = pd.factorize(counties.city)[0]
    city_flood = rng.random((city_idx.max() + 1, n_years)) < p(h, "flood_city_year_probability")
    hit = {"flood": city_flood[city_idx] & (rng.random((n, n_years)) < p(h, "flood_county_probability"))}
    for hazard, chance in p(h, "other_county_year_probability").items():
        hit[hazard] = rng.random((n, n_years)) < chance
    frames = []
    for hazard, mask in hit.items():
        county_idx, year_idx = np.nonzero(mask)
        first_month, last_month = p(h, "months")[hazard]
        month = rng.integers(first_month, last_month + 1, len(county_idx))
        day = rng.integers(1, 29, len(county_idx))
        start = pd.to_datetime({"year": np.asarray(years)[year_idx], "month": month, "day": day})
        shortest, longest = p(h, "duration_days")[hazard]
        end = start + pd.to_timedelta(rng.integers(shortest, longest + 1, len(county_idx)), unit="D")
        frames.append(pd.DataFrame({
            "county_idx": county_idx, "year": np.asarray(years)[year_idx], "hazard": hazard,
            "severity": rng.choice(4, size=len(county_idx), p=p(h, "severity")) + 1,
            "start_date": start, "end_date": end,
        }))
    events = pd.concat(frames, ignore_index=True).sort_values(["county_idx", "start_date"], ignore_index=True)
    events["county_code"] = counties.code.to_numpy()[events.county_idx]
    events["event_id"] = ("DEMO-" + events.hazard.map(HAZARD_CODES) + "-" + events.county_code + "-"
                          + events.year.astype(str))
    return events


def flood_severity(events: pd.DataFrame, n_counties: int, years: list[int]) -> np.ndarray:
    """(county, year) matrix of the worst flood severity, 0 where no flood."""
    out = np.zeros((n_counties, len(years)), dtype=np.int64)
    floods = events[events.hazard == "flood"]
    np.maximum.at(out, (floods.county_idx.to_numpy(), floods.year.to_numpy() - years[0]), floods.severity.to_numpy())
    return out


def disaster_rows(events: pd.DataFrame, county_people: np.ndarray, p: Params, seed: int) -> pd.DataFrame:
    """disasters table rows; sizes scale with the county's demo population."""
    rng = np.random.default_rng([seed, STREAM_HAZARDS, 1])
    h = "hazards"
    severity = events.severity.to_numpy() - 1
    n = len(events)
    share = np.asarray(p(h, "affected_share"))[severity] * np.exp(0.3 * rng.standard_normal(n))
    affected = np.maximum(1, np.round(county_people[events.county_idx] * share)).astype(np.int64)
    crop_ha = affected * p(h, "crop_ha_per_person") * np.exp(0.4 * rng.standard_normal(n))
    loss = affected * np.asarray(p(h, "loss_per_person"))[severity] * np.exp(0.3 * rng.standard_normal(n))
    return pd.DataFrame({
        "event_id": events.event_id, "hazard": events.hazard, "county_code": events.county_code,
        "start_date": events.start_date.dt.date, "end_date": events.end_date.dt.date,
        "severity": events.severity.astype("int32"), "affected_people": affected,
        "crop_damage_ha": np.round(crop_ha, 1), "direct_loss": np.round(loss, -2),
    })


def _festival_overlap(months: pd.DatetimeIndex, p: Params) -> np.ndarray:
    """Share of the 30 days around each Spring Festival (−10 … +20 days) that falls in each month."""
    festivals = pd.to_datetime(p("employment", "spring_festival")).to_numpy().astype("datetime64[D]")
    m_start = months.to_numpy().astype("datetime64[D]")
    m_end = (months + pd.offsets.MonthBegin(1)).to_numpy().astype("datetime64[D]")
    lo = np.maximum(m_start[:, None], festivals[None, :] - 10)
    hi = np.minimum(m_end[:, None], festivals[None, :] + 20)
    return np.clip((hi - lo).astype(np.int64), 0, None).sum(axis=1) / 30


def _expected_share_away(months: pd.DatetimeIndex, p: Params) -> np.ndarray:
    """Share of formerly poor labour working away in each month: trend × festival dip × 2020 restrictions."""
    e = "employment"
    index = np.array([p(e, "year_index")[str(y)] for y in months.year])
    covid = np.array([p(e, "covid_2020").get(str(m.month), 1.0) if m.year == 2020 else 1.0 for m in months])
    dip = 1 - p(e, "spring_festival_dip") * _festival_overlap(months, p)
    return p(e, "migrant_share") * index * dip * covid


def employment_rows(counties: pd.DataFrame, labour: np.ndarray, p: Params, seed: int) -> pd.DataFrame:
    """Monthly employment per county from the labour of its formerly poor households."""
    rng = np.random.default_rng([seed, STREAM_EMPLOYMENT])
    e = "employment"
    months = pd.date_range(*p("world", "employment_months"), freq="MS")
    year = months.year.to_numpy()
    years = np.unique(year)
    shape = (len(labour), len(months))
    sigma = p(e, "noise_sigma")
    expected = labour[:, None] * _expected_share_away(months, p)[None, :]
    migrants = np.round(expected * np.exp(sigma * rng.standard_normal(shape) - sigma**2 / 2))
    # The annual target task: a share of the year's expected workers away, constant over the year.
    year_share = p(e, "migrant_share") * np.array([p(e, "year_index")[str(y)] for y in years])
    target = np.round(labour[:, None] * year_share * rng.uniform(*p(e, "target_ratio"), (len(labour), len(years))))
    rate = p(e, "returned_rate")
    previous = np.concatenate([migrants[:, :1], migrants[:, :-1]], axis=1)
    returned = previous * (rate["base"] + rate["spring_festival"] * _festival_overlap(months, p))
    welfare = p(e, "public_welfare")
    jobs = labour[:, None] * welfare["share"] * (1 + welfare["yearly_growth"] * (year - year[0]))
    return pd.DataFrame({
        "county_code": np.repeat(counties.code.to_numpy(), len(months)),
        "month": np.tile(months.date, len(labour)),
        "migrant_workers": migrants.ravel().astype("int32"),
        "target": target[:, np.searchsorted(years, year)].ravel().astype("int32"),
        "returned": np.round(returned * np.exp(0.2 * rng.standard_normal(shape))).ravel().astype("int32"),
        "public_welfare_jobs": np.round(jobs * np.exp(0.05 * rng.standard_normal(shape))).ravel().astype("int32"),
    })
