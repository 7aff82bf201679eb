"""Finding the text encoding of a file: BOMs, UTF-8, then charset-normalizer."""

from __future__ import annotations

import codecs

__all__ = ["sniff_encoding", "decode", "EncodingError", "CANDIDATES"]

#: Encodings charset-normalizer may pick for news text (Chinese legacy encodings first).
CANDIDATES = ["gb18030", "big5", "big5hkscs", "utf_16", "utf_32"]

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]


class EncodingError(ValueError):
    """The bytes are not text in any encoding searchlib recognises."""


def _valid_utf8_prefix(head: bytes) -> bool:
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        dec.decode(head, final=False)  # a character cut at the end is fine
    except UnicodeDecodeError:
        return False
    return True


def sniff_encoding(head: bytes) -> str:
    """Guess the encoding of a file from its first bytes.

    A byte order mark wins; then UTF-8 if the bytes are valid UTF-8; then the
    best of :data:`CANDIDATES` according to charset-normalizer.

    Raises:
        EncodingError: binary data, or text in no recognised encoding.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head:
        raise EncodingError("binary data (NUL bytes) and no UTF-16/32 byte order mark")
    if _valid_utf8_prefix(head):
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=CANDIDATES).best()
    if best is None:
        raise EncodingError("not UTF-8, and not GB18030/GBK, Big5 or UTF-16 either")
    return str(best.encoding)


def decode(data: bytes) -> tuple[str, str]:
    """Decode a whole file; returns ``(text, encoding)``.

    Raises:
        EncodingError: the data cannot be decoded (with where it fails).
    """
    if not any(data.startswith(bom) for bom, _ in _BOMS):
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    encoding = sniff_encoding(data if len(data) <= 1 << 20 else data[:1 << 20])
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise EncodingError(f"invalid {encoding} at byte {exc.start}: {exc.reason}") from None
