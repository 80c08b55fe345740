import codecs

import pytest

from cleaner.decode import NotTextError, decode

TEXT = "Harga cabai “naik” – kata pedagang.\nBaris kedua"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("cp1252"),
        TEXT.encode("utf-16"),  # with BOM
        TEXT.encode("utf-16-le"),
        TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "utf16-bom", "utf16le", "utf16be"],
)
def test_encodings_decode_to_the_same_text(data):
    assert decode(data) == TEXT


def test_latin1_bytes_outside_cp1252_still_decode():
    assert decode("Kafe \x81".encode("latin-1")) == "Kafe \x81"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings_normalised(newline):
    assert decode(f"a{newline}b{newline}".encode()) == "a\nb\n"


def test_str_input_keeps_text_unchanged_but_newlines():
    assert decode("  Jakarta -  \r\nisi") == "  Jakarta -  \nisi"


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03binary\x00\xff" * 10, bytes(range(256)) * 4])
def test_binary_is_not_text(data):
    with pytest.raises(NotTextError, match="not text"):
        decode(data)


def test_empty_input_is_empty_text():
    assert decode(b"") == ""
