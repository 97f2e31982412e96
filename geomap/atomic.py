"""Writing a file whole or not at all: a temporary file beside it, then one rename over the old.

Every file geomap writes for a researcher (exports, the store's manifest, aggregate tables, the
app's map record, compacted gazetteer data) goes through :func:`replace_atomically`, so a crash,
a full disk or a killed process leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def usual_permissions(path: Path) -> None:
    """Give a file made by ``tempfile`` (mode 0600) the mode any new file gets, before it replaces one."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def replace_atomically(
    path: str | os.PathLike,
    write: Callable[[Path], None],
    *,
    durable: bool = False,
    suffix: str | None = None,
) -> Path:
    """Call ``write(tmp)`` on a new temporary file beside ``path``, then rename it over ``path``.

    Parameters
    ----------
    path:
        The file to write; its folder is created if missing.
    write:
        Writes the whole content to the path it is given (which exists, empty; a writer that
        must create the file itself may delete it first).
    durable:
        Flush the file and its folder to disk before and after the rename (for files that
        switch a store from one state to the next, such as a manifest).
    suffix:
        How the temporary file's name ends (default ``.tmp`` and the target's own suffix, so
        writers that go by the extension, such as GDAL's, see the right one). Its name always
        starts with a dot, the target's name and a dot, so leftovers of a killed write can be found.

    Returns the path written. Any exception from ``write`` or the rename removes the temporary
    file and propagates unchanged; callers translate it into their own error.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=suffix or f".tmp{target.suffix}", dir=folder
    )
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        if durable:
            flush_to_disk(tmp)
        usual_permissions(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        flush_to_disk(folder)
    return target


def flush_to_disk(path: Path) -> None:
    """Ask the OS to put ``path`` (a file or a folder) on disk now."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
