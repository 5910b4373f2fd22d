"""The FastAPI application over a :class:`jikimi.ledger.Ledger`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from jikimi.ledger import Ledger
from jikimi.ledger.errors import (
    ConsentError,
    IncidentConflict,
    IncidentError,
    KeyConfigError,
    LedgerError,
    NotFound,
    PromptTooSoon,
)
from jikimi.server.deps import KeyCache
from jikimi.server.limits import DEFAULT_MAX_BODY, BodySizeLimit
from jikimi.server.routes import access, consent, incidents, keys, transfers

_STATUS: tuple[tuple[type[LedgerError], int, str], ...] = (
    (NotFound, 404, "not_found"),
    (PromptTooSoon, 409, "too_soon"),
    (IncidentConflict, 409, "conflict"),
    (IncidentError, 400, "bad_incident"),
    (ConsentError, 400, "bad_consent"),
    (KeyConfigError, 409, "no_key"),
    (LedgerError, 400, "rejected"),
)


def create_app(ledger: Ledger, max_body: int = DEFAULT_MAX_BODY) -> FastAPI:
    """Build the service; the caller owns ``ledger`` (open it migrated, close it after)."""
    app = FastAPI(
        title="jikimi privacy ledger",
        version="1",
        description=(
            "Access log (hash-chained), consent, breach incidents and transfer register. "
            "Authenticate with `X-API-Key: jk_<id>_<secret>` or `Authorization: Bearer ...`."
        ),
    )
    app.state.ledger = ledger
    app.state.key_cache = KeyCache()
    for module in (consent, access, incidents, transfers, keys):  # hot routes first
        app.include_router(module.router)

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.exception_handler(LedgerError)
    async def _ledger_error(_: Request, exc: LedgerError) -> JSONResponse:
        for cls, status, code in _STATUS:
            if isinstance(exc, cls):
                return JSONResponse({"error": code, "detail": str(exc)}, status_code=status)
        raise exc  # pragma: no cover

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Pydantic's default body echoes the rejected input; we keep only where and why.
        detail: list[dict[str, Any]] = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"error": "invalid_request", "detail": detail}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": "http", "detail": exc.detail},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": "internal", "detail": "internal error"}, status_code=500)

    app.add_middleware(BodySizeLimit, max_bytes=max_body)
    return app
