"""Bytes of an input file to text: a byte-order mark, else UTF-8, else the encoding charset-normalizer finds.

Spreadsheets save CSV as UTF-16 ("Unicode text"), as UTF-8 with a BOM, or in
the legacy code page of their locale (Latin-1, Windows-1252); articles copied
from old sites come in the same mix.  A file that is none of these, or holds
binary data (a workbook or an image renamed .csv), is refused whole.
"""

from __future__ import annotations

import codecs
import logging
from pathlib import Path

from charset_normalizer import from_bytes

from geomap.errors import InputError

log = logging.getLogger(__name__)

#: longest first: the UTF-32 marks begin with the UTF-16 ones
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: above this share of odd characters, charset-normalizer's best guess is still noise
_MAX_CHAOS = 0.3


def decode_text(path: Path, raw: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was read in.

    Raises
    ------
    InputError
        For binary data or text in no encoding that reads cleanly.
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError as err:
                raise InputError(f"{path}: not valid {encoding} text (byte {err.start})") from err
    if b"\x00" not in raw[:8192]:
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    best = from_bytes(raw).best()
    if best is None or best.encoding is None or best.chaos > _MAX_CHAOS or "\x00" in str(best)[:8192]:
        if b"\x00" in raw[:8192]:
            raise InputError(f"{path}: binary data, not text (a workbook or an image? save it as CSV)")
        raise InputError(f"{path}: unknown text encoding (save the file as UTF-8)")
    log.info("%s: not UTF-8; read as %s", path, best.encoding)
    return str(best), best.encoding
