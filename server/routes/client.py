"""The client itself: the newest release it may update to, and its installer file.
Asked before sign-in, so no session is needed; what matters is the release key's
signature, which the client checks."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from server import releases
from server.routes.deps import PlatformDep, refusals
from wire.releases import ClientRelease, ReleaseChannel, ReleaseTarget

router = APIRouter(prefix="/client", tags=["client"], responses=refusals(HTTPStatus.NOT_FOUND))


@router.get("/release")
def latest(
    platform: PlatformDep,
    target: Annotated[ReleaseTarget, Query()],
    channel: Annotated[ReleaseChannel, Query()] = "stable",
) -> ClientRelease:
    with platform.transaction() as db:
        return releases.latest_release(db, target, channel)


@router.get(
    "/releases/{release_id}/file",
    response_class=FileResponse,
    responses={HTTPStatus.OK: {"content": {"application/octet-stream": {}}}},
)
def installer_file(release_id: str, platform: PlatformDep) -> FileResponse:
    with platform.transaction() as db:
        path = releases.release_file(platform, db, release_id)
    return FileResponse(path, media_type="application/octet-stream")
