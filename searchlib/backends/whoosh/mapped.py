"""Segment files read in place: views of one memory map, never copies.

A Whoosh segment is one compound file holding its term table, postings,
stored fields and columns. Whoosh maps it into memory and hands out each part
as a ``BufferFile``, which copies the part into a ``BytesIO`` as it opens: every
searcher (one per thread, a new one after each commit) held a private copy of
the whole index, and opening one cost a pass over all of it (12,353 articles:
~300 MB of copies, ~0.6 s). :class:`MappedFileStorage` maps a compound file
once per reader and hands out parts as views of the map: reads by position
are slices of the map, sequential reads (headers, posting blocks) read the
view through a cursor; only what is read is copied. Nothing is written
differently: indexes of every release read this way.
"""

from __future__ import annotations

import mmap
import os
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile

__all__ = ["MappedFileStorage"]

#: Whoosh's extension of compound segment files.
_COMPOUND = ".seg"


class _Cursor:
    """Sequential reads of a memory view (what ``BytesIO`` offers a reader), copying only
    what is read."""

    def __init__(self, buf: memoryview) -> None:
        self._buf = buf
        self._pos = 0

    def read(self, n: int | None = -1) -> bytes:
        end = len(self._buf) if n is None or n < 0 else min(len(self._buf), self._pos + n)
        out = bytes(self._buf[self._pos:end])
        self._pos = max(self._pos, end)
        return out

    def readline(self, limit: int | None = -1) -> bytes:
        end = len(self._buf) if limit is None or limit < 0 else min(len(self._buf), self._pos + limit)
        at = self._pos
        while at < end:
            chunk = bytes(self._buf[at:min(end, at + 4096)])
            found = chunk.find(b"\n")
            if found >= 0:
                return self.read(at + found + 1 - self._pos)
            at += len(chunk)
        return self.read(end - self._pos)

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: len(self._buf)}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


class _View(BufferFile):
    """One part of a mapped file: reads by position are slices of the map, sequential
    reads go through a :class:`_Cursor` over it."""

    def __init__(self, buf: memoryview, name: str | None = None) -> None:
        self._buf = buf
        self._name = name
        self.onclose = None
        self.is_real = False
        self.is_closed = False
        self.file = _Cursor(buf)

    def subset(self, position: int, length: int, name: str | None = None) -> _View:
        return _View(self._buf[position:position + length], name=name or self._name)

    def close(self) -> None:
        self.is_closed = True


class _MappedFile(StructFile):
    """A compound file, memory-mapped; :meth:`subset` gives views of the map."""

    def __init__(self, path: str, name: str) -> None:
        super().__init__(open(path, "rb"), name=name)
        size = os.fstat(self.file.fileno()).st_size
        self._map = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ) if size else None

    def subset(self, offset: int, length: int, name: str | None = None) -> StructFile:
        if self._map is None:
            return super().subset(offset, length, name=name)
        return _View(memoryview(self._map)[offset:offset + length], name=name or self._name)

    def close(self) -> None:
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:  # views still handed out: the map goes with the last of them
                pass
            self._map = None
        super().close()


class MappedFileStorage(FileStorage):
    """Whoosh's folder storage, with compound segment files read in place (see above)."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        # CompoundStorage maps files itself only when asked to; here the file maps itself
        super().__init__(path, supports_mmap=False, **kwargs)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        if name.endswith(_COMPOUND) and not kwargs:
            return _MappedFile(self._fpath(name), name)
        return super().open_file(name, **kwargs)
