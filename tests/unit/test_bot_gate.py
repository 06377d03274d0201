"""The simulated camera and the scripted learner exist for the demo and the tests: they
drive the demo's in-process platform or a test server on this machine, never another
server, whatever the environment says; a packaged build only its embedded demo."""

from __future__ import annotations

import argparse
import sys

import pytest

from app.application import is_loopback_url, simulated_camera_allowed


def args(demo: bool = False) -> argparse.Namespace:
    return argparse.Namespace(demo=demo)


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8470", True),
        ("http://localhost:9000/", True),
        ("http://[::1]:8470", True),
        ("https://platform.example.org", False),
        ("https://127.0.0.1.example.org", False),
        ("http://10.0.0.5:8470", False),
        (None, False),
        ("", False),
    ],
)
def test_loopback_addresses(url, loopback) -> None:
    assert is_loopback_url(url) is loopback


def test_the_environment_alone_never_lets_a_bot_at_a_real_platform(monkeypatch) -> None:
    monkeypatch.setenv("APP_ALLOW_SIMULATED_CAMERA", "1")
    assert not simulated_camera_allowed(args(), "https://platform.example.org")
    assert simulated_camera_allowed(args(), "http://127.0.0.1:8470")
    monkeypatch.delenv("APP_ALLOW_SIMULATED_CAMERA")
    assert not simulated_camera_allowed(args(), "http://127.0.0.1:8470")
    assert simulated_camera_allowed(args(demo=True), None)


def test_a_packaged_build_has_one_only_for_its_embedded_demo(monkeypatch) -> None:
    monkeypatch.setenv("APP_ALLOW_SIMULATED_CAMERA", "1")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert simulated_camera_allowed(args(demo=True), None)
    assert not simulated_camera_allowed(args(), "http://127.0.0.1:8470")
    assert not simulated_camera_allowed(args(), "https://platform.example.org")
