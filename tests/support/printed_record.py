"""Reading a printed study record (PDF) back as text, the way a reader copying it would
see it: Qt's PDF writer maps some CJK characters to a lower twin code point that the font
draws with the same glyph, so expected text is translated the same way before comparing."""

from __future__ import annotations

import functools
import subprocess
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont
from pypdf import PdfReader


def _embedded_fonts(reader: PdfReader) -> list[str]:
    names = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            name = str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            if name not in names:
                names.append(name)
    return names


@functools.cache
def _lower_twins(postscript_name: str) -> dict[int, int]:
    """Code point -> the lower code point Qt writes for it: the font draws both with one
    glyph, and Qt's reverse map scans the BMP upwards (QFontSubset)."""
    found = subprocess.run(
        [
            "fc-match",
            "-f",
            "%{file}\n%{index}\n%{postscriptname}",
            f":postscriptname={postscript_name}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.split("\n")
    assert found[2] == postscript_name, f"fontconfig cannot find the embedded {postscript_name}"
    with TTFont(found[0], fontNumber=int(found[1]), lazy=True) as font:
        cmap = font.getBestCmap()
    lowest: dict[str, int] = {}
    for code in sorted(c for c in cmap if c <= 0xFFFF):
        lowest.setdefault(cmap[code], code)
    return {c: lowest[g] for c, g in cmap.items() if c <= 0xFFFF and lowest[g] != c}


def _squash(text: str) -> str:
    # pypdf breaks lines and adds tabs where Qt positions runs; NFKC undoes ligatures
    # ("ﬀ" in "Effective") on both sides alike.
    return unicodedata.normalize("NFKC", "".join(text.split()))


def pdf_text(path: Path) -> str:
    return _squash("".join(page.extract_text() for page in PdfReader(path).pages))


def as_extracted(text: str, path: Path) -> str:
    table: dict[int, int] = {}
    for font in _embedded_fonts(PdfReader(path)):
        table = _lower_twins(font) | table
    return _squash(text.translate(table))


def assert_printed(path: Path, *expected: str) -> None:
    text = pdf_text(path)
    missing = [e for e in expected if as_extracted(e, path) not in text]
    assert missing == [], f"not in the PDF: {missing}"
