"""The Commission's daily archive layout: build one (tests, notebook, benchmark) and read one.

Published layout (see ``data/external/README.md``)::

    sor-<scope>-<YYYY-MM-DD>-<full|light>.zip          outer zip, members STORED
      sor-<scope>-<date>-<version>-<PPPPP>.csv.zip     inner zip, deflated, up to 1M records
        sor-<scope>-<date>-<version>-<PPPPP>-<SSSSS>.csv   up to 100k records, each with a header
    sor-<scope>-<date>-<version>.zip.sha1              "<sha1-hex>  <zip file name>"

Reading never holds a whole inner zip or chunk in memory: a STORED inner zip is read in place
through a window onto the outer file (no copy), and each CSV member is streamed to a temporary file
for DuckDB's parallel CSV reader.
"""

from __future__ import annotations

import hashlib
import io
import queue
import re
import shutil
import threading
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

#: sor-<scope>-<date>-<version>.zip
ARCHIVE_NAME = re.compile(
    r"^sor-(?P<scope>[a-z0-9_.-]+?)-(?P<day>\d{4}-\d{2}-\d{2})-(?P<version>full|light)\.zip$"
)
#: sor-<scope>-<date>-<version>-<PPPPP>-<SSSSS>.csv
CHUNK_NAME = re.compile(
    r"^sor-(?P<scope>[a-z0-9_.-]+?)-(?P<day>\d{4}-\d{2}-\d{2})-(?P<version>full|light)"
    r"-(?P<part>\d{5})-(?P<sub>\d{5})\.csv$"
)
_BLOCK = 1 << 20


class ArchiveError(Exception):
    """An archive that cannot be trusted: bad checksum, truncated or corrupt zip, wrong layout."""


@dataclass(frozen=True)
class ArchiveName:
    """What a published archive's file name says: scope (``global`` or a platform), day, version."""

    scope: str
    day: str
    version: str

    @classmethod
    def parse(cls, path: Path) -> ArchiveName:
        m = ARCHIVE_NAME.match(path.name)
        if not m:
            raise ArchiveError(
                f"{path.name}: not a daily archive name (expected sor-<scope>-<YYYY-MM-DD>-<full|light>.zip)"
            )
        return cls(m["scope"], m["day"], m["version"])


def sha1_path(archive: Path) -> Path:
    """Where the Commission puts an archive's checksum: beside it, ``<name>.sha1``."""
    return archive.with_name(archive.name + ".sha1")


def file_sha1(path: Path) -> str:
    """SHA-1 of a file, read in blocks (archives are hundreds of MB)."""
    digest = hashlib.sha1()
    with path.open("rb") as fh:
        while block := fh.read(_BLOCK * 4):
            digest.update(block)
    return digest.hexdigest()


def published_sha1(archive: Path) -> str | None:
    """The checksum published beside an archive, or None when there is no ``.sha1`` file."""
    path = sha1_path(archive)
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8").split()
    if not text or not re.fullmatch(r"[0-9a-fA-F]{40}", text[0]):
        raise ArchiveError(f"{path.name}: does not start with a 40-digit SHA-1")
    return text[0].lower()


def build_archive(
    chunks: Sequence[Path], dest_dir: Path, *, sha1: bool = True, compresslevel: int | None = None
) -> Path:
    """Pack CSV chunks into a daily archive in the published layout; return the archive's path.

    Chunk file names must follow ``sor-<scope>-<date>-<version>-<PPPPP>-<SSSSS>.csv`` and share
    scope, date and version: ``PPPPP`` decides the inner zip. Writes ``<archive>.sha1`` beside
    it unless ``sha1=False`` (archives downloaded without their checksum file exist too).
    ``compresslevel`` (zlib 1-9) trades size for speed; the default is zlib's.
    """
    if not chunks:
        raise ValueError("no chunks to pack")
    parsed = []
    for chunk in chunks:
        m = CHUNK_NAME.match(chunk.name)
        if not m:
            raise ValueError(f"{chunk.name}: not a chunk name sor-<scope>-<date>-<version>-P-S.csv")
        parsed.append((m, chunk))
    heads = {(m["scope"], m["day"], m["version"]) for m, _ in parsed}
    if len(heads) != 1:
        raise ValueError(f"chunks from more than one archive: {sorted(heads)}")
    scope, day, version = heads.pop()
    stem = f"sor-{scope}-{day}-{version}"
    dest_dir.mkdir(parents=True, exist_ok=True)
    archive = dest_dir / f"{stem}.zip"
    parts: dict[str, list[Path]] = {}
    for m, chunk in sorted(parsed, key=lambda item: item[1].name):
        parts.setdefault(m["part"], []).append(chunk)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as outer:
        for part, files in sorted(parts.items()):
            inner_name = f"{stem}-{part}.csv.zip"
            # Inner zips are written to a temporary file, then stored: they can exceed memory.
            tmp = dest_dir / f".{inner_name}.tmp"
            with zipfile.ZipFile(
                tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
            ) as inner:
                for f in files:
                    inner.write(f, arcname=f.name)
            outer.write(tmp, arcname=inner_name)
            tmp.unlink()
    if sha1:
        sha1_path(archive).write_text(f"{file_sha1(archive)}  {archive.name}\n", encoding="utf-8")
    return archive


class _Window(io.RawIOBase):
    """A read-only, seekable view of bytes [start, start+size) of an open file.

    Lets ``zipfile`` open a STORED inner zip in place: Python's ZipExtFile can seek, but seeking
    backwards re-reads the member from its start, which is quadratic on large inner zips.
    """

    def __init__(self, fh: io.BufferedReader, start: int, size: int) -> None:
        self._fh, self._start, self._size, self._pos = fh, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, min(self._size, base + offset))
        return self._pos

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = min(len(buffer), self._size - self._pos)
        if n <= 0:
            return 0
        self._fh.seek(self._start + self._pos)
        data = self._fh.read(n)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


def _member_data_offset(fh: io.BufferedReader, info: zipfile.ZipInfo) -> int:
    """Offset of a member's data: after its local header (whose extra field may differ)."""
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_len = int.from_bytes(header[26:28], "little")
    extra_len = int.from_bytes(header[28:30], "little")
    return info.header_offset + 30 + name_len + extra_len


@dataclass(frozen=True)
class Chunk:
    """One CSV member of an archive: its name and the inner zip holding it."""

    inner: str
    name: str


def list_chunks(archive: Path) -> list[Chunk]:
    """Every CSV chunk in an archive, in publication order; raises ArchiveError when corrupt."""
    try:
        with zipfile.ZipFile(archive) as outer:
            chunks = []
            for inner_info in sorted(outer.infolist(), key=lambda i: i.filename):
                if not inner_info.filename.endswith(".csv.zip"):
                    raise ArchiveError(
                        f"{archive.name}: unexpected member {inner_info.filename!r} (want *.csv.zip)"
                    )
                with _open_inner(archive, outer, inner_info) as inner:
                    names = sorted(n for n in inner.namelist() if n.endswith(".csv"))
                    if not names:
                        raise ArchiveError(f"{archive.name}: {inner_info.filename} holds no CSV")
                    chunks += [Chunk(inner_info.filename, n) for n in names]
            if not chunks:
                raise ArchiveError(f"{archive.name}: no inner zips")
            return chunks
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise ArchiveError(f"{archive.name}: corrupt or truncated zip ({exc})") from exc


class _InnerZip:
    """Context manager opening an inner zip in place (STORED) or via its stream (otherwise)."""

    def __init__(self, archive: Path, outer: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        self._archive, self._outer, self._info = archive, outer, info
        self._handles: list[io.IOBase] = []

    def __enter__(self) -> zipfile.ZipFile:
        if self._info.compress_type == zipfile.ZIP_STORED:
            fh = self._archive.open("rb")
            self._handles.append(fh)
            start = _member_data_offset(fh, self._info)
            src: io.IOBase = io.BufferedReader(_Window(fh, start, self._info.file_size), _BLOCK)
        else:
            src = self._outer.open(self._info)
        self._handles.append(src)
        zf = zipfile.ZipFile(src)  # type: ignore[arg-type]
        self._handles.append(zf)  # type: ignore[arg-type]
        return zf

    def __exit__(self, *exc: object) -> None:
        for handle in reversed(self._handles):
            handle.close()


def _open_inner(archive: Path, outer: zipfile.ZipFile, info: zipfile.ZipInfo) -> _InnerZip:
    return _InnerZip(archive, outer, info)


def _extract(archive: Path, tmp_dir: Path) -> Iterator[tuple[Chunk, Path]]:
    """Write each chunk to ``tmp_dir`` in turn and yield it (the caller deletes it)."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(archive) as outer:
            for inner_info in sorted(outer.infolist(), key=lambda i: i.filename):
                with _open_inner(archive, outer, inner_info) as inner:
                    for name in sorted(n for n in inner.namelist() if n.endswith(".csv")):
                        target = tmp_dir / name
                        with inner.open(name) as src, target.open("wb") as dst:
                            shutil.copyfileobj(src, dst, _BLOCK)
                        yield Chunk(inner_info.filename, name), target
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise ArchiveError(f"{archive.name}: corrupt or truncated zip ({exc})") from exc


def extract_chunks(
    archive: Path, tmp_dir: Path, *, prefetch: bool = True
) -> Iterator[tuple[Chunk, Path]]:
    """Yield each chunk of an archive as a temporary CSV file, deleted when the next is asked for.

    The copy is streamed (1 MiB blocks) so a chunk never sits in memory; zipfile checks each
    member's CRC at its end, so a corrupted chunk raises ArchiveError naming the archive. With
    ``prefetch`` the next chunk is inflated in a background thread while the caller works on the
    current one (zlib releases the GIL), so at most three chunk files exist at once.
    """
    source = _extract(archive, tmp_dir)
    items = _Prefetcher(source) if prefetch else source
    previous: Path | None = None
    try:
        for chunk, path in items:
            if previous is not None:
                previous.unlink(missing_ok=True)
            previous = path
            yield chunk, path
    finally:
        if isinstance(items, _Prefetcher):
            items.close()
        if previous is not None:
            previous.unlink(missing_ok=True)


_DONE = object()


class _Prefetcher:
    """Iterate a generator in a background thread, one item ahead; errors re-raised in order."""

    def __init__(self, source: Iterator[tuple[Chunk, Path]]) -> None:
        self._source = source
        self._queue: queue.Queue[object] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for item in self._source:
                if not self._put(item):
                    item[1].unlink(missing_ok=True)
                    return
            self._put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)
        finally:
            self._source.close()

    def __iter__(self) -> Iterator[tuple[Chunk, Path]]:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]

    def close(self) -> None:
        """Stop the thread and delete any chunk it extracted that nobody consumed."""
        self._stop.set()
        while self._thread.is_alive() or not self._queue.empty():
            try:
                item = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if isinstance(item, tuple):
                item[1].unlink(missing_ok=True)
        self._thread.join()
