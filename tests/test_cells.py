"""One cell read as a number or a date: one reading accepted, anything that could mean two refused."""

from __future__ import annotations

import datetime as dt

import pytest

from geomap.cells import CellError, parse_date, parse_number


@pytest.mark.parametrize(
    ("text", "options", "number"),
    [
        ("-0.5", {}, -0.5),
        (" 18.44345 ", {}, 18.44345),
        ("1e3", {}, 1000.0),
        ("1,234", {"whole": True}, 1234.0),  # a count grouped by thousands
        ("12,345,678", {"whole": True}, 12_345_678.0),
        ("-0,5", {"decimal_comma": True}, -0.5),  # a semicolon-separated table
        ("16,27167", {"decimal_comma": True}, 16.27167),
        ("1,5", {"whole": True, "decimal_comma": True}, 1.5),  # then refused as not whole by the schema
    ],
)
def test_numbers_with_one_reading(text: str, options: dict, number: float) -> None:
    assert parse_number(text, **options) == number


@pytest.mark.parametrize(
    ("text", "options", "words"),
    [
        ("-0,5", {}, "has a comma"),  # -5.0 or -0.5?
        ("1,5", {"whole": True}, "has a comma"),  # 15 or 1.5?
        ("1,234", {}, "has a comma"),  # a coordinate is never grouped by thousands
        ("1,23", {"whole": True}, "has a comma"),
        ("1_5", {"whole": True}, "not a number"),  # Python's float() reads 15
        ("1.234,5", {}, "has a comma"),
        ("nan", {}, "not a finite number"),
        ("-inf", {}, "not a finite number"),
        ("12 dead", {"whole": True}, "not a number"),
    ],
)
def test_numbers_that_could_mean_two_things_are_refused(text: str, options: dict, words: str) -> None:
    with pytest.raises(CellError, match=words):
        parse_number(text, **options)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2023-11-14", dt.date(2023, 11, 14)),
        ("2023-11-14 00:00:00.000", dt.date(2023, 11, 14)),  # UCDP
        ("2024-09-17T08:30:00+00:00", dt.date(2024, 9, 17)),
        ("2023/11/14", dt.date(2023, 11, 14)),
        ("2023-1-5", dt.date(2023, 1, 5)),
        ("14 November 2023", dt.date(2023, 11, 14)),  # ACLED
        ("14-Nov-2023", dt.date(2023, 11, 14)),
        ("November 14, 2023", dt.date(2023, 11, 14)),
        ("25/03/2023", dt.date(2023, 3, 25)),  # only day/month can be meant
        ("03/25/2023", dt.date(2023, 3, 25)),  # only month/day can be meant
        ("03.03.2023", dt.date(2023, 3, 3)),  # both readings are the same day
    ],
)
def test_dates_with_one_reading(text: str, day: dt.date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("03/02/2023", r"ambiguous: day/month or month/day \(2023-02-03 or 2023-03-02\)"),
        ("11.12.2023", "ambiguous"),
        ("03/02/23", "two-digit year"),
        ("0000-01-01", "not a date"),  # there is no year 0
        ("2023-02-30", "not a date"),
        ("31/02/2023", "not a date"),
        ("November 2023", "not a date"),  # a month is not a day: the row says so with time_precision
        ("2023", "not a date"),
        ("14 Smarch 2023", "not a date"),
        ("yesterday", "not a date"),
    ],
)
def test_dates_that_could_mean_two_days_or_none_are_refused(text: str, words: str) -> None:
    with pytest.raises(CellError, match=words):
        parse_date(text)
