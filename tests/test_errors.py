"""The error tree: one root, each error also the builtin it resembles."""

from __future__ import annotations

import pytest

from geomap import errors


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (errors.InputError, ValueError),
        (errors.UnknownFormatError, ValueError),
        (errors.StoreError, OSError),
        (errors.ConfigError, ValueError),
        (errors.GeocoderUnavailableError, OSError),
        (errors.ExportError, OSError),
    ],
)
def test_every_error_is_a_geomap_error_and_its_builtin(error: type, builtin: type) -> None:
    assert issubclass(error, errors.GeomapError)
    assert issubclass(error, builtin)


def test_row_problem_reads_file_row_field_problem() -> None:
    problem = errors.RowProblem("events.csv", 7, "latitude", "123.0 is outside -90..90")
    assert str(problem) == "events.csv:7: latitude: 123.0 is outside -90..90"
