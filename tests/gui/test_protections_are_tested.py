"""Each protection test must fail when the protection it checks is switched off.

Runs every test marked `protection` again in a child pytest with `--disable-protections`
(no playback guard, no attention monitor, the usual seek-on-input controls installed) and
requires every one of them to fail. A protection test that still passes there checks
nothing.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_protection_test_fails_without_its_protection(tmp_path) -> None:
    report = tmp_path / "report.xml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "protection",
            "--disable-protections",
            f"--junitxml={report}",
            "tests/gui",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    cases = list(ET.parse(report).iter("testcase"))
    assert len(cases) >= 15, "the protection tests were not collected"
    # Each must fail on its own assertion: an error (a broken fixture, say) proves nothing.
    not_failing = [
        f"{case.get('classname')}::{case.get('name')}"
        for case in cases
        if case.find("failure") is None
    ]
    assert not_failing == [], "these do not fail on their assertion with the protection off"
