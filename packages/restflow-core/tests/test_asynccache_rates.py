"""restflow.asynccache.rates: DRF's rate syntax, parsed once, and the fixed windows."""

from __future__ import annotations

from typing import Any

import pytest

from restflow.asynccache import PERIODS, fixed_window, parse_rate, window_wait


class TestParseRate:
    @pytest.mark.parametrize(
        ("rate", "expected"),
        [
            ("5/s", (5, 1)),
            ("5/sec", (5, 1)),
            ("5/second", (5, 1)),
            ("5/seconds", (5, 1)),
            ("10/m", (10, 60)),
            ("10/min", (10, 60)),
            ("10/minute", (10, 60)),
            ("10/minutes", (10, 60)),
            ("100/h", (100, 3600)),
            ("100/hour", (100, 3600)),
            ("100/hours", (100, 3600)),
            ("100/d", (100, 86400)),
            ("100/day", (100, 86400)),
            ("7/days", (7, 86400)),
            (" 3 / MIN ", (3, 60)),
            ("0/min", (0, 60)),
        ],
    )
    def test_drf_rates_parse(self, rate: str, expected: tuple[int, int]) -> None:
        assert parse_rate(rate) == expected

    @pytest.mark.parametrize(
        ("rate", "reason"),
        [
            ("10", "'<count>/<period>'"),
            ("ten/min", "'<count>/<period>'"),
            ("five/min", "'<count>/<period>'"),
            ("5 per minute", "'<count>/<period>'"),
            ("-1/min", "'<count>/<period>'"),
            ("1.5/min", "'<count>/<period>'"),
            ("٣/min", "'<count>/<period>'"),  # a digit, but not an ASCII one
            ("10/month", "unknown period 'month'"),
            ("10/mon", "unknown period 'mon'"),  # DRF reads the first letter: 10 a minute
            ("5/fortnight", "unknown period 'fortnight'"),
            ("10/", "unknown period ''"),
            (10, "a rate is a string"),
            (None, "a rate is a string"),
            (["5/min"], "a rate is a string"),  # unhashable: still a ValueError
        ],
    )
    def test_bad_rates_are_refused_with_the_reason(self, rate: Any, reason: str) -> None:
        with pytest.raises(ValueError, match=reason):
            parse_rate(rate)

    def test_every_period_is_a_whole_number_of_seconds(self) -> None:
        assert set(PERIODS.values()) == {1, 60, 3600, 86400}


class TestFixedWindow:
    def test_window_key_numbers_the_window_and_the_counter_outlives_it_by_a_second(self) -> None:
        assert fixed_window("throttle_user_7", 60, 1_800_000_030.0) == (
            "throttle_user_7:30000000",
            31,
        )

    def test_a_window_starts_on_a_multiple_of_its_duration(self) -> None:
        start = 1_800_000_000.0
        assert fixed_window("k", 60, start) == ("k:30000000", 61)
        assert fixed_window("k", 60, start + 59.5) == ("k:30000000", 2)
        assert fixed_window("k", 60, start + 60) == ("k:30000001", 61)

    def test_wait_is_what_is_left_of_the_window(self) -> None:
        assert window_wait(60, 1_800_000_030.0) == 30.0
        assert window_wait(1, 1_800_000_000.25) == 0.75
