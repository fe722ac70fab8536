"""Where the demo households live: real counties, synthetic townships and villages below them.

Townships (9 digits) and villages (12 digits) are invented, with invented names, and marked
synthetic in the regions table. Codes follow the national pattern: 镇 1xx, 乡 2xx, 村 2xx.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.demo.params import Params

# Syllables for invented place names, with a pinyin spelling for the English name.
SYLLABLES = (
    ("柳", "liu"), ("杨", "yang"), ("河", "he"), ("沟", "gou"), ("川", "chuan"), ("坪", "ping"),
    ("岔", "cha"), ("湾", "wan"), ("庄", "zhuang"), ("塬", "yuan"), ("梁", "liang"), ("峁", "mao"),
    ("泉", "quan"), ("石", "shi"), ("红", "hong"), ("新", "xin"), ("王", "wang"), ("李", "li"),
    ("马", "ma"), ("高", "gao"), ("白", "bai"), ("东", "dong"), ("西", "xi"), ("南", "nan"),
    ("北", "bei"), ("上", "shang"), ("下", "xia"), ("大", "da"), ("小", "xiao"), ("兴", "xing"),
    ("安", "an"), ("丰", "feng"), ("盛", "sheng"), ("家", "jia"), ("堡", "bao"), ("寨", "zhai"),
    ("山", "shan"), ("水", "shui"), ("青", "qing"), ("黄", "huang"), ("槐", "huai"), ("桃", "tao"),
)
MAX_TOWNS, MAX_XIANG, MAX_VILLAGES_PER_TOWNSHIP = 99, 199, 199
STREAM_COUNTIES, STREAM_VILLAGES = 1, 2
TOWN_SHARE = 0.45  # of a county's townships that are 镇 rather than 乡
VILLAGE_SIZE_SIGMA = 0.4  # lognormal spread of village sizes
NAME_STRIDE = 53  # coprime to len(SYLLABLES)**2, and moves both syllables each step


def chosen_provinces(regions: pd.DataFrame, provinces: str | Sequence[str], p: Params) -> list[str]:
    """Province codes of the world: the given ones, or every real province for 'all'."""
    excluded = set(p("world", "excluded_provinces"))
    if provinces == "all":
        codes = regions.loc[regions.level == "province", "code"]
        return sorted(c for c in codes if c not in excluded)
    codes = sorted({provinces} if isinstance(provinces, str) else {str(c) for c in provinces})
    known = set(regions.loc[regions.level == "province", "code"])
    unknown = [c for c in codes if c not in known or c in excluded]
    if unknown:
        raise ValueError(f"not a province of the demo world: {', '.join(unknown)}")
    return codes


def plan_counties(regions: pd.DataFrame, provinces: list[str], households: int, p: Params, seed: int) -> pd.DataFrame:
    """Counties of the chosen provinces with 脱贫县 flag, income level and household count.

    County-level units whose code ends in 00 (e.g. 嘉峪关 620200) are left out: by shape
    their code reads as a city, and villages below them would be ambiguous.
    """
    counties = regions[(regions.level == "county") & (regions.code.str[:2] + "0000").isin(provinces)]
    counties = counties[~counties.code.str.endswith("00")].sort_values("code").reset_index(drop=True)
    if counties.empty:
        raise ValueError("no counties in the chosen provinces")
    frame = pd.DataFrame({"code": counties.code.to_numpy()})
    frame["province"] = frame.code.str[:2] + "0000"
    frame["city"] = frame.code.str[:4] + "00"
    frame["poor"] = _poor_flags(frame, p, seed)
    rng = np.random.default_rng([seed, STREAM_COUNTIES])
    c = "counties"
    weight = np.exp(p(c, "size_sigma") * rng.standard_normal(len(frame)))
    weight *= np.where(frame.poor, p(c, "household_weight_poor"), 1.0)
    weight *= np.where(frame.code.str[4:].astype(int) <= 20, p(c, "household_weight_district"), 1.0)
    frame["households"] = rng.multinomial(households, weight / weight.sum())
    sigma = p(c, "income_sigma")
    frame["income_effect"] = np.exp(sigma * rng.standard_normal(len(frame)) - sigma**2 / 2)
    return frame[frame.households > 0].reset_index(drop=True)


def _poor_flags(frame: pd.DataFrame, p: Params, seed: int) -> np.ndarray:
    """Listed counties; in provinces without a list, a share drawn with the province's own stream."""
    listed = set(p("counties", "poor_counties"))
    shares = p("counties", "poor_share_by_province")
    flags = frame.code.isin(listed).to_numpy().copy()
    listed_provinces = {c[:2] + "0000" for c in listed}
    for province, rows in frame.groupby("province").indices.items():
        if province in listed_provinces:
            continue
        rng = np.random.default_rng([seed, STREAM_COUNTIES, int(province)])
        flags[rows] = rng.random(len(rows)) < shares.get(province, shares["default"])
    return flags


def plan_villages(counties: pd.DataFrame, p: Params, seed: int) -> pd.DataFrame:
    """Townships and villages of every county, sized for its households; one row per village.

    weight is the village's relative size; villages are in code order.
    """
    rng = np.random.default_rng([seed, STREAM_VILLAGES])
    households = counties.households.to_numpy()
    n_villages = np.maximum(1, np.ceil(households / p("counties", "households_per_village"))).astype(int)
    per_township = np.maximum(p("counties", "villages_per_township"),
                              np.ceil(n_villages / (MAX_TOWNS + MAX_XIANG))).astype(int)
    if (per_township > MAX_VILLAGES_PER_TOWNSHIP).any():
        raise ValueError("too many households for one county in the demo world")
    n_townships = np.ceil(n_villages / per_township).astype(int)
    county_idx = np.repeat(np.arange(len(counties)), n_villages)
    village_rank = rank_in_runs(county_idx)
    township_rank = village_rank * n_townships[county_idx] // n_villages[county_idx]
    # The first townships of a county are 镇 (codes 101..), the rest 乡 (codes 201..).
    n_towns = np.minimum(MAX_TOWNS, np.ceil(TOWN_SHARE * n_townships)).astype(int)[county_idx]
    is_town = township_rank < n_towns
    county_int = counties.code.astype(np.int64).to_numpy()[county_idx]
    township_code = county_int * 1000 + np.where(is_town, 101 + township_rank, 201 + township_rank - n_towns)
    return pd.DataFrame({
        "county_idx": county_idx,
        "township_code": township_code,
        "village_code": township_code * 1000 + 201 + rank_in_runs(township_code),
        "is_town": is_town,
        "weight": np.exp(VILLAGE_SIZE_SIGMA * rng.standard_normal(len(county_idx))),
    })


def _pair_names(pairs: np.ndarray, suffix_zh: np.ndarray, suffix_en: np.ndarray) -> tuple[list, list]:
    """Two-syllable names from pair indexes into SYLLABLES x SYLLABLES."""
    first, second = np.divmod(pairs, len(SYLLABLES))
    zh = [SYLLABLES[a][0] + SYLLABLES[b][0] + s for a, b, s in zip(first, second, suffix_zh, strict=True)]
    en = [(SYLLABLES[a][1] + SYLLABLES[b][1]).capitalize() + s
          for a, b, s in zip(first, second, suffix_en, strict=True)]
    return zh, en


def rank_in_runs(keys: np.ndarray) -> np.ndarray:
    """0, 1, 2 ... within each run of equal consecutive keys."""
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return np.arange(len(keys)) - np.repeat(starts, np.diff(np.r_[starts, len(keys)]))


def _names_in_groups(keys: np.ndarray, rng: np.random.Generator, suffix_zh, suffix_en) -> tuple[list, list]:
    """Names for each run of equal keys: a random first pair, then NAME_STRIDE steps."""
    pairs = len(SYLLABLES) ** 2
    rank = rank_in_runs(keys)
    sizes = np.diff(np.r_[np.flatnonzero(rank == 0), len(keys)])
    chosen = (np.repeat(rng.integers(0, pairs, len(sizes)), sizes) + NAME_STRIDE * rank) % pairs
    return _pair_names(chosen, np.broadcast_to(suffix_zh, len(keys)), np.broadcast_to(suffix_en, len(keys)))


def synthetic_region_rows(villages: pd.DataFrame, seed: int) -> pd.DataFrame:
    """regions rows (synthetic=TRUE) for the invented townships and villages.

    Names step through syllable pairs with a stride coprime to their number, so they are
    distinct within a county (townships) and within a township (villages).
    """
    rng = np.random.default_rng([seed, STREAM_VILLAGES, 1])
    towns = villages.drop_duplicates("township_code")
    t_zh, t_en = _names_in_groups(towns.county_idx.to_numpy(), rng, np.where(towns.is_town, "镇", "乡"),
                                  np.where(towns.is_town, " Town", " Township"))
    v_zh, v_en = _names_in_groups(villages.township_code.to_numpy(), rng, np.array("村"), np.array(" Village"))
    township_rows = pd.DataFrame({
        "code": towns.township_code.astype(str).to_numpy(), "name": t_zh, "name_en": t_en, "level": "township",
        "parent_code": (towns.township_code // 1000).astype(str).to_numpy(),
    })
    village_rows = pd.DataFrame({
        "code": villages.village_code.astype(str).to_numpy(), "name": v_zh, "name_en": v_en, "level": "village",
        "parent_code": villages.township_code.astype(str).to_numpy(),
    })
    rows = pd.concat([township_rows, village_rows], ignore_index=True)
    rows["synthetic"] = True
    return rows
