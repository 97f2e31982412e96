"""The geomap error tree.

Every error geomap raises on purpose derives from :class:`GeomapError`, and also
from the builtin exception it resembles, so callers can catch either.  The CLI
turns any ``GeomapError`` into ``error: …`` on stderr and exit status 2.
"""

from __future__ import annotations

from dataclasses import dataclass


class GeomapError(Exception):
    """Root of all errors raised by geomap on purpose."""


class InputError(GeomapError, ValueError):
    """Raised when an input file or value cannot be read or does not fit the contract.

    Row-level problems in a table do not raise; they are collected as
    :class:`RowProblem` and reported while the good rows are kept.  This error
    is for problems that stop a whole file (unreadable, unknown format, no
    usable columns).
    """


class UnknownFormatError(InputError):
    """Raised when a file's format cannot be recognised from its name or content."""


class StoreError(GeomapError, OSError):
    """Raised when the GeoPackage store cannot be read or written."""


class ConfigError(GeomapError, ValueError):
    """Raised when settings are inconsistent (bad path, unknown option value)."""


class GeocoderError(GeomapError):
    """Raised when a geocoder fails in a way the caller must know about."""


class GeocoderUnavailableError(GeocoderError, OSError):
    """Raised when an online geocoder cannot be reached (network, refused, timeout)."""


class ExportError(GeomapError, OSError):
    """Raised when an export (HTML, CSV, GeoJSON, GeoPackage, image) cannot be written."""


@dataclass(frozen=True)
class RowProblem:
    """One rejected row of an input table: where it is and what is wrong.

    ``row`` counts lines as a spreadsheet shows them: the header is row 1, so
    the first data row of a CSV is row 2 (an HXL tag row, when present, is row 2
    and the first data row is row 3).  For GeoJSON and GeoPackage it is the
    1-based feature number.
    """

    file: str
    row: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.field}: {self.problem}"
