"""Fill the Simplified Chinese catalogue from `zh_CN_strings.py` after `pyside6-lupdate`.

Workflow when strings change:
    .venv/bin/pyside6-lupdate -no-obsolete -locations none -extensions py app player verification \\
        -ts resources/i18n/zh_CN.ts resources/i18n/en.ts
    add the new strings' Chinese to resources/i18n/zh_CN_strings.py (or to the
    zh_CN_strings_<area>.py of the screen they belong to: every such file is merged)
    .venv/bin/python resources/i18n/fill_translations.py
English needs no translation: the source strings are English (en.ts stays empty).
`tests/gui/test_i18n.py` fails when a visible string has no finished Chinese translation.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import importlib  # noqa: E402


def _catalogue() -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(HERE.glob("zh_CN_strings*.py")):
        part = importlib.import_module(path.stem).ZH
        clashes = {k for k in part if k in merged and merged[k] != part[k]}
        if clashes:
            raise SystemExit(f"{path.name} translates differently: {sorted(clashes)}")
        merged.update(part)
    return merged


ZH = _catalogue()


def fill(ts_path: Path) -> list[str]:
    tree = ET.parse(ts_path)
    missing = []
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            translation = ET.SubElement(message, "translation")
        if source in ZH:
            translation.text = ZH[source]
            translation.attrib.pop("type", None)
        else:
            missing.append(source)
    tree.getroot().set("language", "zh_CN")
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    return missing


if __name__ == "__main__":
    left = fill(HERE / "zh_CN.ts")
    for source in left:
        print(f"no Chinese yet: {source!r}")
    sys.exit(1 if left else 0)
