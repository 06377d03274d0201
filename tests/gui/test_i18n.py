"""Every visible string goes through Qt translation and has Simplified Chinese."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from app.i18n import I18N_DIR, install_language

REPO = Path(__file__).resolve().parents[2]


def extracted_sources(tmp_path: Path) -> set[str]:
    """What pyside6-lupdate finds in the code now, regardless of the committed .ts."""
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    assert lupdate.exists() or shutil.which("pyside6-lupdate")
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [
            str(lupdate),
            "-silent",
            "-locations",
            "none",
            "-extensions",
            "py",
            "app",
            "player",
            "verification",
            "-ts",
            str(fresh),
        ],
        cwd=REPO,
        check=True,
        timeout=60,
    )
    return {m.findtext("source") for m in ET.parse(fresh).iter("message")}


def test_every_source_string_has_a_finished_chinese_translation(tmp_path) -> None:
    sources = extracted_sources(tmp_path)
    assert len(sources) > 20
    catalogue = ET.parse(I18N_DIR / "zh_CN.ts")
    translated = {m.findtext("source"): m.find("translation") for m in catalogue.iter("message")}
    untranslated = [
        s
        for s in sources
        if s not in translated
        or not (translated[s].text or "").strip()
        or translated[s].get("type") in ("unfinished", "obsolete", "vanished")
    ]
    assert untranslated == [], "run lupdate and add Chinese to zh_CN_strings.py"


def test_chinese_is_the_default_and_english_switchable(default_language, qapp) -> None:
    from qt_binding import QCoreApplication

    source = "Another course is open. Close it before opening a new one: only one course can be studied at a time."
    try:
        assert install_language(qapp, "en")
        assert QCoreApplication.translate("PlayerMessages", source) == source
        assert install_language(qapp)  # the default
        assert "一次只能学习一门课程" in QCoreApplication.translate("PlayerMessages", source)
    finally:
        install_language(qapp)
