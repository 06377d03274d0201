"""Fill the Simplified Chinese catalogue from `zh_CN_strings.py` after `pyside6-lupdate`.

Workflow when strings change:
    .venv/bin/pyside6-lupdate -no-obsolete -locations none -extensions py app player verification \\
        -ts resources/i18n/zh_CN.ts resources/i18n/en.ts
    add the new strings' Chinese to resources/i18n/zh_CN_strings.py
    .venv/bin/python resources/i18n/fill_translations.py
English needs no translation: the source strings are English (en.ts stays empty).
`tests/test_i18n.py` fails when a visible string has no finished Chinese translation.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from zh_CN_strings import ZH  # noqa: E402


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
