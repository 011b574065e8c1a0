"""Writing output files: checked before any work, replaced atomically, one-line errors."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


class ExportWriteError(OSError):
    """The output file could not be written; the message is one line naming the file."""


def output_problem(path: Path, create_parents: bool = False, replace: bool = False) -> str | None:
    """Why `path` cannot be an output file, found before any work is done; None when it can.

    `replace`: the file will be replaced whole (written beside it, then renamed over it), so it
    must be a regular file; a device or pipe such as /dev/stdout would be replaced, not written.
    """
    if path.is_dir():
        return f"{path} is a directory; give a file name"
    if replace and path.exists() and not path.is_file():
        return f"{path} is not a regular file"
    parent = path.parent
    if not parent.exists():
        if not create_parents:
            return f"folder {parent} does not exist"
        parent = next((p for p in parent.parents if p.exists()), Path("."))
    if not parent.is_dir():
        return f"{parent} is not a folder"
    return None


def write_file(path: Path, data: bytes) -> Path:
    """Replace `path` with data: written beside it, then renamed, so a failure keeps the old file.

    Raises ExportWriteError (one line) when the file cannot be written.
    """
    problem = output_problem(path, create_parents=True, replace=True)
    if problem is not None:
        raise ExportWriteError(f"cannot write {path}: {problem}")
    target = path.resolve() if path.is_symlink() else path  # replace the file, not the link
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(path) else ""
        raise ExportWriteError(f"cannot write {path}: {exc.strerror or exc}{where}") from exc
    return path
