"""Decoding files: byte order marks, UTF-8, then charset-normalizer.

:func:`text_lines` turns a file's bytes, given in pieces, into decoded lines
while streaming (memory does not grow with the file): JSONL and CSV are read
through it. :func:`decode` decodes a whole file in memory (raw articles, JSON).

A byte order mark names the encoding. Otherwise ASCII bytes say nothing about
it (ASCII reads the same in UTF-8, GB18030 and Big5), so it is guessed from
text that starts at the first line holding a non-ASCII byte: a file whose
first 64 KB are ASCII and whose later lines are GB18030 or Big5 is read as
what it is. A corrupt line or two do not decide the guess, and a line that
does not decode is reported as such (never decoded as something else), with
its line number and the reason.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

import attrs

__all__ = ["sniff_encoding", "guess_encoding", "bom_encoding", "decode", "text_lines",
           "decode_lines", "split_lines", "TextLine", "EncodingError", "CANDIDATES", "LINE_CANDIDATES"]

#: Encodings charset-normalizer may pick for news text (Chinese legacy encodings first).
CANDIDATES = ["gb18030", "big5", "big5hkscs", "utf_16", "utf_32"]
#: The candidates whose lines end in the bytes ``\n``/``\r``, as ASCII's do.
LINE_CANDIDATES = ["gb18030", "big5", "big5hkscs"]

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
#: The byte order each UTF-16/32 byte order mark names (UTF-32 LE first: it begins as UTF-16 LE's).
_WIDE = [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
#: A byte that tells encodings apart (non-ASCII), or marks binary data (NUL).
_TELLING = re.compile(rb"[\x00\x80-\xff]")
_SAMPLE = 1 << 16   # bytes guessed from while streaming
_WHOLE_SAMPLE = 1 << 20  # bytes guessed from for a whole file
#: charset-normalizer's mess thresholds: its default, then one that lets through
#: short, dense Chinese text it finds too messy (a page of 二○○二 and names).
_MESS_THRESHOLDS = (0.2, 0.5)


class EncodingError(ValueError):
    """The bytes are not text in any encoding searchlib recognises."""


@attrs.frozen
class TextLine:
    """One decoded line of a file.

    Attributes:
        number: 1-based line number.
        text: the line with its ending; when it could not be decoded, the
            line with U+FFFD for the bad bytes (for the structure of a CSV
            row only: never index it).
        error: why the line could not be decoded, or None.
        size: bytes of input it accounts for.
    """

    number: int
    text: str
    error: str | None = None
    size: int = 0


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte order mark at the start of ``head`` names, or None."""
    return next((name for bom, name in _BOMS if head.startswith(bom)), None)


def _valid_prefix(data: bytes, encoding: str = "utf-8") -> bool:
    """Whether ``data`` is valid text in ``encoding`` (a character cut at the end is fine)."""
    dec = codecs.getincrementaldecoder(encoding)("strict")
    try:
        dec.decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _clip(sample: bytes, limit: int) -> bytes:
    """``sample`` cut to about ``limit`` bytes, after a byte that is a whole
    character in every candidate (one below ``b"0"``: a space, line end or
    punctuation; GB18030 and Big5 use higher bytes inside their characters)."""
    if len(sample) <= limit:
        return sample
    for i in range(limit - 1, max(0, limit - 256), -1):
        if sample[i] < 0x30:
            return sample[:i + 1]
    return sample[:limit]


def _sample(lines: Iterable[bytes], limit: int) -> bytes:
    """The first ``limit`` bytes or so of ``lines``, cut between characters."""
    pieces, size = [], 0
    for line in lines:
        pieces.append(line[:limit + 256 - size])
        size += len(pieces[-1])
        if size > limit:
            break
    return _clip(b"".join(pieces), limit)


def guess_encoding(sample: bytes, candidates: Sequence[str] = CANDIDATES) -> str:
    """Guess the encoding of text without a byte order mark.

    UTF-8 if the bytes are valid UTF-8 (so also for pure ASCII); else the best
    of ``candidates`` according to charset-normalizer (asked again, more
    leniently, if it finds none).

    Raises:
        EncodingError: binary data (NUL bytes), or text in no recognised encoding.
    """
    if b"\x00" in sample:
        raise EncodingError("binary data (NUL bytes) and no UTF-16/32 byte order mark")
    if _valid_prefix(sample):
        return "utf-8"
    from charset_normalizer import from_bytes

    for threshold in _MESS_THRESHOLDS:
        best = from_bytes(sample, cp_isolation=list(candidates), threshold=threshold).best()
        if best is not None:
            return str(best.encoding)
    raise EncodingError("not UTF-8, and not GB18030/GBK, Big5 or UTF-16 either")


def sniff_encoding(head: bytes) -> str:
    """Guess the encoding of a file from its first bytes.

    A byte order mark wins; then :func:`guess_encoding`.

    Raises:
        EncodingError: binary data, or text in no recognised encoding.
    """
    return bom_encoding(head) or guess_encoding(head)


def _guess_lines(lines: list[bytes], limit: int = _SAMPLE) -> str | None:
    """The encoding of a run of lines, which a corrupt line or two do not decide.

    UTF-8 if most lines with non-ASCII bytes are valid UTF-8 (text in GB18030
    or Big5 almost never is); else charset-normalizer's choice among
    :data:`LINE_CANDIDATES`, from the lines one of them can decode; None if
    it has none.

    Raises:
        EncodingError: binary data (NUL bytes).
    """
    if b"\x00" in _sample(lines, limit):
        raise EncodingError("binary data (NUL bytes) and no UTF-16/32 byte order mark")
    telling = [line[:limit] for line in lines if _TELLING.search(line)]
    if 2 * sum(_valid_prefix(line) for line in telling) >= len(telling):
        return "utf-8"
    readable = [line for line in lines
                if any(_valid_prefix(line[:limit], name) for name in LINE_CANDIDATES)]
    try:
        return guess_encoding(_sample(readable, limit), LINE_CANDIDATES)
    except EncodingError:
        return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode a whole file; returns ``(text, encoding)``.

    Raises:
        EncodingError: the data cannot be decoded (with where it fails).
    """
    encoding = bom_encoding(data)
    if encoding is None:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        m = _TELLING.search(data)
        start = data.rfind(b"\n", 0, m.start()) + 1 if m else 0
        lines = data[start:start + _WHOLE_SAMPLE + 256].splitlines(keepends=True)
        encoding = _guess_lines(lines, _WHOLE_SAMPLE)
        if encoding is None:
            raise EncodingError("not UTF-8, and not GB18030/GBK or Big5 either")
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise EncodingError(f"invalid {encoding} at byte {exc.start}: {exc.reason}") from None


def _decode_line(number: int, data: bytes, encoding: str) -> TextLine:
    try:
        return TextLine(number, data.decode(encoding), None, len(data))
    except UnicodeDecodeError as exc:
        return TextLine(number, data.decode(encoding, "replace"),
                        f"invalid {encoding} text at byte {exc.start}: {exc.reason}", len(data))


def decode_lines(lines: Iterable[bytes], encoding: str | None = None) -> Iterator[TextLine]:
    """Decode the lines of a file (split at ``\\n``/``\\r`` bytes), streaming.

    Until a line holds a non-ASCII byte the lines are ASCII, the same in every
    candidate encoding. The encoding is guessed (UTF-8 or one of
    :data:`LINE_CANDIDATES`) from that line and the lines after it, up to
    64 KB; those lines are held meanwhile, so memory is bounded by 64 KB plus
    the longest line.

    A line that is not valid in the encoding comes out with an ``error`` and
    the others are unaffected; text in no recognised encoding is read as
    UTF-8, so each bad line says so. Binary data (NUL bytes) ends the file
    with one error line.

    Args:
        lines: the file's lines, each with its line ending.
        encoding: the encoding if already known (a byte order mark), else None.
    """
    it = iter(lines)
    number = 0
    for data in it:
        if encoding is not None or not _TELLING.search(data):
            number += 1
            yield _decode_line(number, data, encoding or "ascii")
            continue
        window, size = [data], len(data)
        for more in it:  # the same iterator: the outer loop goes on after these lines
            window.append(more)
            size += len(more)
            if size >= _SAMPLE:
                break
        try:
            encoding = _guess_lines(window) or "utf-8"  # utf-8: each bad line says so
        except EncodingError as exc:
            yield TextLine(number + 1, "", f"cannot decode: {exc}; rest of file skipped", size)
            return
        for data in window:
            number += 1
            yield _decode_line(number, data, encoding)


def split_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Lines of a byte stream given in pieces, with their endings (``\\n``,
    ``\\r\\n`` or ``\\r``, as Python's universal newlines; ASCII-compatible
    encodings only), in linear time however long a line is."""
    pending: list[bytes] = []  # pieces of a line not finished yet
    for chunk in chunks:
        if pending and pending[-1].endswith(b"\r"):  # a \r\n cut between pieces?
            if chunk.startswith(b"\n"):
                pending.append(b"\n")
                chunk = chunk[1:]
            yield b"".join(pending)
            pending = []
        parts = chunk.splitlines(keepends=True)
        if not parts:
            continue
        last = parts.pop()
        if parts:
            yield b"".join([*pending, parts[0]])
            yield from parts[1:]
            pending = []
        if last.endswith(b"\n"):
            yield b"".join([*pending, last])
            pending = []
        else:
            pending.append(last)
    if pending:
        yield b"".join(pending)


def _utf8_of_wide(chunks: Iterable[bytes], codec: str, failure: list[str]) -> Iterator[bytes]:
    """UTF-16/32 text (its byte order mark removed) as UTF-8 in whole lines,
    streaming. At bytes that do not decode it stops after the last whole
    line, and says why in ``failure``."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    partial: list[str] = []  # the line not finished yet, in pieces
    for chunk in chain(chunks, [None]):
        try:
            text = decoder.decode(chunk or b"", final=chunk is None)
        except UnicodeDecodeError as exc:
            text = exc.object[:exc.start].decode(codec)
            failure.append(f"invalid {codec} text: {exc.reason}; rest of file skipped")
        cut = max(text.rfind("\n"), text.rfind("\r")) + 1
        if cut:
            yield "".join([*partial, text[:cut]]).encode("utf-8")
            partial = []
        if failure:
            return
        partial.append(text[cut:])
    yield "".join(partial).encode("utf-8")


def text_lines(chunks: Iterable[bytes]) -> Iterator[TextLine]:
    """The decoded lines of a file given in pieces, with their line endings, streaming.

    A byte order mark names the encoding (UTF-16/32 are decoded as a stream,
    and a decoding error ends the file with one error line); otherwise
    :func:`decode_lines` finds it.
    """
    it = iter(chunks)
    head = b""
    for chunk in it:  # enough bytes for a byte order mark
        head += chunk
        if len(head) >= 4:
            break
    wide = next((codec for bom, codec in _WIDE if head.startswith(bom)), None)
    if wide is None:
        utf8 = head.startswith(codecs.BOM_UTF8)
        pieces = chain([head[len(codecs.BOM_UTF8):] if utf8 else head], it)
        yield from decode_lines(split_lines(pieces), "utf-8" if utf8 else None)
        return
    failure: list[str] = []
    bom = 4 if wide.startswith("utf-32") else 2
    number = 0
    for line in decode_lines(split_lines(_utf8_of_wide(chain([head[bom:]], it), wide, failure)), "utf-8"):
        number = line.number
        yield line
    if failure:
        yield TextLine(number + 1, "", failure[0])
