"""What the routes depend on: the platform, the caller's address, the signed-in learner
or the administrator; and the refusals a route declares."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from server import auth
from server.errors import unauthorized
from server.models import AuthSession
from server.platform import Platform
from server.tokens import same_secret
from wire.errors import ErrorBody


# Plain reads of the request: run on the event loop, not a worker thread.
async def platform_of(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(platform_of)]


async def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def learner_session(
    platform: PlatformDep, authorization: Annotated[str | None, Header()] = None
) -> AuthSession:
    with platform.transaction() as db:
        session = auth.authenticate(platform, db, _bearer(authorization))
        db.flush()  # `last_seen_ms` is what keeps the sign-in from expiring idle
        db.expunge(session)
        return session


def administrator(
    platform: PlatformDep, authorization: Annotated[str | None, Header()] = None
) -> str:
    token = _bearer(authorization)
    if not token or not same_secret(token, platform.config.admin_token):
        raise unauthorized("not_administrator", "administrator token required")
    return "admin"


LearnerSession = Annotated[AuthSession, Depends(learner_session)]
Admin = Annotated[str, Depends(administrator)]


def refusals(*statuses: HTTPStatus) -> dict[int | str, dict[str, Any]]:
    """The refusals a router's routes may answer with, for the OpenAPI schema. Every
    route may also meet a concurrent update (409), a malformed request (422) and a
    busy database (503), from the app's exception handlers."""
    every = {HTTPStatus.CONFLICT, HTTPStatus.UNPROCESSABLE_ENTITY, HTTPStatus.SERVICE_UNAVAILABLE}
    return {
        int(status): {"model": ErrorBody, "description": status.phrase}
        for status in sorted(every | set(statuses))
    }
