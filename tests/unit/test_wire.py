"""The wire models (`wire/`) against the server's rules they restate, and the two
kinds of model: bodies refuse unknown fields, answers ignore them."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import pydantic
import pytest

import wire
from records.policy import EffectiveTimePolicy
from server.platform import VerificationSettings
from server.rating_rules import MAX_SCORE, MIN_SCORE, RatingPolicy
from verification import burst
from wire.base import Answer, Body
from wire.face import MAX_BURST_FRAMES, MAX_FRAME_BYTES
from wire.policy import TimePolicy, VerificationPolicy
from wire.ratings import COMMENT_MAX_CHARS, CourseRatingBody
from wire.ratings import MAX_SCORE as WIRE_MAX_SCORE
from wire.ratings import MIN_SCORE as WIRE_MIN_SCORE
from wire.study import HeartbeatAnswer


def all_models() -> list[type[pydantic.BaseModel]]:
    for module in pkgutil.iter_modules(wire.__path__):
        importlib.import_module(f"wire.{module.name}")
    found, pending = [], [Answer, Body]
    while pending:
        model = pending.pop()
        found.append(model)
        pending.extend(model.__subclasses__())
    return found


def test_the_limits_are_the_ones_the_server_applies() -> None:
    assert (MAX_BURST_FRAMES, MAX_FRAME_BYTES) == (burst.MAX_BURST_FRAMES, burst.MAX_FRAME_BYTES)
    assert (WIRE_MIN_SCORE, WIRE_MAX_SCORE) == (MIN_SCORE, MAX_SCORE)
    assert RatingPolicy().comment_max_chars == COMMENT_MAX_CHARS


def test_the_policies_carry_every_field_of_the_servers_settings() -> None:
    # An answer model drops what it does not declare: a setting added on the server
    # and not here would silently never reach a client.
    assert set(TimePolicy.model_fields) == {f.name for f in dataclasses.fields(EffectiveTimePolicy)}
    assert set(VerificationPolicy.model_fields) == {
        f.name for f in dataclasses.fields(VerificationSettings)
    }
    settings = VerificationSettings(0.5, 3, 1, 60_000)
    assert settings.as_sent().liveness_actions == list(settings.liveness_actions)


def test_every_model_is_a_body_or_an_answer() -> None:
    models = all_models()
    assert len(models) > 50
    for model in models:
        assert issubclass(model, Answer) != issubclass(model, Body), model
        expected = "ignore" if issubclass(model, Answer) else "forbid"
        assert model.model_config.get("extra") == expected, model


def test_a_body_refuses_an_unknown_field_and_an_answer_ignores_it() -> None:
    with pytest.raises(pydantic.ValidationError):
        CourseRatingBody.model_validate({"content": 5, "design": 5, "teacher": 5, "stars": 5})
    with pytest.raises(pydantic.ValidationError):
        CourseRatingBody.model_validate({"content": True, "design": 5, "teacher": 5})
    policy = EffectiveTimePolicy().to_dict()
    settings = dataclasses.asdict(VerificationSettings(0.5, 3, 1, 60_000))
    answer = HeartbeatAnswer.model_validate(
        {
            "status": "ok",
            "server_time_ms": 1,
            "ack": None,
            "policy": {**policy, "new_limit_ms": 5},
            "verification": settings,
            "check_due": None,
            "from_a_newer_server": True,
        }
    )
    assert answer.policy.model_dump() == policy
    assert "from_a_newer_server" not in answer.model_dump()
