"""The environment a client runs in, as it reports it (verification/environment.py
collects it): at sign-in with the client's identity, and during study as signed
ENVIRONMENT events. The institution's policy (server/environment_rules.py) judges each
kind: allow, flag for review, or refuse."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field

from wire.base import Body

EnvironmentKind = Literal[
    "virtual_machine",
    "remote_session",
    "multiple_monitors",
    "screen_recorder",
    "automation_tool",
    "virtual_camera",
]
ENVIRONMENT_KINDS: tuple[EnvironmentKind, ...] = get_args(EnvironmentKind)
EnvironmentAction = Literal["allow", "flag", "refuse"]
# The refusal code the server answers and the client translates, per kind.
REFUSED_PREFIX = "environment_refused_"


class EnvironmentSignalReport(Body):
    kind: EnvironmentKind
    evidence: str = Field(max_length=80)  # what was seen: "process=x11vnc", never a name
