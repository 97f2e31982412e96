"""A CSV file read as records, refusing what would shift or swallow cells.

The delimiter is the one the header uses most (comma, semicolon or tab; an
Excel ``sep=;`` first line says it outright).  A record must have as many cells
as the header has columns: more (an unquoted comma in a note pushes the source
and URL one column right) or fewer (a line broken inside an unquoted field) is
a row problem, never a silent shift.  So is a cell longer than a spreadsheet
cell can be, which in practice is an unclosed quote swallowing the lines after it.

Row numbers are the line of the record's start, as a spreadsheet shows them
(the header is row 1, or row 2 after a ``sep=`` line).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from geomap.errors import InputError, RowProblem
from geomap.ingest.decode import decode_text

#: the most characters a spreadsheet cell holds (Excel, LibreOffice); a longer cell is a broken quote
MAX_CELL = 32_767
_DELIMITERS = (",", ";", "\t")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class CsvFile:
    """The records of a CSV file (keys are the header's normalised names), their rows and the rows refused."""

    header: list[str]
    records: list[dict]
    rows: list[int]
    problems: list[RowProblem] = field(default_factory=list)
    delimiter: str = ","
    encoding: str = "utf-8"


def column_key(name: object) -> str:
    """A header cell as a column name: trimmed, lower case, spaces as underscores."""
    return str(name).strip().lower().replace(" ", "_")


def read_csv(path: Path) -> CsvFile:
    """Read a CSV file; see the module docstring for what is refused.

    Raises
    ------
    InputError
        When the whole file is unusable: unreadable, empty, binary, undecodable,
        a header only, or a header naming one column twice.
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from err
    if not raw.strip():
        raise InputError(f"{path}: empty file")
    text, encoding = decode_text(path, raw)
    lines_before, delimiter, text = _delimiter(text)
    # the csv module refuses cells over 131,072 characters with an error that stops the whole file;
    # long cells are reported per row instead (MAX_CELL), so the limit is lifted for this reader
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = _header(path, reader)
    records, rows, problems = [], [], []
    ended = reader.line_num  # the line the previous record ended on: a record starts on the next
    try:
        for cells in reader:
            row, ended = ended + 1 + lines_before, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            problem = _cell_problem(cells, header, delimiter)
            if problem is not None:
                problems.append(RowProblem(str(path), row, *problem))
                continue
            records.append(dict(zip(header, cells, strict=False)))
            rows.append(row)
    except csv.Error as err:
        raise InputError(f"{path}:{reader.line_num + lines_before}: not a CSV table: {err}") from err
    if not records and not problems:
        raise InputError(f"{path}: a header and no data rows")
    return CsvFile(header, records, rows, problems, delimiter, encoding)


def _delimiter(text: str) -> tuple[int, str, str]:
    """Lines before the header, the delimiter, and the text from the header on."""
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        return 1, first.strip()[4], rest
    counts = {d: _count_outside_quotes(first, d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])  # ties go to the comma
    return 0, best if counts[best] else ",", text


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _header(path: Path, reader) -> list[str]:
    try:
        header = [column_key(c) for c in next(reader)]
    except StopIteration:
        raise InputError(f"{path}: empty file") from None
    except csv.Error as err:
        raise InputError(f"{path}: not a CSV table: {err}") from err
    named = [c for c in header if c]
    repeated = sorted({c for c in named if named.count(c) > 1})
    if repeated:
        raise InputError(f"{path}: the header names column {repeated[0]!r} twice; which one holds it?")
    return header


def _cell_problem(cells: list[str], header: list[str], delimiter: str) -> tuple[str, str] | None:
    """(field, problem) for a record that does not fit the header, else None."""
    if len(cells) == len(header) and max(map(len, cells)) <= MAX_CELL:
        return None
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        return "cells", (
            f"{len(cells)} cells for {len(header)} columns: an unquoted {_NAMES[delimiter]} in a text "
            "field shifts the cells after it; put that field in double quotes"
        )
    if len(cells) < len(header):
        return "cells", (
            f"{len(cells)} cells for {len(header)} columns: a missing {_NAMES[delimiter]}, "
            "or a line break inside an unquoted field?"
        )
    for name, cell in zip(header, cells, strict=False):
        if len(cell) > MAX_CELL:
            return name or "cells", (
                f"{len(cell):,} characters, more than a spreadsheet cell holds ({MAX_CELL:,}): "
                "an unclosed quote swallowing the lines after it?"
            )
    return None
