"""The order generator: determinism, counts, windows, flows, cargo consistency."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.network import LocationKind, Mode, Region, default_unit, load_region
from smartlogistics.planner.generator import (
    ContainerQuantity,
    UnitQuantity,
    available_demand_models,
    demand_assumptions,
    generate_orders,
    load_demand,
)
from smartlogistics.planner.order import CargoClass, Order
from smartlogistics.provenance import RESERVED_SOURCE_KEYS, source_refs

AMS = ZoneInfo("Europe/Amsterdam")
START = date(2026, 12, 7)  # a Monday
N = 20_000
PORTS = {"ACT", "HCT"}
AIRPORTS = {"FRA", "LGG", "BRU", "CDG", "CGN"}


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region("amsterdam")


@pytest.fixture(scope="module")
def week(region: Region) -> list[Order]:
    return generate_orders(region, N, seed=2026, start=START)


def _flow(order: Order, region: Region) -> str:
    """Which flow of the demand model an order belongs to, from its ends and class."""
    ends = {order.origin, order.destination}
    kinds = {region.location(x).kind for x in ends}
    if ends & PORTS:
        return "port_hinterland"
    if order.cargo_class is CargoClass.FLOWERS:
        return "flowers_spl" if "SPL" in ends else "flowers_dc"
    if ends & AIRPORTS:
        return "air_rfs"
    assert LocationKind.DISTRIBUTION_CENTRE in kinds, order
    return "air_dc"


# -- determinism and counts --------------------------------------------------------------


def test_same_seed_same_orders_other_seed_other_orders(region: Region) -> None:
    a = generate_orders(region, 300, seed=7, start=START)
    b = generate_orders(region, 300, seed=7, start=START)
    c = generate_orders(region, 300, seed=8, start=START)
    assert a == b
    assert [o.to_json() for o in a] == [o.to_json() for o in b]
    assert a != c
    assert sum(x != y for x, y in zip(a, c, strict=True)) > 250


def test_exactly_n_orders_with_ids_sorted_by_release(week: list[Order]) -> None:
    assert len(week) == N
    assert [o.id for o in week] == [f"O-{k:06d}" for k in range(1, N + 1)]
    releases = [o.release for o in week]
    assert releases == sorted(releases)


def test_ids_widen_past_a_million_is_not_needed_for_small_n(region: Region) -> None:
    assert [o.id for o in generate_orders(region, 3, seed=1, start=START)] == [
        "O-000001",
        "O-000002",
        "O-000003",
    ]


def test_releases_within_the_period_and_due_after_release(week: list[Order]) -> None:
    first = datetime(2026, 12, 7, tzinfo=AMS)
    end = datetime(2026, 12, 14, tzinfo=AMS)
    for order in week:
        assert first <= order.release < end, order
        assert order.due > order.release, order
        assert order.release.utcoffset() == timedelta(hours=1)
        assert order.release.second == 0


def test_start_as_datetime_and_other_time_zone(region: Region) -> None:
    start = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    orders = generate_orders(region, 500, seed=1, start=start, days=2, tz="Asia/Tokyo")
    for order in orders:
        assert start <= order.release < start + timedelta(days=2)
        assert order.release.utcoffset() == timedelta(hours=9)
    naive = generate_orders(region, 50, seed=1, start=datetime(2026, 6, 10, 12, 0), days=1)
    local_start = datetime(2026, 6, 10, 12, 0, tzinfo=AMS)
    assert all(local_start <= o.release < local_start + timedelta(days=1) for o in naive)


def test_dst_week_keeps_windows_in_absolute_time(region: Region) -> None:
    # The week of 23 March 2026 ends with the switch to summer time on Sunday 29 March.
    orders = generate_orders(region, 4000, seed=5, start=date(2026, 3, 23))
    end = datetime(2026, 3, 30, tzinfo=AMS)
    assert max(o.release for o in orders) < end
    for order in orders:
        # A valid local time: converting through UTC changes nothing.
        for moment in (order.release, order.due):
            assert moment.astimezone(UTC).astimezone(AMS).utcoffset() == moment.utcoffset()
        if order.cargo_class in (CargoClass.AIR_CARGO,):
            assert 12 <= order.window_h <= 48, order


# -- where orders go ---------------------------------------------------------------------


def test_every_end_is_a_freight_node_of_the_region(region: Region, week: list[Order]) -> None:
    freight = {loc.id for loc in region.freight_nodes}
    for order in week:
        assert order.origin in freight and order.destination in freight
        assert order.origin != order.destination


def test_flow_shares_within_a_binomial_bound(region: Region, week: list[Order]) -> None:
    # Each order draws its flow independently, so a flow's count is binomial(N, p): its
    # share has standard deviation sqrt(p(1 - p) / N), at most 0.0035 for N = 20,000.
    # Five standard deviations fail a correct generator with probability below 1e-6.
    counts = Counter(_flow(o, region) for o in week)
    model = load_demand("amsterdam")
    assert set(counts) == {f.id for f in model.flows}
    for flow in model.flows:
        p = flow.share
        tolerance = 5 * math.sqrt(p * (1 - p) / N)
        assert abs(counts[flow.id] / N - p) <= tolerance, (flow.id, counts[flow.id] / N, p)


def test_containers_are_import_heavy(region: Region, week: list[Order]) -> None:
    port = [o for o in week if _flow(o, region) == "port_hinterland"]
    imports = sum(o.origin in PORTS for o in port) / len(port)
    p, n = 0.6, len(port)
    assert abs(imports - p) <= 5 * math.sqrt(p * (1 - p) / n)
    assert {o.destination for o in port if o.origin in PORTS} == {
        "UTR", "RTM", "MOE", "DUI", "NIJ", "VEN", "TIL", "TIE", "ALK", "LEY",
    }  # fmt: skip


def test_cooled_and_dangerous_cargo_only_where_terminals_accept_it(
    region: Region, week: list[Order]
) -> None:
    for order in week:
        for end in (order.origin, order.destination):
            terminal = region.terminals[end]
            if order.cargo_class.needs_cooling:
                assert terminal.reefer, order
            if order.cargo_class is CargoClass.DANGEROUS_GOODS:
                assert terminal.dangerous_goods, order


# -- what orders carry -------------------------------------------------------------------


def test_container_orders(region: Region, week: list[Order]) -> None:
    port = [o for o in week if _flow(o, region) == "port_hinterland"]
    classes = Counter(o.cargo_class for o in port)
    assert set(classes) == {
        CargoClass.DRY_CONTAINER,
        CargoClass.REEFER_CONTAINER,
        CargoClass.DANGEROUS_GOODS,
    }
    for cls, p in ((CargoClass.REEFER_CONTAINER, 0.08), (CargoClass.DANGEROUS_GOODS, 0.04)):
        assert abs(classes[cls] / len(port) - p) <= 5 * math.sqrt(p * (1 - p) / len(port))
    assert Counter(o.teu for o in port).keys() == {1.0, 2.0, 3.0, 4.0}
    for order in port:
        assert order.unit_kind in ("20ft", "40ft")
        assert order.units is not None
        assert order.teu == order.units * default_unit(order.unit_kind).teu
        per_teu = order.tonnes / order.teu
        assert (10 <= per_teu <= 14) if order.unit_kind == "20ft" else (9 <= per_teu <= 13)


def test_air_cargo_by_weight_in_ulds(region: Region, week: list[Order]) -> None:
    air = [o for o in week if o.cargo_class is CargoClass.AIR_CARGO]
    assert air
    for order in air:
        assert order.teu == 0 and order.tonnes > 0
        assert order.unit_kind == "uld_pmc" and order.units is not None and order.units >= 1
        assert 0.6 * order.units - 1e-3 <= order.tonnes <= 2.0 * order.units + 1e-3
        assert 12 <= order.window_h <= 48
        assert "SPL" in (order.origin, order.destination)


def test_flowers_are_cooled_trolleys_overnight(region: Region, week: list[Order]) -> None:
    flowers = [o for o in week if o.cargo_class is CargoClass.FLOWERS]
    assert flowers
    trolley = default_unit("cc_trolley")
    for order in flowers:
        assert order.cargo_class.needs_cooling
        assert order.unit_kind == "cc_trolley" and order.units is not None
        assert order.teu == pytest.approx(order.units * trolley.teu)
        assert 0.10 * order.units - 1e-3 <= order.tonnes <= 0.25 * order.units + 1e-3
        assert "AAL" in (order.origin, order.destination)
        assert 13 <= order.release.hour < 22
        if _flow(order, region) == "flowers_dc":
            assert order.due.date() == order.release.date() + timedelta(days=1)
            assert 3 <= order.due.hour < 8
            assert order.window_h <= 24 - 13 + 8
        else:
            assert (order.origin, order.destination) == ("AAL", "SPL")
            assert 4 <= order.window_h <= 12


def test_container_windows_let_barges_compete(region: Region, week: list[Order]) -> None:
    port = [o for o in week if _flow(o, region) == "port_hinterland"]
    assert all(24 <= o.window_h <= 120 for o in port)


def test_weekday_peaks_and_quiet_sunday(week: list[Order]) -> None:
    per_day = Counter(o.release.weekday() for o in week)
    assert min(per_day[d] for d in range(5)) > 1.5 * per_day[5] > 1.5 * per_day[6]


def test_mode_wishes_are_occasional_and_never_contradict(week: list[Order]) -> None:
    forbid_barge = sum(Mode.INLAND_WATERWAY in o.forbidden_modes for o in week) / N
    assert 0.01 < forbid_barge < 0.05
    assert sum(bool(o.preferred_modes or o.forbidden_modes) for o in week) / N < 0.15
    for order in week:
        assert not set(order.preferred_modes) & set(order.forbidden_modes)
        if order.cargo_class is CargoClass.AIR_CARGO:
            assert not order.preferred_modes and not order.forbidden_modes


# -- the demand model file ---------------------------------------------------------------


def test_shares_follow_the_volume_arithmetic() -> None:
    model = load_demand("amsterdam")
    total = sum(v.orders_per_week for v in model.volumes)
    assert sum(f.share for f in model.flows) == pytest.approx(1.0)
    for volume in model.volumes:
        group_share = sum(model.flow(f).share for f in volume.flows)
        assert group_share == pytest.approx(volume.orders_per_week / total, abs=1.5e-4)
    # The counts behind the volumes, from the facts and the quantity models.
    port = model.flow("port_hinterland").quantity
    assert isinstance(port, ContainerQuantity)
    assert port.mean_containers() == pytest.approx(1.08)
    containers = next(v for v in model.volumes if v.group == "containers")
    assert containers.orders_per_week == round(1_200_000 / 52 / port.mean_containers())
    rfs, dc = model.flow("air_rfs").quantity, model.flow("air_dc").quantity
    assert isinstance(rfs, UnitQuantity) and isinstance(dc, UnitQuantity)
    mean_air = 0.4 * rfs.mean_tonnes() + 0.6 * dc.mean_tonnes()
    assert mean_air == pytest.approx(5.33)
    air = next(v for v in model.volumes if v.group == "air_cargo")
    assert air.orders_per_week == round(1_300_000 * 0.8 / 52 / mean_air)


def test_assumptions_list_every_parameter_with_its_source() -> None:
    rows = demand_assumptions("amsterdam")
    model = load_demand("amsterdam")
    assert len(rows) == len(model.volumes) + len(model.profiles) + 8 * len(model.flows)
    paths = [r["path"] for r in rows]
    assert len(set(paths)) == len(paths)
    assert "flows[0].share" in paths and "profiles.flowers" in paths
    for row in rows:
        refs = source_refs(row["source"])
        keys = {ref.key for ref in refs}
        assert keys <= RESERVED_SOURCE_KEYS | set(model.sources), row
        expected = (
            "assumption" if "assumption" in keys else "derived" if "derived" in keys else "sourced"
        )
        assert row["status"] == expected
    share = next(r for r in rows if r["path"] == "flows[0].share")
    assert share["flow"] == "port_hinterland" and share["value"] == 0.7599
    assert share["status"] == "derived"


def test_available_models() -> None:
    assert available_demand_models() == ["amsterdam"]


# -- bad arguments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "problem"),
    [
        ({"n": 0}, "n", "must be at least 1, not 0"),
        ({"n": 2.5}, "n", "expected a whole number, not 2.5"),
        ({"days": 0}, "days", "must be at least 1, not 0"),
        ({"tz": "Mars/Olympus"}, "tz", "unknown time zone 'Mars/Olympus'"),
        ({"start": "2026-12-07"}, "start", "expected a date or datetime, not str"),
    ],
)
def test_bad_arguments(region: Region, kwargs: dict[str, object], field: str, problem: str) -> None:
    args: dict[str, object] = {"n": 10, "seed": 1, "start": START} | kwargs
    with pytest.raises(InvalidInputError) as info:
        generate_orders(region, **args)  # type: ignore[arg-type]
    assert (info.value.field, info.value.problem) == (field, problem)


def test_region_without_a_demand_model(region: Region) -> None:
    other = Region(
        name="elsewhere",
        locations=region.locations,
        links=region.links,
        terminals=region.terminals,
    )
    with pytest.raises(InvalidInputError) as info:
        generate_orders(other, 10, seed=1, start=START)
    assert (info.value.field, info.value.problem) == (
        "region",
        "no demand model for region 'elsewhere'; known: amsterdam",
    )
