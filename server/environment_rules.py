"""The institution's judgement of the environment a client reports, pure.

Each kind of signal (wire/environment.py) is allowed, flagged for review, or refused.
A signal alone never silently voids time: flagged study is credited and listed for the
institution's review; refused study is not credited from the report that named the
kind until a later report no longer does, and the client is told why.

Every signal is the client's claim: a forger leaves them out. They catch the honest
mistake and the careless cheat (a recorder running, a remote-desktop session); the face
checks and the server's own clock stay the defences against the determined one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from records.effective_time import Span
from records.events import EventKind, StudyEvent
from wire.environment import ENVIRONMENT_KINDS, EnvironmentAction

DEFAULT_ACTIONS: dict[str, EnvironmentAction] = {
    # Flag, not refuse: a learner's own PC may well be a virtual machine or have two
    # monitors, and training centres differ; each institution may harden its policy.
    "virtual_machine": "flag",
    "remote_session": "flag",
    "multiple_monitors": "flag",
    "screen_recorder": "flag",
    "automation_tool": "flag",
}
ACTIONS: tuple[EnvironmentAction, ...] = ("allow", "flag", "refuse")


def environment_actions(
    configured: Mapping[str, str], virtual_camera: str
) -> dict[str, EnvironmentAction]:
    """Every kind's action: the institution's settings over the defaults; a virtual
    camera follows the face checks' own `virtual_camera` setting (refuse or warn)."""
    actions: dict[str, EnvironmentAction] = dict(DEFAULT_ACTIONS)
    for kind, action in configured.items():
        if kind not in DEFAULT_ACTIONS:
            raise ValueError(f"environment policy: unknown signal {kind!r}")
        if action not in ACTIONS:
            raise ValueError(f"environment policy: {kind} must be allow, flag or refuse")
        actions[kind] = action
    actions["virtual_camera"] = "refuse" if virtual_camera == "refuse" else "flag"
    return actions


@dataclass(frozen=True)
class EnvironmentJudgement:
    refused: tuple[str, ...] = ()  # kinds, in the order of ENVIRONMENT_KINDS
    flagged: tuple[str, ...] = ()

    @property
    def action(self) -> EnvironmentAction:
        return "refuse" if self.refused else "flag" if self.flagged else "allow"


def judge_environment(
    kinds: Iterable[str], actions: Mapping[str, EnvironmentAction]
) -> EnvironmentJudgement:
    """Unknown kinds (a newer client's) are flagged: seen by a person, never refused."""
    seen = set(kinds)
    ordered = [k for k in ENVIRONMENT_KINDS if k in seen] + sorted(seen - set(ENVIRONMENT_KINDS))
    refused = tuple(k for k in ordered if actions.get(k, "flag") == "refuse")
    flagged = tuple(k for k in ordered if actions.get(k, "flag") == "flag")
    return EnvironmentJudgement(refused, flagged)


def reported_kinds(event: StudyEvent) -> list[str]:
    """The kinds an ENVIRONMENT event names (malformed entries are ignored)."""
    signals = event.data.get("signals")
    if not isinstance(signals, list):
        return []
    return [s["kind"] for s in signals if isinstance(s, dict) and isinstance(s.get("kind"), str)]


def refused_spans(
    events: Sequence[StudyEvent], actions: Mapping[str, EnvironmentAction], end_ms: int
) -> list[Span]:
    """From each ENVIRONMENT report that names a refused kind to the next report that
    does not (or the session's end): time that earns nothing."""
    spans: list[Span] = []
    refused_since: int | None = None
    for event in sorted(events, key=lambda e: e.seq):
        if event.kind is not EventKind.ENVIRONMENT:
            continue
        refused = bool(judge_environment(reported_kinds(event), actions).refused)
        if refused and refused_since is None:
            refused_since = event.at_ms
        elif not refused and refused_since is not None:
            spans.append((refused_since, event.at_ms))
            refused_since = None
    if refused_since is not None and refused_since < end_ms:
        spans.append((refused_since, end_ms))
    return spans
