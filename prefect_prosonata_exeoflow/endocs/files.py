"""Files as bytes with a name: base64 on the wire is the client's business, not the caller's.

EnDocs carries files inline, ``{"FileName": ..., "FileBase64": ...}`` in request bodies and
``{"fileName": ..., "fileBase64": ...}`` in downloads. Callers hand over bytes or paths and get
bytes back; the 20 MB per-file limit is checked here, before anything is sent.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from .._core.errors import InvalidRequestError, MalformedResponseError
from .dialect import API_NAME, MAX_FILE_BYTES, MAX_FILE_NAME_LENGTH


class FileContent(BaseModel):
    """One file: its name and its bytes (already decoded from base64)."""

    model_config = ConfigDict(frozen=True)

    file_name: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], *, file_name: str | None = None) -> FileContent:
        """Read a file from disk; its name on EnDocs is the path's last part unless given."""
        source = Path(path)
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise InvalidRequestError(f"cannot read {source.name!r}: {exc.strerror}", api=API_NAME) from None
        _check_size(file_name or source.name, size)
        return cls(file_name=file_name or source.name, content=source.read_bytes())

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write the file into ``directory`` under its own name (path parts are stripped)."""
        target = Path(directory) / Path(self.file_name.replace("\\", "/")).name
        target.write_bytes(self.content)
        return target

    def __repr__(self) -> str:  # never dump megabytes into a log line
        return f"FileContent(file_name={self.file_name!r}, size={self.size})"

    __str__ = __repr__


FileLike = FileContent | str | os.PathLike[str] | tuple[str, bytes]
"""What an upload accepts: a :class:`FileContent`, a path, or a ``(file_name, bytes)`` pair."""


def _check_size(name: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise InvalidRequestError(
            f"file {name!r} has {size} bytes; EnDocs accepts at most {MAX_FILE_BYTES} bytes (20 MB) per file",
            api=API_NAME,
        )


def as_file(value: FileLike) -> FileContent:
    """Normalise an upload argument and check it: a name, some content, at most 20 MB."""
    if isinstance(value, FileContent):
        item = value
    elif isinstance(value, tuple) and len(value) == 2:
        name, content = value
        if not isinstance(content, (bytes, bytearray, memoryview)):
            raise InvalidRequestError(
                f"file {name!r}: content must be bytes, got {type(content).__name__}", api=API_NAME
            )
        if not isinstance(name, str):
            raise InvalidRequestError(f"file name must be a string, got {type(name).__name__}", api=API_NAME)
        _check_size(name, len(content))
        item = FileContent(file_name=name, content=bytes(content))
    elif isinstance(value, (str, os.PathLike)):
        item = FileContent.from_path(value)
    else:
        raise InvalidRequestError(
            f"a file must be FileContent, a path or (file_name, bytes), got {type(value).__name__}", api=API_NAME
        )
    name = item.file_name.strip()
    if not name:
        raise InvalidRequestError("file_name is empty; EnDocs needs a name for every file", api=API_NAME)
    if len(name) > MAX_FILE_NAME_LENGTH:
        raise InvalidRequestError(
            f"file_name {name[:40]!r}... is longer than {MAX_FILE_NAME_LENGTH} characters", api=API_NAME
        )
    if not item.content:
        raise InvalidRequestError(f"file {name!r} is empty; EnDocs refuses empty files", api=API_NAME)
    _check_size(name, item.size)
    return item if name == item.file_name else FileContent(file_name=name, content=item.content)


def encode_files(files: Iterable[FileLike]) -> list[dict[str, str]]:
    """The ``Binaries`` array of a request body; every file is checked before any is encoded."""
    if isinstance(files, (str, bytes, FileContent, tuple, os.PathLike)):
        raise InvalidRequestError("files must be a list of files, not a single file", api=API_NAME)
    checked = [as_file(item) for item in files]
    return [
        {"FileName": item.file_name, "FileBase64": base64.b64encode(item.content).decode("ascii")}
        for item in checked
    ]


def decode_files(body: Any) -> list[FileContent]:
    """``{"binaries": [{"fileName", "fileBase64"}]}`` (any key casing) to decoded files."""
    rows = _ci(body, "binaries") if isinstance(body, Mapping) else None
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        raise MalformedResponseError(f"expected a binaries list, got {type(rows).__name__}", api=API_NAME)
    files = []
    for row in rows:
        if not isinstance(row, Mapping):
            raise MalformedResponseError("a binaries entry is not an object", api=API_NAME)
        name = _ci(row, "filename") or ""
        encoded = _ci(row, "filebase64") or ""
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedResponseError(f"file {name!r} is not valid base64", api=API_NAME) from None
        files.append(FileContent(file_name=name, content=content))
    return files


def _ci(mapping: Mapping[str, Any], key: str) -> Any:
    for name, value in mapping.items():
        if str(name).lower() == key:
            return value
    return None
