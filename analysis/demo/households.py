"""Demo households of a chunk of counties: where they live, who they are, masked identities.

Everything is drawn as whole arrays. Names exist only in masked form (张*明) and ID numbers are
fake (county code, random birth date and sequence, valid check digit): the raw fake number is
built in SQL only to hash and mask it, and never stored.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.demo.params import Params
from analysis.demo.places import rank_in_runs
from analysis.privacy import id_check_index

HOUSEHOLD_TYPES = ("脱贫户", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户", "一般农户")
FORMERLY_POOR, UNSTABLE, EDGE, SUDDEN, ORDINARY = range(5)
MONITORED = (UNSTABLE, EDGE, SUDDEN)
SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "马", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
    "郭", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅",
    "魏", "苏", "蒋", "田", "杜", "丁", "任", "牛", "白", "包", "石", "彭", "贾", "祁",
)
GIVEN = tuple("明华军平强芳英兰红霞伟刚勇杰涛斌辉鹏晓燕娟玲梅秀珍文武福禄寿喜成忠孝德义海山林春生")
THREE_CHARACTER_NAMES = 0.85  # share of heads with a two-character given name (张*明 rather than 张*)


@dataclass
class Households:
    """Arrays over the households of one chunk, in code order (county, village, sequence)."""

    county: np.ndarray          # index into the chunk's counties
    number: np.ndarray          # household id as a number: village code * 10_000 + sequence
    kind: np.ndarray            # index into HOUSEHOLD_TYPES
    members: np.ndarray
    labour: np.ndarray
    relocated: np.ndarray
    since: np.ndarray           # datetime64[D], NaT if never monitored
    eliminated: np.ndarray      # datetime64[D], NaT if risk not eliminated
    cause: np.ndarray           # index into risk causes, -1 if none
    name: np.ndarray            # index into masked_names()
    id_body: np.ndarray         # first 17 characters of the fake ID number, as a number
    id_check: np.ndarray        # index into ID_CHECK

    @property
    def monitored(self) -> np.ndarray:
        return np.isin(self.kind, MONITORED)


def masked_names() -> list[str]:
    """Every masked head name the demo can produce: 张*明 (three characters) and 张* (two)."""
    return [s + "*" + g for s in SURNAMES for g in GIVEN] + [s + "*" for s in SURNAMES]


def _villages_of(counts: np.ndarray, villages: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Village row (within the chunk) of each household, sorted; every village gets at least one."""
    county = np.repeat(np.arange(len(counts)), counts)
    rank = np.arange(len(county)) - np.repeat(np.cumsum(counts) - counts, counts)
    v_county = villages.county_idx.to_numpy() - villages.county_idx.iloc[0]
    n_villages = np.bincount(v_county, minlength=len(counts))
    first_village = np.cumsum(n_villages) - n_villages
    weight = villages.weight.to_numpy()
    totals = np.bincount(v_county, weight, minlength=len(counts))
    within = (np.cumsum(weight) - (np.cumsum(totals) - totals)[v_county]) / totals[v_county]
    within[first_village + n_villages - 1] = 1.0  # exact upper end, so a draw never spills into the next county
    drawn = np.searchsorted(v_county + within, county + rng.random(len(county)), side="right")
    chosen = np.where(rank < n_villages[county], first_village[county] + rank, drawn)
    return np.sort(chosen)


def _days(text: str) -> int:
    return int(np.datetime64(text, "D").astype(np.int64))


def _monitoring(kind: np.ndarray, p: Params, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """纳入监测 and 风险消除 dates and risk cause for monitored households."""
    h = "households"
    n = len(kind)
    monitored = np.isin(kind, MONITORED)
    first, last = (_days(d) for d in p(h, "monitored_since"))
    since = first + rng.integers(0, last - first + 1, n)
    low, high = p(h, "risk_eliminated_after_days")
    room = np.minimum(high, _days(p("world", "as_of")) - since)
    eliminated = since + low + (rng.random(n) * (room - low)).astype(np.int64)
    is_eliminated = monitored & (rng.random(n) < p(h, "risk_eliminated_share"))
    causes = p(h, "risk_causes")
    cause = rng.choice(len(causes), size=n, p=np.array(list(causes.values())) / sum(causes.values()))
    nat = np.datetime64("NaT", "D")
    return (np.where(monitored, since.astype("datetime64[D]"), nat),
            np.where(is_eliminated, eliminated.astype("datetime64[D]"), nat),
            np.where(monitored, cause, -1))


def _fake_ids(county_code: np.ndarray, p: Params, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Fake 18-character ID numbers: county + birth date + sequence, with a valid check character."""
    low, high = p("households", "head_age")
    age_days = (rng.uniform(low, high, len(county_code)) * 365.25).astype(int)
    born = np.datetime64(p("world", "as_of"), "D") - age_days
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    month = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
    prefix = county_code * 10**8 + year * 10_000 + month * 100 + day
    # Heads sharing county and birth date take consecutive sequence numbers, so IDs are distinct.
    order = np.argsort(prefix, kind="stable")
    rank = rank_in_runs(prefix[order])
    first = np.maximum.accumulate(np.where(rank == 0, np.arange(len(rank)), 0))
    sequence = np.empty(len(prefix), dtype=np.int64)
    sequence[order] = (rng.integers(0, 1000, len(prefix))[first] + rank) % 1000
    body = prefix * 1000 + sequence
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1)) % 10
    return body, id_check_index(digits)


def draw_households(counties: pd.DataFrame, villages: pd.DataFrame, p: Params,
                    rng: np.random.Generator) -> Households:
    """Households of a chunk: counties (with households, poor) and their villages, in code order."""
    h = "households"
    village = _villages_of(counties.households.to_numpy(), villages, rng)
    codes = villages.village_code.to_numpy()[village]
    sequence = rank_in_runs(village) + 1
    if sequence.max(initial=0) > 9999:
        raise ValueError("a demo village would hold more than 9,999 households")
    county = villages.county_idx.to_numpy()[village] - villages.county_idx.iloc[0]
    n = len(village)
    shares = np.array([[p(h, key)[t] for t in HOUSEHOLD_TYPES]
                       for key in ("type_shares_other_county", "type_shares_poor_county")])
    cum = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)
    kind = (rng.random(n)[:, None] >= cum[counties.poor.to_numpy()[county].astype(int)]).sum(axis=1)
    members = rng.choice(7, size=n, p=np.array(p(h, "members")) / sum(p(h, "members"))) + 1
    relocate_chance = np.where(np.isin(kind, (FORMERLY_POOR, UNSTABLE)), p(h, "relocated_formerly_poor"),
                               p(h, "relocated_other"))
    since, eliminated, cause = _monitoring(kind, p, rng)
    n_names = len(masked_names())
    three_chars = rng.random(n) < THREE_CHARACTER_NAMES
    surname = rng.integers(0, len(SURNAMES), n)
    name = np.where(three_chars, surname * len(GIVEN) + rng.integers(0, len(GIVEN), n),
                    n_names - len(SURNAMES) + surname)
    id_body, id_check = _fake_ids(codes // 1_000_000, p, rng)
    return Households(
        county=county, number=codes * 10_000 + sequence, kind=kind, members=members,
        labour=rng.binomial(members, p(h, "labour_probability")), relocated=rng.random(n) < relocate_chance,
        since=since, eliminated=eliminated, cause=cause, name=name, id_body=id_body, id_check=id_check,
    )


def households_frame(hh: Households, p: Params) -> pd.DataFrame:
    """Columns for the households INSERT (strings are built in SQL from the numbers)."""
    causes = list(p("households", "risk_causes"))
    return pd.DataFrame({
        "number": hh.number,
        "kind": pd.Categorical.from_codes(hh.kind, HOUSEHOLD_TYPES),
        "members": hh.members.astype("int32"),
        "labour": hh.labour.astype("int32"),
        "relocated": hh.relocated,
        "since": pd.to_datetime(hh.since),
        "eliminated": pd.to_datetime(hh.eliminated),
        "cause": pd.Categorical.from_codes(hh.cause, causes),
        "name": pd.Categorical.from_codes(hh.name, masked_names()),
        "id_body": hh.id_body,
        "id_check": hh.id_check.astype("int32"),
    })
