from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.network import Region, Weekday, WeeklyDeparture


def test_week_offset() -> None:
    assert WeeklyDeparture.model_validate("mon 00:00").week_offset_h == 0
    assert WeeklyDeparture(day=Weekday.WED, time="06:30").week_offset_h == 54.5
    assert WeeklyDeparture.model_validate("sun 23:59").week_offset_h == pytest.approx(167 + 59 / 60)
    assert str(WeeklyDeparture.model_validate("Fri 14:00")) == "fri 14:00"


def test_calls_are_dated_and_ordered(region: Region) -> None:
    service = region.service("CL-RHINE-E")
    monday = datetime(2025, 3, 3)
    trips = service.calls(monday, weeks=2)
    assert [t.index for t in trips] == list(range(6))
    assert trips[0].stops[0].arrival == datetime(2025, 3, 3, 6, 0)
    assert trips[1].stops[0].arrival == datetime(2025, 3, 5, 6, 0)
    assert trips[3].stops[0].arrival == datetime(2025, 3, 10, 6, 0)
    first = trips[0]
    assert first.start == monday + timedelta(hours=6 + service.stops[0].departure_h)
    assert first.end == monday + timedelta(hours=6 + service.stops[-1].arrival_h)
    assert first.stop_at("TIE").arrival == monday + timedelta(hours=6 + service.stops[3].arrival_h)
    starts = [t.start for t in trips]
    assert starts == sorted(starts)


def test_calls_keep_the_time_zone(region: Region) -> None:
    tz = timezone(timedelta(hours=1))
    trips = region.service("CL-RAIL-DUI-E").calls(datetime(2025, 3, 3, tzinfo=tz))
    assert len(trips) == 5
    assert trips[0].start.tzinfo is tz


def test_calls_need_a_monday_midnight(region: Region) -> None:
    service = region.service("CL-RHINE-E")
    with pytest.raises(InvalidInputError) as info:
        service.calls(datetime(2025, 3, 4))
    assert (info.value.field, info.value.problem) == ("week_start", "must be a Monday at 00:00")
    with pytest.raises(InvalidInputError) as info:
        service.calls(datetime(2025, 3, 3), weeks=0)
    assert info.value.field == "weeks"


def test_stop_at_unknown(region: Region) -> None:
    trip = region.service("CL-ALK-N").calls(datetime(2025, 3, 3))[0]
    with pytest.raises(InvalidInputError) as info:
        trip.stop_at("DUI")
    assert info.value.field == "location"
