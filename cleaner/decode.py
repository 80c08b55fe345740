"""Bytes to text: encodings, line endings, and what counts as "not text"."""

from __future__ import annotations

import codecs
import re

# Share of control characters (other than tab and newlines) above which input is not text.
# Real scraped pages carry a few stray ones; binary data carries many.
MAX_CONTROL_SHARE = 0.01

# Control characters U+0000-U+0008, U+000B, U+000E-U+001F and U+007F, as bytes: each is one byte in
# UTF-8, and no other character's encoding holds such a byte, so counting them in the UTF-8 bytes
# counts the characters (in C).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_NEWLINES = re.compile(r"\r\n?")
# Code points U+D800-U+DFFF: a Python str may hold them (from `surrogateescape` decoding, or JSON
# with a lone "\\ud800"), but no encoding can write them out.
_SURROGATE = re.compile("[\ud800-\udfff]")


class NotTextError(ValueError):
    """Input that is not text in any encoding the cleaner reads."""


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; nothing else is touched."""
    return _NEWLINES.sub("\n", text) if "\r" in text else text


def _cut_at_end(err: UnicodeDecodeError, data: bytes) -> bool:
    """The decoding failed only because the data ends inside a character (a crawler's byte limit)."""
    return err.end == len(data) and err.reason in ("unexpected end of data", "truncated data")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL bytes on every other position (for Latin script)."""
    units = len(data) // 2
    if units < 2:
        return None
    even_nuls = data[0 : 2 * units : 2].count(0) / units
    odd_nuls = data[1 : 2 * units : 2].count(0) / units
    if odd_nuls > 0.4 and even_nuls < 0.05:
        encoding = "utf-16-le"
    elif even_nuls > 0.4 and odd_nuls < 0.05:
        encoding = "utf-16-be"
    else:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        if _cut_at_end(err, data):
            return data[: err.start].decode(encoding) + "\ufffd"
        return None


def _decode_bytes(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            if _cut_at_end(err, data):
                return data[: err.start].decode("utf-16") + "\ufffd"
            raise NotTextError("not text: a UTF-16 byte order mark followed by invalid UTF-16") from None
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise NotTextError("not text: binary data (NUL bytes)")
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        head = data[: err.start]
        if _cut_at_end(err, data) and not head.isascii():
            # UTF-8 cut inside its last character: the rest is UTF-8, as the multi-byte characters
            # before the cut show, and reading all of it as cp1252 would garble every one of them.
            return head.decode("utf-8") + "\ufffd"
    try:
        # Windows-1252 first: Indonesian pages saved on Windows use its curly quotes and dashes,
        # which Latin-1 would turn into control characters.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")  # in C; fails exactly on a surrogate code point
    except UnicodeEncodeError:
        return True
    return False


def decode(data: bytes | str) -> str:
    """Text with `\\n` line endings; raises NotTextError for binary input.

    Lone surrogates in a str (which no encoding can write) become U+FFFD.
    """
    text = data if isinstance(data, str) else _decode_bytes(bytes(data))
    if not text.isascii() and _has_surrogates(text):
        # Replaced as undecodable bytes are: U+FFFD, the Unicode replacement character.
        text = _SURROGATE.sub("\ufffd", text)
    if text.startswith("\ufeff"):
        text = text[1:]
    # Newlines first, so that the same text is judged alike with CRLF, CR or LF line endings.
    text = normalise_newlines(text)
    if text:
        sample = text[:100_000]
        encoded = sample.encode("utf-8")
        if len(encoded) - len(encoded.translate(None, _CONTROL_BYTES)) > MAX_CONTROL_SHARE * len(sample) + 2:
            raise NotTextError("not text: too many control characters")
    return text
