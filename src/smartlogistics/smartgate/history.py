"""A synthetic history of Schiphol import air cargo with inspection outcomes (SYNTHETIC).

Nothing here is real data: every row carries ``is_synthetic = 1`` and the CSV writer puts
it in every row, so a generated file cannot be mistaken for a customs record. The data
exists to train, test and demonstrate the risk model, with **planted risk patterns** whose
strength is known, so that tests can check that they appear at the rates set here and
benchmarks can check that the model finds them. Every number is an ``assumption`` (listed
with its reason in ``docs/smartgate-model.md``); the overall illicit rate is set near the
2.24 % test-year rate of the DATE paper (Kim et al., KDD 2020, in
``../shared/facts/customs.md``) as a plausible order of magnitude.

How a row is drawn
------------------
1. A consignor (Zipf-like repeat business) fixes origin airport and country; a consignee
   (also Zipf-like) in the Netherlands or a neighbour; a declarant (customs broker).
2. Goods: an HS chapter by import share, a 6-digit code in it and a matching
   description; pieces and weight; the true value from the chapter's value density.
3. Routing ``origin;[hub;]AMS``, a carrier serving the origin, its flight and a master
   air waybill shared by all houses on that flight that day.
4. Illicit or not: a logistic propensity from the chapter, **repeat-offender** consignors
   and declarants, and **risky transit hubs**, its intercept solved so that the mean
   propensity is the target rate.
5. An illicit row shows one modus operandi: **undervaluation** (declared value a fraction
   of the true value), **misdescription** (declared HS code of another chapter than the
   goods described), a **vague description** ("gifts", "parts", ...) or concealment (no
   trace in the data). Honest rows show the same signals now and then, at lower rates.
6. The label is the inspection outcome: a share of illicit rows is missed and a few
   honest ones are recorded positive (label noise). ``value_at_stake`` is the duty and
   VAT evaded by a positive (zero for negatives).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

__all__ = [
    "CHAPTERS",
    "COLUMNS",
    "HistoryParams",
    "generate_history",
    "write_history_csv",
]

#: Consignment columns (the contract with ``smartgate.consignment``), then the history's.
CONSIGNMENT_COLUMNS = (
    "id",
    "house_awb",
    "master_awb",
    "pieces",
    "gross_weight_kg",
    "description",
    "consignor_name",
    "consignor_address",
    "consignor_country",
    "consignee_name",
    "consignee_address",
    "consignee_country",
    "hs_code",
    "consignee_eori",
    "declared_value",
    "currency",
    "origin_airport",
    "routing",
    "carrier",
    "declarant",
    "flight",
    "filed_at",
)
COLUMNS = (*CONSIGNMENT_COLUMNS, "date", "label", "value_at_stake", "is_synthetic")


@dataclass(frozen=True)
class Chapter:
    """One HS chapter of the goods mix (all numbers are assumptions).

    Parameters
    ----------
    code
        Two-digit chapter.
    share
        Share of consignments.
    density
        Median true value in EUR per kg.
    duty
        Import duty rate on the value (VAT comes on top).
    risk
        Log-odds effect on the illicit propensity.
    goods
        ``(hs6, descriptions)`` pairs.
    """

    code: str
    share: float
    density: float
    duty: float
    risk: float
    goods: tuple[tuple[str, tuple[str, ...]], ...]


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("03", 0.05, 12.0, 0.08, 0.0, (
        ("030214", ("fresh atlantic salmon", "chilled salmon whole fish")),
        ("030617", ("frozen shrimps", "frozen prawns tiger")),
    )),
    Chapter("06", 0.04, 8.0, 0.08, -0.3, (
        ("060311", ("fresh cut roses", "roses cut flowers")),
        ("060319", ("fresh cut flowers orchids", "cut flowers chrysanthemum")),
    )),
    Chapter("08", 0.05, 4.0, 0.10, -0.2, (
        ("080450", ("fresh mangoes", "mango fruit fresh")),
        ("081090", ("fresh passion fruit", "fresh lychees")),
    )),
    Chapter("09", 0.03, 10.0, 0.03, 0.0, (
        ("090121", ("roasted coffee beans", "coffee roasted")),
        ("090240", ("black tea leaves", "tea black fermented")),
    )),
    Chapter("24", 0.01, 60.0, 0.57, 1.2, (
        ("240220", ("cigarettes", "cigarettes containing tobacco")),
        ("240311", ("water pipe tobacco", "shisha tobacco")),
    )),
    Chapter("29", 0.02, 50.0, 0.06, 0.5, (
        ("291469", ("organic chemical ketones", "quinones chemical compound")),
        ("293299", ("heterocyclic compounds", "organic chemical intermediate")),
    )),
    Chapter("30", 0.08, 250.0, 0.0, 0.6, (
        ("300490", ("medicaments in doses", "pharmaceutical tablets")),
        ("300215", ("immunological products", "vaccines for human medicine")),
    )),
    Chapter("33", 0.04, 60.0, 0.05, 0.3, (
        ("330300", ("perfumes eau de toilette", "perfume spray bottles")),
        ("330499", ("skin care creams", "cosmetic make up preparations")),
    )),
    Chapter("39", 0.06, 8.0, 0.065, -0.2, (
        ("392690", ("plastic articles", "plastic fittings and parts")),
        ("392329", ("plastic bags and sacks", "polyethylene packaging bags")),
    )),
    Chapter("42", 0.03, 150.0, 0.03, 0.5, (
        ("420221", ("leather handbags", "handbags outer surface leather")),
        ("420231", ("leather wallets", "wallets of leather")),
    )),
    Chapter("61", 0.06, 35.0, 0.12, 0.2, (
        ("610910", ("cotton t shirts knitted", "t shirts of cotton")),
        ("611020", ("cotton sweaters knitted", "pullovers of cotton")),
    )),
    Chapter("62", 0.05, 40.0, 0.12, 0.2, (
        ("620342", ("mens cotton trousers", "trousers of cotton woven")),
        ("620462", ("womens cotton trousers", "ladies trousers woven")),
    )),
    Chapter("64", 0.04, 45.0, 0.17, 0.4, (
        ("640411", ("sports shoes textile uppers", "running shoes")),
        ("640399", ("leather shoes", "footwear with leather uppers")),
    )),
    Chapter("71", 0.01, 2000.0, 0.025, 1.0, (
        ("711319", ("gold jewellery", "jewellery of precious metal")),
        ("710239", ("diamonds worked", "polished diamonds")),
    )),
    Chapter("84", 0.14, 120.0, 0.02, -0.1, (
        ("847130", ("laptop computers", "portable computers notebooks")),
        ("847330", ("computer parts and accessories", "printed circuit assemblies for computers")),
        ("848180", ("industrial valves", "taps and valves")),
    )),
    Chapter("85", 0.16, 180.0, 0.03, 0.3, (
        ("851713", ("smartphones", "mobile phones smartphones")),
        ("854231", ("integrated circuits processors", "electronic integrated circuits")),
        ("850760", ("lithium ion batteries", "lithium ion accumulators")),
    )),
    Chapter("87", 0.04, 30.0, 0.045, -0.1, (
        ("870899", ("motor vehicle parts", "automotive spare brake parts")),
        ("871200", ("bicycles", "bicycles not motorised")),
    )),
    Chapter("90", 0.05, 250.0, 0.02, 0.0, (
        ("901890", ("medical instruments", "surgical instruments")),
        ("900190", ("optical lenses", "optical elements unmounted")),
    )),
    Chapter("91", 0.01, 900.0, 0.045, 0.9, (
        ("910211", ("wrist watches", "wristwatches electrically operated")),
        ("910121", ("automatic watches precious metal case", "luxury wrist watches")),
    )),
    Chapter("95", 0.03, 20.0, 0.0, 0.0, (
        ("950300", ("toys", "plastic toys for children")),
        ("950450", ("video game consoles", "game consoles and machines")),
    )),
)  # fmt: skip

#: Descriptions that ICS2 does not accept (facts sheet: "gifts", "parts", ...).
VAGUE_DESCRIPTIONS = (
    "gifts",
    "parts",
    "samples",
    "consolidated",
    "general cargo",
    "spare parts",
    "accessories",
    "personal effects",
)

#: Origin airports (IATA) with country (ISO 3166) and share of consignors.
ORIGINS: tuple[tuple[str, str, float], ...] = (
    ("PVG", "CN", 0.12), ("HKG", "HK", 0.11), ("PEK", "CN", 0.05), ("CAN", "CN", 0.05),
    ("ICN", "KR", 0.05), ("NRT", "JP", 0.04), ("TPE", "TW", 0.04), ("SIN", "SG", 0.04),
    ("BKK", "TH", 0.03), ("DEL", "IN", 0.04), ("BOM", "IN", 0.03), ("DXB", "AE", 0.03),
    ("IST", "TR", 0.03), ("JFK", "US", 0.05), ("ORD", "US", 0.04), ("ATL", "US", 0.02),
    ("LAX", "US", 0.03), ("MIA", "US", 0.02), ("YYZ", "CA", 0.02), ("MEX", "MX", 0.01),
    ("GRU", "BR", 0.02), ("BOG", "CO", 0.02), ("LIM", "PE", 0.01), ("NBO", "KE", 0.03),
    ("JNB", "ZA", 0.02), ("ADD", "ET", 0.01), ("LOS", "NG", 0.01), ("ACC", "GH", 0.01),
    ("CAI", "EG", 0.01), ("KUL", "MY", 0.02), ("SGN", "VN", 0.02), ("HAN", "VN", 0.01),
)  # fmt: skip

#: Transit hubs of indirect routings (the planted risky ones are in ``HistoryParams``).
HUBS = ("DXB", "DOH", "IST", "FRA", "LHR", "CDG", "LEJ", "ADD", "NBO", "ICN", "LGG", "AUH")

#: Carriers (IATA code, air waybill prefix).
CARRIERS: tuple[tuple[str, str], ...] = (
    ("KL", "074"), ("MP", "074"), ("CV", "172"), ("EK", "176"), ("QR", "157"), ("TK", "235"),
    ("CX", "160"), ("LH", "020"), ("SQ", "618"), ("ET", "071"), ("KE", "180"), ("AF", "057"),
    ("DL", "006"), ("CI", "297"), ("NH", "205"), ("CA", "999"), ("MU", "781"), ("EY", "607"),
)  # fmt: skip

_SYLLABLES = (
    "Han", "Xin", "Long", "Tai", "Sun", "Star", "Lotus", "Ocean", "Golden", "Pacific",
    "Delta", "Apex", "Nova", "Orient", "Sky", "Blue", "Jade", "Royal", "Prime", "Unity",
)  # fmt: skip
_SUFFIXES = ("Trading Co Ltd", "Export Ltd", "International", "Industries", "Logistics", "Inc")
_NL_NAMES = (
    "Van Dijk", "De Vries", "Bakker", "Jansen", "Visser", "Smit", "Meijer", "Mulder",
    "De Boer", "Bos", "Vos", "Peters", "Hendriks", "Dekker", "Brouwer", "Kok",
)  # fmt: skip
_NL_KINDS = ("Import B.V.", "Trading B.V.", "Distribution B.V.", "Holding B.V.", "Retail B.V.")
_NL_CITIES = ("Amsterdam", "Hoofddorp", "Schiphol", "Rotterdam", "Utrecht", "Venlo", "Tilburg")
_STREETS = ("Industrieweg", "Havenstraat", "Stationsplein", "Kanaalweg", "Main Road", "Park Ave")
_BROKERS = (
    "Schiphol Customs Services", "Dutch Clearance", "Air Cargo Brokers", "Holland Declarations",
    "Amstel Forwarding", "Polder Customs", "Kennemer Clearing", "Westpoort Brokers",
)  # fmt: skip


@dataclass(frozen=True)
class HistoryParams:
    """Every parameter of the generator (each an assumption; see docs/smartgate-model.md).

    Attributes are documented in the docs table; the defaults give an observed positive
    rate near 2.3 %.
    """

    illicit_rate: float = 0.025
    miss_rate: float = 0.10
    false_positive_rate: float = 0.001
    days: int = 365
    consignors_per_row: float = 1 / 25
    consignees_per_row: float = 1 / 40
    declarants: int = 60
    zipf_exponent: float = 1.1
    offender_consignor_share: float = 0.02
    offender_consignor_effect: float = 2.8
    offender_declarants: int = 3
    offender_declarant_effect: float = 1.6
    risky_hubs: tuple[str, ...] = ("LGG", "AUH")
    risky_hub_effect: float = 1.3
    direct_share: float = 0.55
    patterns: tuple[tuple[str, float], ...] = field(
        default=(
            ("undervaluation", 0.40),
            ("misdescription", 0.25),
            ("vague", 0.15),
            ("concealment", 0.20),
        )
    )
    undervaluation_range: tuple[float, float] = (0.05, 0.30)
    honest_vague_rate: float = 0.03
    honest_low_value_rate: float = 0.02
    honest_wrong_code_rate: float = 0.01
    value_sigma: float = 0.45
    weight_per_piece_median_kg: float = 8.0
    weight_per_piece_sigma: float = 1.0
    mean_extra_pieces: float = 2.0
    vat_rate: float = 0.21
    penalty_share: float = 0.25
    currencies: tuple[tuple[str, float, float], ...] = (
        ("EUR", 0.55, 1.0),
        ("USD", 0.40, 1.08),
        ("GBP", 0.05, 0.85),
    )
    eori_missing_rate: float = 0.03


def _zipf_weights(k: int, exponent: float) -> NDArray[np.float64]:
    w = 1.0 / np.arange(1, k + 1, dtype=np.float64) ** exponent
    return np.asarray(w / w.sum(), dtype=np.float64)


def _choice(rng: np.random.Generator, p: NDArray[np.float64], size: int) -> NDArray[np.int64]:
    """Draw indices with probabilities ``p`` (inverse CDF: fast and seed-stable)."""
    cdf = np.cumsum(p)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(p) - 1).astype(
        np.int64
    )


def _sigmoid(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-x))


def _solve_intercept(effects: NDArray[np.float64], target: float) -> float:
    lo, hi = -20.0, 5.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if float(_sigmoid(mid + effects).mean()) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def generate_history(
    n: int,
    *,
    seed: int,
    start: date | str = "2024-01-01",
    params: HistoryParams | None = None,
    truth: bool = False,
) -> pd.DataFrame:
    """Draw ``n`` synthetic import consignments with inspection outcomes.

    Parameters
    ----------
    n
        Rows.
    seed
        Seeds every random draw: the same ``n``, ``seed``, ``start`` and ``params`` give
        the same frame.
    start
        First day of the period; rows are spread over ``params.days`` days, in time order.
    params
        The generator's assumptions (:class:`HistoryParams`).
    truth
        Also return the hidden truth: ``illicit`` (0/1 before label noise) and
        ``pattern`` (``none``, ``undervaluation``, ``misdescription``, ``vague``,
        ``concealment``), for tests and benchmarks. Never train on these.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` (strings for codes, numbers for quantities), plus the
        truth columns when asked.
    """
    import pandas as pd

    from smartlogistics.errors import InvalidInputError

    if n < 1:
        raise InvalidInputError("n", f"must be at least 1, got {n}")
    p = params or HistoryParams()
    rng = np.random.default_rng(seed)
    first_day = np.datetime64(date.fromisoformat(start) if isinstance(start, str) else start, "s")

    # --- parties ---------------------------------------------------------------------------
    n_cnor = max(30, round(n * p.consignors_per_row))
    n_cnee = max(30, round(n * p.consignees_per_row))
    origin_p = np.array([o[2] for o in ORIGINS])
    cnor_origin = _choice(rng, origin_p / origin_p.sum(), n_cnor)
    syl = np.array(_SYLLABLES, dtype=object)
    cnor_names = [
        f"{syl[a]} {syl[b]} {_SUFFIXES[c]} {i % 97 + 1}"
        for i, (a, b, c) in enumerate(
            zip(
                rng.integers(0, len(syl), n_cnor),
                rng.integers(0, len(syl), n_cnor),
                rng.integers(0, len(_SUFFIXES), n_cnor),
                strict=True,
            )
        )
    ]
    cnor_addr = [
        f"{rng.integers(1, 999)} {_STREETS[rng.integers(0, len(_STREETS))]}, {ORIGINS[o][0]} city"
        for o in cnor_origin
    ]
    cnor_offender = rng.random(n_cnor) < p.offender_consignor_share
    cnee_country = np.where(
        rng.random(n_cnee) < 0.85, "NL", np.where(rng.random(n_cnee) < 0.5, "BE", "DE")
    )
    cnee_names = [
        f"{_NL_NAMES[a]} {_NL_KINDS[b]}" + (f" {i}" if i >= len(_NL_NAMES) * len(_NL_KINDS) else "")
        for i, (a, b) in enumerate(
            zip(
                rng.integers(0, len(_NL_NAMES), n_cnee),
                rng.integers(0, len(_NL_KINDS), n_cnee),
                strict=True,
            )
        )
    ]
    cities = rng.integers(0, len(_NL_CITIES), n_cnee)
    cnee_addr = [
        f"{_STREETS[rng.integers(0, 4)]} {rng.integers(1, 300)}, {_NL_CITIES[c]}" for c in cities
    ]
    cnee_eori = [f"{c}{rng.integers(10**8, 10**9)}" for c in cnee_country]
    declarant_names = [
        f"{_BROKERS[i % len(_BROKERS)]} {i // len(_BROKERS) + 1:02d}" for i in range(p.declarants)
    ]
    decl_offender = np.zeros(p.declarants, dtype=bool)
    decl_offender[
        rng.choice(p.declarants, size=min(p.offender_declarants, p.declarants), replace=False)
    ] = True
    origin_carriers = [rng.choice(len(CARRIERS), size=3, replace=False) for _ in ORIGINS]
    flight_numbers = rng.integers(1, 9999, size=(len(CARRIERS), len(ORIGINS)))

    # --- rows ------------------------------------------------------------------------------
    cnor = _choice(rng, _zipf_weights(n_cnor, p.zipf_exponent), n)
    # shuffle the Zipf ranks so that big consignors are not the first generated
    cnor = rng.permutation(n_cnor)[cnor]
    cnee = rng.permutation(n_cnee)[_choice(rng, _zipf_weights(n_cnee, p.zipf_exponent), n)]
    decl = rng.permutation(p.declarants)[_choice(rng, _zipf_weights(p.declarants, 0.8), n)]
    origin = cnor_origin[cnor]
    carrier_slot = rng.integers(0, 3, n)
    carrier = np.array([origin_carriers[o][s] for o, s in zip(origin, carrier_slot, strict=True)])
    direct = rng.random(n) < p.direct_share
    hub_idx = rng.integers(0, len(HUBS), n)
    hubs = np.array(HUBS, dtype=object)[hub_idx]
    origin_codes = np.array([o[0] for o in ORIGINS], dtype=object)[origin]
    hubs = np.where(hubs == origin_codes, "FRA", hubs)

    ch_share = np.array([c.share for c in CHAPTERS])
    chapter = _choice(rng, ch_share / ch_share.sum(), n)
    goods_slot = rng.random(n)
    good = np.array(
        [int(u * len(CHAPTERS[c].goods)) for c, u in zip(chapter, goods_slot, strict=True)]
    )

    # --- illicit propensity ----------------------------------------------------------------
    effects = np.array([c.risk for c in CHAPTERS])[chapter]
    effects = effects + np.where(cnor_offender[cnor], p.offender_consignor_effect, 0.0)
    effects = effects + np.where(decl_offender[decl], p.offender_declarant_effect, 0.0)
    risky = ~direct & np.isin(hubs, np.array(p.risky_hubs, dtype=object))
    effects = effects + np.where(risky, p.risky_hub_effect, 0.0)
    intercept = _solve_intercept(effects, p.illicit_rate)
    illicit = rng.random(n) < _sigmoid(intercept + effects)
    names = [name for name, _ in p.patterns]
    shares = np.array([s for _, s in p.patterns])
    pattern = np.where(
        illicit, np.array(names, dtype=object)[_choice(rng, shares / shares.sum(), n)], "none"
    )

    # --- goods, weights, values ------------------------------------------------------------
    pieces = 1 + rng.poisson(p.mean_extra_pieces, n)
    wpp = np.exp(
        np.log(p.weight_per_piece_median_kg) + p.weight_per_piece_sigma * rng.standard_normal(n)
    )
    weight = np.round(np.maximum(0.1, pieces * wpp), 1)
    density = np.array([c.density for c in CHAPTERS])[chapter]
    true_value = density * weight * np.exp(p.value_sigma * rng.standard_normal(n))
    factor = np.ones(n)
    under = pattern == "undervaluation"
    lo, hi = p.undervaluation_range
    factor[under] = rng.uniform(lo, hi, int(under.sum()))
    honest_low = (pattern == "none") & (rng.random(n) < p.honest_low_value_rate)
    factor[honest_low] = rng.uniform(0.2, 0.5, int(honest_low.sum()))
    declared_eur = true_value * factor

    desc_u = rng.random(n)
    descriptions = np.array(
        [
            CHAPTERS[c].goods[g][1][int(u * len(CHAPTERS[c].goods[g][1]))]
            for c, g, u in zip(chapter, good, desc_u, strict=True)
        ],
        dtype=object,
    )
    vague = (pattern == "vague") | ((pattern == "none") & (rng.random(n) < p.honest_vague_rate))
    vague_text = np.array(VAGUE_DESCRIPTIONS, dtype=object)[
        rng.integers(0, len(VAGUE_DESCRIPTIONS), n)
    ]
    descriptions = np.where(vague, vague_text, descriptions)

    declared_chapter = chapter.copy()
    wrong = (pattern == "misdescription") | (
        (pattern == "none") & (rng.random(n) < p.honest_wrong_code_rate)
    )
    shift = rng.integers(1, len(CHAPTERS), n)
    declared_chapter[wrong] = (chapter[wrong] + shift[wrong]) % len(CHAPTERS)
    declared_good = np.where(wrong, rng.integers(0, 2, n), good)
    hs_code = np.array(
        [
            CHAPTERS[c].goods[min(g, len(CHAPTERS[c].goods) - 1)][0]
            for c, g in zip(declared_chapter, declared_good, strict=True)
        ],
        dtype=object,
    )

    cur_p = np.array([c[1] for c in p.currencies])
    cur = _choice(rng, cur_p / cur_p.sum(), n)
    cur_rate = np.array([c[2] for c in p.currencies])[cur]
    declared_value = np.round(declared_eur * cur_rate, 2)

    # --- labels and value at stake ---------------------------------------------------------
    u = rng.random(n)
    label = np.where(illicit, u >= p.miss_rate, u < p.false_positive_rate).astype(np.int64)
    duty = np.array([c.duty for c in CHAPTERS])
    tax_rate_true = duty[chapter] + p.vat_rate * (1 + duty[chapter])
    tax_rate_decl = duty[declared_chapter] + p.vat_rate * (1 + duty[declared_chapter])
    evaded = np.maximum(tax_rate_true * true_value - tax_rate_decl * declared_eur, 0.0)
    evaded = np.where(pattern == "concealment", tax_rate_true * true_value, evaded)
    evaded = np.where(
        pattern == "vague", np.maximum(evaded, 0.5 * tax_rate_true * true_value), evaded
    )
    # a misdescription into a chapter of higher duty evades nothing fiscally (it hides
    # restricted goods): its stake is a penalty share of the true taxes
    evaded = np.maximum(evaded, p.penalty_share * tax_rate_true * true_value)
    value_at_stake = np.round(np.where((label == 1) & illicit, evaded, 0.0), 2)

    # --- times, flights, waybills ----------------------------------------------------------
    seconds = np.sort(rng.integers(0, p.days * 86400, n))
    stamps = first_day + seconds.astype("timedelta64[s]")
    filed_at = np.char.add(np.datetime_as_string(stamps, unit="s").astype(str), "Z")
    day = (seconds // 86400).astype(np.int64)
    carrier_codes = np.array([c[0] for c in CARRIERS], dtype=object)[carrier]
    prefixes = np.array([c[1] for c in CARRIERS], dtype=object)[carrier]
    fnum = flight_numbers[carrier, origin]
    flight = [f"{c}{f:04d}" for c, f in zip(carrier_codes, fnum, strict=True)]
    # A 7-digit serial and its IATA check digit (serial mod 7), as on a real air waybill.
    serials = [(int(f) * 7919 + int(d) * 104729) % 10**7 for f, d in zip(fnum, day, strict=True)]
    master = [f"{pre}-{s:07d}{s % 7}" for pre, s in zip(prefixes, serials, strict=True)]
    routing = np.where(
        direct,
        np.char.add(origin_codes.astype(str), ";AMS"),
        np.char.add(
            np.char.add(origin_codes.astype(str), ";"), np.char.add(hubs.astype(str), ";AMS")
        ),
    )
    eori = np.array(cnee_eori, dtype=object)[cnee]
    eori[rng.random(n) < p.eori_missing_rate] = None

    frame: dict[str, Any] = {
        "id": [f"SYN-{seed % 1000:03d}-{i:07d}" for i in range(n)],
        "house_awb": [f"HAWB{seed % 100:02d}{i:08d}" for i in range(n)],
        "master_awb": master,
        "pieces": pieces.astype(np.int64),
        "gross_weight_kg": weight,
        "description": descriptions,
        "consignor_name": np.array(cnor_names, dtype=object)[cnor],
        "consignor_address": np.array(cnor_addr, dtype=object)[cnor],
        "consignor_country": np.array([o[1] for o in ORIGINS], dtype=object)[origin],
        "consignee_name": np.array(cnee_names, dtype=object)[cnee],
        "consignee_address": np.array(cnee_addr, dtype=object)[cnee],
        "consignee_country": cnee_country[cnee],
        "hs_code": hs_code,
        "consignee_eori": eori,
        "declared_value": declared_value,
        "currency": np.array([c[0] for c in p.currencies], dtype=object)[cur],
        "origin_airport": origin_codes,
        "routing": routing,
        "carrier": carrier_codes,
        "declarant": np.array(declarant_names, dtype=object)[decl],
        "flight": flight,
        "filed_at": filed_at,
        "date": np.datetime_as_string(stamps, unit="D").astype(str),
        "label": label,
        "value_at_stake": value_at_stake,
        "is_synthetic": np.ones(n, dtype=np.int64),
    }
    if truth:
        frame["illicit"] = illicit.astype(np.int64)
        frame["pattern"] = pattern
        frame["offender_consignor"] = cnor_offender[cnor].astype(np.int64)
        frame["offender_declarant"] = decl_offender[decl].astype(np.int64)
        frame["risky_hub"] = risky.astype(np.int64)
    df = pd.DataFrame(frame)
    for column in ("hs_code", "description", "consignee_eori", "routing", "filed_at", "date"):
        df[column] = df[column].astype(object)
    return df


def write_history_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a generated history as CSV (UTF-8, header row, ``is_synthetic`` in every row).

    Only the :data:`COLUMNS` are written (never the truth columns). HS codes keep their
    leading zeros: every value is written as text.
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    df.loc[:, list(COLUMNS)].to_csv(
        out, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n"
    )
    return out
