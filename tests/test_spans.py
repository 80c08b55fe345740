"""The splitter of glued lines: where spans start, where they must not, and exact reconstruction."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.spans import remove, split, texts


def pieces(line: str) -> list[str]:
    return [t.strip() for t in texts(line, split(line))]


@pytest.mark.parametrize("line", [
    "Kombes Pol. Budi Santoso memimpin apel pagi.",
    "Pasien ditangani dr. Ani Lestari di ruang gawat darurat.",
    "Rumahnya di Jl. Melati No. 5 Kelurahan Sukajadi.",
    "Ceramah disampaikan oleh H. Ahmad Fauzi dan Hj. Siti Aminah.",
    "Hadir pula Prof. Dr. Ir. Wahyu Prasetyo dari kampus itu.",
    "Menteri Johnny G. Plate hadir bersama A. Rahman.",
    "Lulusan S.H. itu bekerja di PT. Sinar Terang Tbk. sejak lama.",
    "Inflasi naik 2.5 persen, setara 1.000 kasus.",
    "Pukul 8.35 WIB harga Rp 14.334 per dolar.",
    "Kirim ke redaksi.Kota@contoh.co.id atau buka https://www.Contoh.com/Berita.Hari.Ini sekarang.",
    "Data dari Tribunnews.com dan Liputan6.com dikutip.",
    "Ia tiba pukul 10.00 WIB. Kemudian ia pergi.",
])
def test_no_split_inside_abbreviations_numbers_initials_urls(line):
    got = pieces(line)
    if line.startswith("Ia tiba"):
        assert got == ["Ia tiba pukul 10.00 WIB.", "Kemudian ia pergi."]
    else:
        assert got == [line]


@pytest.mark.parametrize("line, expected", [
    ("Indra Kenz.Pemanggilan dijadwalkan besok.", ["Indra Kenz.", "Pemanggilan dijadwalkan besok."]),
    ("Apa yang dibahas keduanya?Pertemuan itu tertutup.", ["Apa yang dibahas keduanya?", "Pertemuan itu tertutup."]),
    ('Jalan tol di Sumatera."Kehadiran jalan tol penting," katanya.',
     ["Jalan tol di Sumatera.", '"Kehadiran jalan tol penting," katanya.']),
    ("Laporan Wartawan Tribunnews.com, Nama PenulisTRIBUNNEWS.COM, JAKARTA - Polisi memeriksa saksi.",
     ["Laporan Wartawan Tribunnews.com, Nama Penulis", "TRIBUNNEWS.COM, JAKARTA - Polisi memeriksa saksi."]),
    ("Harga naik. Baca juga: Harga Cabai Melonjak di Pasar Induk", ["Harga naik.", "Baca juga:",
                                                                     "Harga Cabai Melonjak di Pasar Induk"]),
    # Where a related headline ends: Title Case, then the next sentence's first lower-case word ...
    ("Baca juga: Garuda Turunkan Harga Tiket di Rute Domestik Apalagi perusahaan itu rugi.",
     ["Baca juga:", "Garuda Turunkan Harga Tiket di Rute Domestik", "Apalagi perusahaan itu rugi."]),
    # ... sentence case: the last capitalised word after a lower-case one, within a headline's length ...
    ("Baca juga: Harga cabai di Jakarta naik tipis pekan ini Pedagang mengeluhkan sepinya pembeli.",
     ["Baca juga:", "Harga cabai di Jakarta naik tipis pekan ini", "Pedagang mengeluhkan sepinya pembeli."]),
    # ... an opening quote, the next cue, or a wide gap.
    ('Baca juga: Warga keluhkan jalan rusak "Kami menunggu," kata warga.',
     ["Baca juga:", "Warga keluhkan jalan rusak", '"Kami menunggu," kata warga.']),
    ("Baca juga: Satu Dua Tiga Baca juga: Empat Lima Enam", ["Baca juga:", "Satu Dua Tiga", "Baca juga:",
                                                             "Empat Lima Enam"]),
    ("Ia datang.Foto/Instagram Nama OrangMulai dari sini.", ["Ia datang.", "Foto/Instagram Nama Orang",
                                                             "Mulai dari sini."]),
    ("Caranya ketik kata kunci.- 0,5 gram = Rp 530.000", ["Caranya ketik kata kunci.", "- 0,5 gram = Rp 530.000"]),
    ("Ia datang.ADVERTISEMENTSCROLL TO RESUME CONTENTIa pulang.",
     ["Ia datang.", "ADVERTISEMENT", "SCROLL TO RESUME CONTENT", "Ia pulang."]),
    ("Simak Video \"Judul\"[Gambas:Video 20detik](pal/pal)", ["Simak Video", '"Judul"', "[Gambas:Video 20detik]",
                                                              "(pal/pal)"]),
    ("Warga senang. Artikel ini telah tayang di Kompas.com dengan judul \"X\".",
     ["Warga senang.", 'Artikel ini telah tayang di Kompas.com dengan judul "X".']),
    ("Isi terakhir. Pewarta: Nama Satu Editor: Nama Dua Copyright © ANTARA 2025",
     ["Isi terakhir.", "Pewarta: Nama Satu", "Editor: Nama Dua", "Copyright © ANTARA 2025"]),
    ("Ringkasan berita tanpa titik Penajam Paser Utara (ANTARA) - Isi berita.",
     ["Ringkasan berita tanpa titik", "Penajam Paser Utara (ANTARA) - Isi berita."]),
])
def test_splits_at_sentence_ends_seams_and_cues(line, expected):
    assert pieces(line) == expected


def test_a_headline_cue_ends_at_a_wide_gap():
    line = "Baca juga: Garuda Turunkan Harga Tiket  Sebelumnya harga naik."
    assert pieces(line)[-1] == "Sebelumnya harga naik."


def test_remove_keeps_every_other_byte():
    line = "Satu dua.  Baca juga: Judul Lain\u00a0 Tiga empat. (abc/abc)"
    spans = split(line)
    drop = [t.startswith(("Baca", "Judul", "Lain", "(abc")) for t in texts(line, spans)]
    out = remove(line, spans, drop)
    assert "Baca" not in out and "abc" not in out
    assert out.startswith("Satu dua.  ") and "Tiga empat." in out and out == out.rstrip()
    assert remove(line, spans, [False] * len(spans)) == line


_ALPHABET = st.sampled_from(list("aAbZ .,!?:;\"“”'()[]/-–@0123456789\u00a0\t") + [
    "Baca juga: ", "No. ", "dr. ", "Kenz.Pem", "(pal/pal)", "ADVERTISEMENT", "TRIBUNNEWS.COM, JAKARTA - ",
    "https://a.B/c.D ", "x.Y@z.co ", "[Gambas:Video 20detik]", "...", "…", "(ANTARA) - ", "  ",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_spans_partition_the_line(line):
    spans = split(line)
    assert "".join(texts(line, spans)) == line
    assert all(s.start < s.end for s in spans)
    assert all(a.end == b.start for a, b in zip(spans, spans[1:]))
    assert remove(line, spans, [False] * len(spans)) == line
    # Dropping any one span leaves the others' bytes, in order.
    for k in range(len(spans)):
        drop = [j == k for j in range(len(spans))]
        kept = "".join(line[s.start: s.end] for j, s in enumerate(spans) if j != k)
        out = remove(line, spans, drop)
        assert kept.startswith(out) and kept[len(out):].strip() == ""


@pytest.mark.parametrize("unit", [" ", ".", "A.", "a", "A", "1.", ". ", "Baca juga: ", "(a/", "Aa ", "a.B", "“",
                                  "x@", "www.", "  A", "(ANTARA) ", "AAA.COM ", "\u00a0"])
def test_split_is_linear_on_adversarial_lines(unit):
    line = (unit * (100_000 // len(unit) + 1))[:100_000]
    start = time.perf_counter()
    spans = split("a" + line + "b")
    assert time.perf_counter() - start < 2.0
    assert "".join(texts("a" + line + "b", spans)) == "a" + line + "b"


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_no_span_is_blank_unless_the_line_is(line):
    spans = split(line)
    if line.strip():
        assert all(t.strip() for t in texts(line, spans))
