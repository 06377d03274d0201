"""The HTTP API (FastAPI): the routers of `server.routes` under `/api/v1`, the request
body limit, and the exception handlers. Every refusal is a JSON body
`{"code": ..., "message": ...}` (`wire.errors.ErrorBody`) with a stable code the client
translates; every answer is a `wire` model, so `/openapi.json` describes it."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError

from server.body_limit import BodySizeLimit
from server.errors import ApiError
from server.platform import Platform
from server.routes import admin, auth, client, learner, study
from server.routes.deps import PlatformDep
from wire.errors import ErrorBody
from wire.health import Health

log = logging.getLogger("server.api")
API = "/api/v1"
MAX_BODY_BYTES = 8 * 1024 * 1024


def _refusal(status: int, body: ErrorBody) -> JSONResponse:
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status)


def create_app(platform: Platform) -> FastAPI:
    app = FastAPI(
        title="Vocational training platform",
        version="1",
        description="Platform server for online vocational skills training "
        "(粤人社函〔2023〕339号): identity, sessions, courses, verified study events, ledger.",
    )
    app.state.platform = platform

    @app.exception_handler(ApiError)
    async def _known(_request: Request, error: ApiError) -> JSONResponse:
        return JSONResponse(error.body(), status_code=error.status, headers=error.headers())

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        # Field locations only: never echo submitted values (passwords, ID numbers).
        fields = [".".join(str(p) for p in e.get("loc", ())) for e in error.errors()]
        return _refusal(
            422,
            ErrorBody(code="invalid_request", message="the request is malformed", fields=fields),
        )

    @app.exception_handler(IntegrityError)
    async def _conflict(_request: Request, _error: IntegrityError) -> JSONResponse:
        return _refusal(
            409, ErrorBody(code="concurrent_update", message="a concurrent request won; retry")
        )

    @app.exception_handler(OperationalError)
    async def _busy(_request: Request, _error: OperationalError) -> JSONResponse:
        log.exception("database operation failed")
        return _refusal(
            503,
            ErrorBody(code="database_busy", message="the database is busy; retry shortly"),
        )

    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)

    @app.get("/health")
    def health(platform: PlatformDep) -> Health:
        return Health(status="ok", server_time_ms=platform.clock.now_ms())

    for router in (auth.router, learner.router, study.router, admin.router, client.router):
        app.include_router(router, prefix=API)
    return app
