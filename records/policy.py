"""The effective-time policy: every limit the rules use, as data the server can change.

Defaults follow the notice (粤人社函〔2023〕339号, item 4 and Attachment 1 item 3): one
lesson is 45 minutes and at most 8 lessons a day count, so 360 minutes per calendar day,
the day being Beijing time (UTC+8 all year; China has had no daylight saving since 1991,
so a fixed offset is exact and needs no time-zone database on Windows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

MINUTE_MS = 60_000


class PolicyError(ValueError):
    """A policy from the server that cannot be applied."""


@dataclass(frozen=True)
class EffectiveTimePolicy:
    # The client sends a heartbeat every ~10 s; an interval between two reports longer
    # than the tolerance is a heartbeat gap and earns nothing.
    heartbeat_interval_ms: int = 10_000
    heartbeat_tolerance_ms: int = 30_000
    # Time after the last interaction (an answered prompt, a passed face check, an
    # explicit play) beyond this limit is idle.
    interaction_limit_ms: int = 15 * MINUTE_MS
    lesson_minutes: int = 45
    lessons_per_day: int = 8
    utc_offset_minutes: int = 8 * 60
    # How much further than the wall time the video may advance in one reporting
    # interval before the interval counts as skipped (the player's position readings
    # jitter by a few hundred ms). Within it an interval still earns only its wall time.
    skip_tolerance_ms: int = 1_500

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise PolicyError(f"{item.name} must be an integer")
            if item.name != "utc_offset_minutes" and value <= 0:
                raise PolicyError(f"{item.name} must be positive")
        if not -12 * 60 <= self.utc_offset_minutes <= 14 * 60:
            raise PolicyError("utc_offset_minutes out of range")
        if self.heartbeat_tolerance_ms < self.heartbeat_interval_ms:
            raise PolicyError("heartbeat_tolerance_ms must be at least the interval")

    @property
    def daily_cap_ms(self) -> int:
        return self.lesson_minutes * self.lessons_per_day * MINUTE_MS

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> EffectiveTimePolicy:
        known = {item.name for item in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise PolicyError(f"unknown policy fields: {', '.join(sorted(unknown))}")
        return cls(**data)  # type: ignore[arg-type]
