"""Virtual camera signals: is this video device a virtual (software) camera?

A virtual camera lets a learner feed a recording, a photo animation or another person's
face into the face check, so the client records it as a tamper signal (DESIGN.md, "The
client still enforces everything locally ... virtual cameras"). This module is a pure
decision from the evidence a `CameraDevice` carries (name, driver, node path, bus info);
it never opens a device. The policy (warn or refuse) is a separate, institution-set input:
`judge(signal, policy)`.

Evidence strings say which field matched and how, without copying a device's full name
(names such as "Alice's iPhone" are personal data): `name~obs virtual camera` means the
name contains that known pattern; driver and bus info are kernel identifiers and are
quoted as they are (`driver=v4l2loopback`, `bus_info=platform:v4l2loopback-000`).

What this cannot catch: a virtual camera that names itself like a real one, or real
hardware fed by a capture card or HDMI injector. It is one signal among several (the
liveness challenge and the server's re-match are the others).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # duck-typed at run time: any object with these attributes works
    from verification.frames import CameraDevice

# Known virtual camera products by device name: (kind, pattern). Patterns are matched
# case-insensitively on word boundaries; the first product that matches gives the kind.
NAME_PATTERNS: tuple[tuple[str, str], ...] = (
    ("obs_virtual_camera", r"obs[- ]?(virtual[- ]?)?cam(era)?"),
    ("manycam", r"manycam"),
    ("xsplit_vcam", r"xsplit"),
    ("snap_camera", r"snap ?camera"),
    ("e2esoft_vcam", r"e2esoft|vcam"),
    ("droidcam", r"droidcam"),
    ("iriun", r"iriun"),
    ("epoccam", r"epoccam"),
    ("camo", r"reincubate camo|camo camera"),
    ("youcam", r"youcam"),
    ("splitcam", r"splitcam"),
    ("mmhmm", r"mmhmm"),
    ("nvidia_broadcast", r"nvidia broadcast"),
    ("unity_capture", r"unity video capture"),
    ("avatarify", r"avatarify"),
    ("akvcam", r"akvcam"),
    ("v4l2loopback", r"dummy video device|v4l2 ?loopback"),
    ("vivid", r"vivid"),
    ("generic_virtual", r"virtual|fake ?(web)?cam|emulated"),
)

# Kernel drivers (Linux) that are virtual by construction.
VIRTUAL_DRIVERS: dict[str, str] = {
    "v4l2loopback": "v4l2loopback",
    "v4l2 loopback": "v4l2loopback",
    "akvcam": "akvcam",
    "vivid": "vivid",
    "vim2m": "vivid",
    "vicodec": "vivid",
}

# Markers in the node path or V4L2 bus info ("platform:v4l2loopback-000").
BUS_MARKERS: tuple[tuple[str, str], ...] = (
    ("v4l2loopback", "v4l2loopback"),
    ("akvcam", "akvcam"),
    ("vivid", "vivid"),
)

_COMPILED = tuple(
    (kind, pattern, re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])", re.IGNORECASE))
    for kind, pattern in NAME_PATTERNS
)


@dataclass(frozen=True)
class VirtualCameraSignal:
    """A device judged to be a virtual camera.

    `kind` is the most specific product or driver recognised ("obs_virtual_camera",
    "v4l2loopback", "generic_virtual", ...); `evidence` lists every field that matched.
    """

    kind: str
    evidence: tuple[str, ...]


def virtual_camera_evidence(device: CameraDevice) -> VirtualCameraSignal | None:
    """The virtual-camera signal for `device`, or None when nothing points that way."""
    evidence: list[str] = []
    kinds: list[str] = []

    name = (getattr(device, "name", None) or "").strip()
    for kind, _pattern, regex in _COMPILED:
        found = regex.search(name)
        if found:
            kinds.append(kind)
            evidence.append(f"name~{found.group(0).lower()}")
            break  # the first (most specific) product is enough

    driver = (getattr(device, "driver", None) or "").strip().lower()
    if driver in VIRTUAL_DRIVERS:
        kinds.append(VIRTUAL_DRIVERS[driver])
        evidence.append(f"driver={driver}")

    for field in ("bus_info", "path"):
        value = (getattr(device, field, None) or "").strip()
        lowered = value.lower()
        for marker, kind in BUS_MARKERS:
            if marker in lowered:
                kinds.append(kind)
                evidence.append(f"{field}={value}")
                break

    if not kinds:
        return None
    # A product name is more specific than a driver; a driver beats the generic word.
    specific = [k for k in kinds if k != "generic_virtual"]
    return VirtualCameraSignal(kind=specific[0] if specific else kinds[0], evidence=tuple(evidence))


@dataclass(frozen=True)
class CameraPolicy:
    """What to do with a virtual camera: record a warning and go on, or refuse it."""

    virtual_camera: Literal["warn", "refuse"] = "refuse"

    def __post_init__(self) -> None:
        if self.virtual_camera not in ("warn", "refuse"):
            raise ValueError(f"virtual_camera must be 'warn' or 'refuse': {self.virtual_camera}")


@dataclass(frozen=True)
class Verdict:
    """`action` is "allow" (no signal), "warn" (use it, record the signal) or "refuse"."""

    action: Literal["allow", "warn", "refuse"]
    signal: VirtualCameraSignal | None = None
    code: str | None = None  # "virtual_camera" when there is a signal

    @property
    def allowed(self) -> bool:
        return self.action != "refuse"


def judge(signal: VirtualCameraSignal | None, policy: CameraPolicy) -> Verdict:
    if signal is None:
        return Verdict("allow")
    return Verdict(policy.virtual_camera, signal, "virtual_camera")
