"""Course ratings (Attachment 1 item 6): the pure rules (server/rating_rules.py), then
the real server over HTTP on SQLite and PostgreSQL: a learner who studied a course
rates it, rating again replaces the rating, refusals have codes, the course list shows
the ratings, and enough poor ratings from different learners withdraw the course."""

from __future__ import annotations

import base64
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from server import ratings
from server.errors import ApiError
from server.models import Account, AuditEntry, AuthSession, CourseRating
from server.rating_rules import (
    COMMENT_TOO_LONG,
    NO_RATINGS,
    SCORE_OUT_OF_RANGE,
    RatingError,
    RatingPolicy,
    RatingScores,
    RatingSummary,
    should_delist,
    summarize,
    validate_rating,
)
from tests.support.server_harness import ADMIN_TOKEN, API, ID_NUMBERS, LearnerDevice, make_fixture

# -- the rules, without I/O -------------------------------------------------------------


def test_policy_defaults_and_refused_values():
    policy = RatingPolicy()
    assert (policy.min_ratings_to_delist, policy.delist_below, policy.comment_max_chars) == (
        10,
        2.5,
        500,
    )
    for bad in (
        {"min_ratings_to_delist": 0},
        {"delist_below": 0.5},
        {"delist_below": 5.5},
        {"comment_max_chars": -1},
    ):
        with pytest.raises(ValueError):
            RatingPolicy(**bad)


def test_valid_ratings_are_returned_as_scores():
    policy = RatingPolicy()
    assert validate_rating((1, 5, 3), "", policy) == RatingScores(1, 5, 3)
    assert validate_rating([5, 5, 5], "好" * 500, policy).teacher == 5


@pytest.mark.parametrize(
    "scores",
    [(0, 3, 3), (3, 6, 3), (3, 3, -1), (True, 3, 3), (3.0, 3, 3), ("3", 3, 3), (3, 3), ()],
)
def test_scores_outside_one_to_five_or_not_three_integers_are_refused(scores):
    with pytest.raises(RatingError) as refused:
        validate_rating(scores, "", RatingPolicy())
    assert refused.value.code == SCORE_OUT_OF_RANGE
    assert isinstance(refused.value, ValueError)


def test_a_comment_longer_than_the_policy_allows_is_refused():
    with pytest.raises(RatingError) as refused:
        validate_rating((3, 3, 3), "x" * 11, RatingPolicy(comment_max_chars=10))
    assert refused.value.code == COMMENT_TOO_LONG
    assert "10" in str(refused.value)


def test_a_summary_of_no_ratings_has_no_means():
    assert summarize([]) == NO_RATINGS == RatingSummary.from_totals(0, 0, 0, 0)
    assert NO_RATINGS.to_dict() == {
        "count": 0,
        "content": None,
        "design": None,
        "teacher": None,
        "overall": None,
    }
    assert NO_RATINGS.brief() == {"count": 0, "overall": None}


def test_a_summary_averages_each_dimension_and_rounds_only_for_display():
    summary = summarize([(5, 4, 1), (4, 4, 2), (4, 3, 2)])
    assert summary.count == 3
    assert summary.content == pytest.approx(13 / 3)
    assert summary.overall == pytest.approx(29 / 9)
    assert summary.to_dict() == {
        "count": 3,
        "content": 4.33,
        "design": 3.67,
        "teacher": 1.67,
        "overall": 3.22,
    }
    assert summary.brief() == {"count": 3, "overall": 3.22}
    assert summary == RatingSummary.from_totals(3, 13, 11, 5)


score = st.integers(min_value=1, max_value=5)


@given(st.lists(st.tuples(score, score, score), min_size=1, max_size=40))
def test_the_overall_score_is_the_mean_of_the_three_dimension_averages(scores):
    summary = summarize(scores)
    assert summary.count == len(scores)
    means = (summary.content, summary.design, summary.teacher)
    assert summary.overall == pytest.approx(sum(means) / 3)
    assert all(1 <= m <= 5 for m in (*means, summary.overall))


def test_a_course_is_delisted_only_when_enough_learners_rate_it_below_the_bar():
    policy = RatingPolicy(min_ratings_to_delist=3, delist_below=2.5)
    poor = [(1, 2, 2)] * 3
    assert should_delist(summarize(poor), policy)
    assert not should_delist(summarize(poor[:2]), policy)  # too few to judge
    assert not should_delist(NO_RATINGS, RatingPolicy(min_ratings_to_delist=1))
    exactly_at_the_bar = [(2, 3, 2), (3, 3, 2), (2, 3, 2), (3, 3, 2)]  # 30 / 12
    assert summarize(exactly_at_the_bar).overall == 2.5
    assert not should_delist(summarize(exactly_at_the_bar), policy)
    # 502 / 201 = 2.4975: shown as 2.5, but the exact mean decides, and it is below.
    just_below = summarize([(3, 3, 2)] * 33 + [(2, 3, 2)] * 34)
    assert just_below.to_dict()["overall"] == 2.5
    assert should_delist(just_below, policy)
    assert not should_delist(summarize([(5, 5, 5)] * 10), RatingPolicy())


def test_the_service_answers_a_rule_refusal_with_its_code_before_touching_the_database():
    # The HTTP body model refuses these first; the service still checks on its own.
    session = AuthSession(learner_id="lrn-x")
    with pytest.raises(ApiError) as refused:
        ratings.rate_course(None, None, session, "crs-x", (0, 3, 3), "")  # type: ignore[arg-type]
    assert (refused.value.status, refused.value.code) == (422, SCORE_OUT_OF_RANGE)


# -- the real server over HTTP ------------------------------------------------------------

LEARNERS = ("learner1", "learner2", "learner3")


@pytest.fixture
def world(live_server, tmp_path, faces):
    fixture = make_fixture(live_server, tmp_path)
    for login, id_number in zip(LEARNERS, ID_NUMBERS, strict=True):
        made = fixture.add_learner(login, id_number)
        # One photo for all: each learner signs in with their own password and face.
        live_server.admin(
            "POST",
            f"/admin/learners/{made['learner_id']}/face-template",
            json={"photo_jpeg_b64": base64.b64encode(faces.learner_photo).decode()},
        )
    media = tmp_path / "course.mp4"
    media.write_bytes(bytes(range(256)) * 40)
    fixture.add_course("安全用电", media, 180_000)
    fixture.add_course("高处作业", media, 180_000)
    return fixture


def signed_in(server, login, faces) -> LearnerDevice:
    device = LearnerDevice(server)
    device.sign_in(login, faces.learner)
    return device


def open_and_close(device: LearnerDevice, course: str) -> None:
    """A study session of the course on the server, ended (so another may start)."""
    started = device.start(course)
    assert started.status_code == 200, started.text
    session = started.json()["study_session_id"]
    assert device.post(f"/study/{session}/end").status_code == 200


def rate(device: LearnerDevice, course: str, content=4, design=4, teacher=4, **extra):
    body = {"content": content, "design": design, "teacher": teacher, **extra}
    return device.post(f"/courses/{course}/rating", json=body)


def listed(device: LearnerDevice) -> dict[str, dict]:
    answer = device.get("/courses")
    assert answer.status_code == 200, answer.text
    return {c["id"]: c for c in answer.json()}


def test_a_learner_rates_a_studied_course_and_rating_again_replaces_it(live_server, world, faces):
    device = signed_in(live_server, "learner1", faces)
    course, other = world.courses["安全用电"]["id"], world.courses["高处作业"]["id"]
    before = listed(device)
    assert before[course]["rating"] == {"count": 0, "overall": None}
    assert before[course]["my_rating"] is None
    not_yet = rate(device, course)
    assert not_yet.status_code == 403 and not_yet.json()["code"] == "not_studied"
    open_and_close(device, course)
    first = rate(device, course, 5, 4, 3, comment="讲得清楚")
    assert first.status_code == 200, first.text
    answer = first.json()
    assert answer["rating"]["content"] == 5 and answer["rating"]["comment"] == "讲得清楚"
    assert answer["summary"] == {
        "count": 1,
        "content": 5.0,
        "design": 4.0,
        "teacher": 3.0,
        "overall": 4.0,
    }
    assert answer["course_status"] == "listed" and answer["delisted_by_ratings"] is False
    # The course list gives the learner's own rating back, comment included, so that
    # rating again starts from it.
    assert listed(device)[course]["my_rating"] == {
        "content": 5,
        "design": 4,
        "teacher": 3,
        "comment": "讲得清楚",
    }
    live_server.platform.clock.advance(60_000)
    again = rate(device, course, 2, 2, 3).json()
    assert again["rating"]["created_ms"] == answer["rating"]["created_ms"]
    assert again["rating"]["updated_ms"] >= answer["rating"]["updated_ms"] + 60_000
    assert again["rating"]["comment"] == ""  # replaced as a whole
    assert again["summary"]["count"] == 1 and again["summary"]["overall"] == 2.33
    with live_server.platform.sessions() as db:
        assert len(db.scalars(select(CourseRating)).all()) == 1
    (mine,) = device.get("/me/ratings").json()
    assert mine["course_id"] == course and mine["course_name"] == "安全用电"
    assert (mine["content"], mine["design"], mine["teacher"]) == (2, 2, 3)
    courses = listed(device)
    assert courses[course]["rating"] == {"count": 1, "overall": 2.33}
    assert courses[course]["my_rating"] == {
        "content": 2,
        "design": 2,
        "teacher": 3,
        "comment": "",
    }
    assert courses[other]["rating"]["count"] == 0 and courses[other]["my_rating"] is None
    # Another learner sees the course's summary but not learner1's own rating.
    someone = signed_in(live_server, "learner2", faces)
    theirs = listed(someone)[course]
    assert theirs["rating"] == {"count": 1, "overall": 2.33} and theirs["my_rating"] is None
    assert someone.get("/me/ratings").json() == []
    # The administrator sees every rating by learner id, with no names.
    admin_view = live_server.admin("GET", f"/admin/courses/{course}/ratings")
    assert admin_view["summary"]["count"] == 1 and admin_view["course_status"] == "listed"
    (row,) = admin_view["ratings"]
    assert row["learner_id"] == device.learner_id and row["teacher"] == 3
    assert "张三" not in str(admin_view)


def test_refusals_have_codes(live_server, world, faces, monkeypatch):
    device = signed_in(live_server, "learner1", faces)
    course = world.courses["安全用电"]["id"]
    open_and_close(device, course)
    unknown = rate(device, "crs-does-not-exist")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_course"
    anonymous = live_server.call(
        "POST", f"{API}/courses/{course}/rating", json={"content": 3, "design": 3, "teacher": 3}
    )
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_signed_in"
    assert device.server.call("GET", f"{API}/me/ratings").status_code == 401
    for bad in (
        {"content": 0},
        {"design": 6},
        {"teacher": "5"},
        {"teacher": 4.5},
        {"content": True},
        {"content": None},
        {"stars": 5},
        {"comment": "x" * 501},
    ):
        refused = rate(device, course, **bad)
        assert refused.status_code == 422 and refused.json()["code"] == "invalid_request", bad
        assert "x" * 501 not in refused.text  # submitted values are never echoed
    missing = device.post(f"/courses/{course}/rating", json={"content": 3, "design": 3})
    assert missing.status_code == 422 and missing.json()["fields"] == ["body.teacher"]
    assert rate(device, course, comment="好" * 500).status_code == 200
    # The server's policy also bounds comments (here below the HTTP body's limit).
    monkeypatch.setattr(ratings, "RATING_POLICY", RatingPolicy(comment_max_chars=10))
    short = rate(device, course, comment="x" * 11)
    assert short.status_code == 422 and short.json()["code"] == "comment_too_long"
    # A withdrawn course is no longer rated, even by a learner who studied it.
    live_server.admin("POST", f"/admin/courses/{course}/status", json={"status": "delisted"})
    gone = rate(device, course)
    assert gone.status_code == 403 and gone.json()["code"] == "course_delisted"
    # Administrators only: the ratings of a course.
    assert (
        live_server.call("GET", f"{API}/admin/courses/{course}/ratings", device.token).status_code
        == 401
    )
    missing_course = live_server.call("GET", f"{API}/admin/courses/crs-none/ratings", ADMIN_TOKEN)
    assert missing_course.status_code == 404 and missing_course.json()["code"] == "unknown_course"


def test_enough_poor_ratings_from_different_learners_delist_the_course(
    live_server, world, faces, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(ratings, "RATING_POLICY", RatingPolicy(min_ratings_to_delist=3))
    course = world.courses["安全用电"]["id"]
    devices = [signed_in(live_server, login, faces) for login in LEARNERS]
    for device in devices:
        open_and_close(device, course)
    first, second, third = devices
    assert rate(first, course, 1, 1, 1, comment="私人意见一").json()["course_status"] == "listed"
    assert rate(second, course, 2, 2, 2, comment="私人意见二").json()["course_status"] == "listed"
    # Rating again is still one learner's rating: two ratings, not three.
    again = rate(first, course, 1, 1, 2).json()
    assert again["summary"]["count"] == 2 and again["course_status"] == "listed"
    last = rate(third, course, 3, 3, 3, comment="私人意见三")
    assert last.status_code == 200, last.text
    answer = last.json()
    assert answer["summary"]["count"] == 3 and answer["summary"]["overall"] == 2.11
    assert answer["course_status"] == "delisted" and answer["delisted_by_ratings"] is True
    # Withdrawn: out of the list, no new study, no more ratings; the learner still has
    # their rating, marked as of a withdrawn course.
    assert course not in listed(first)
    assert first.start(course).json()["code"] == "course_delisted"
    assert rate(third, course, 5, 5, 5).json()["code"] == "course_delisted"
    (mine,) = first.get("/me/ratings").json()
    assert mine["course_status"] == "delisted"
    with live_server.platform.sessions() as db:
        (entry,) = db.scalars(
            select(AuditEntry).where(AuditEntry.action == "course_delisted_by_ratings")
        ).all()
    assert (entry.actor, entry.target) == ("system", course)
    assert '"count": 3' in entry.detail_json and '"overall": 2.11' in entry.detail_json
    admin_view = live_server.admin("GET", f"/admin/courses/{course}/ratings")
    assert admin_view["course_status"] == "delisted" and len(admin_view["ratings"]) == 3
    # Comments are stored as written, and never logged.
    with live_server.platform.sessions() as db:
        comments = set(db.scalars(select(CourseRating.comment)))
        logins = dict(db.execute(select(Account.learner_id, Account.login_name)).all())
    assert comments == {"", "私人意见二", "私人意见三"}
    assert logins[second.learner_id] == "learner2"
    logged = caplog.text + " ".join(str(getattr(r, "data", "")) for r in caplog.records)
    assert "course delisted by ratings" in logged
    assert "私人意见" not in logged


def test_good_ratings_keep_a_course_listed(live_server, world, faces, monkeypatch):
    monkeypatch.setattr(ratings, "RATING_POLICY", RatingPolicy(min_ratings_to_delist=2))
    course = world.courses["高处作业"]["id"]
    devices = [signed_in(live_server, login, faces) for login in LEARNERS[:2]]
    for device, scores in zip(devices, ((2, 3, 2), (3, 3, 2)), strict=True):
        open_and_close(device, course)
        answer = rate(device, course, *scores).json()
    assert answer["summary"]["overall"] == 2.5 and answer["course_status"] == "listed"
    assert listed(devices[0])[course]["rating"] == {"count": 2, "overall": 2.5}
