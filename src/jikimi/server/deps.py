"""Authentication, permission checks and read-logging shared by every route."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from jikimi.ledger import AccessEvent, Action, Ledger
from jikimi.ledger.apikeys import KeyInfo, Role
from jikimi.server.permissions import Permission, allowed

_API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="jk_<id>_<secret>")
_BEARER = HTTPBearer(auto_error=False, description="the same key as a bearer token")
KEY_CACHE_SECONDS = 2.0
DEFAULT_READ_PURPOSE = "service-read"


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated key behind a request."""

    key_id: str
    role: Role
    ip: str

    @property
    def actor(self) -> str:
        return f"key:{self.key_id}"


class KeyCache:
    """Successful look-ups for a couple of seconds, keyed by a hash of the token.

    Keeps the database out of the hot path of the consent check; a key revoked through the
    API is dropped at once, one revoked elsewhere within ``KEY_CACHE_SECONDS``.
    """

    def __init__(self) -> None:
        self._hits: dict[bytes, tuple[float, KeyInfo]] = {}

    def get(self, token: str, ledger: Ledger) -> KeyInfo | None:
        digest = hashlib.sha256(token.encode()).digest()
        now = time.monotonic()
        hit = self._hits.get(digest)
        if hit is not None and hit[0] > now:
            return hit[1]
        info = ledger.keys.authenticate(token)
        if info is not None:
            if len(self._hits) > 10_000:
                self._hits.clear()
            self._hits[digest] = (now + KEY_CACHE_SECONDS, info)
        else:
            self._hits.pop(digest, None)
        return info

    def drop(self, key_id: str) -> None:
        for digest, (_, info) in list(self._hits.items()):
            if info.key_id == key_id:
                del self._hits[digest]


def ledger_of(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


def authorize(request: Request, token: str | None, permission: Permission) -> Caller:
    """Authenticate ``token`` and check ``permission``; raises 401 / 403."""
    if not token or len(token) > 200:
        raise HTTPException(
            401, "missing or invalid API key", headers={"WWW-Authenticate": "Bearer"}
        )
    info = request.app.state.key_cache.get(token, ledger_of(request))
    if info is None:
        raise HTTPException(
            401, "missing or invalid API key", headers={"WWW-Authenticate": "Bearer"}
        )
    if not allowed(info.role, permission):
        raise HTTPException(403, f"role '{info.role}' may not {permission.value}")
    caller = Caller(info.key_id, info.role, request.client.host if request.client else "")
    request.state.caller = caller
    return caller


def token_of(request: Request) -> str | None:
    """The API key from ``X-API-Key`` or ``Authorization: Bearer``."""
    token = request.headers.get("x-api-key")
    if token:
        return token
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def require(permission: Permission) -> Callable[..., Awaitable[Caller]]:
    """A dependency that authenticates the key and checks ``permission`` for its role."""

    async def dependency(
        request: Request,
        api_key: Annotated[str | None, Depends(_API_KEY)],
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
    ) -> Caller:
        token = api_key or (bearer.credentials if bearer is not None else None)
        return authorize(request, token, permission)

    return dependency


SECURITY: list[dict[str, list[str]]] = [{"APIKeyHeader": []}, {"HTTPBearer": []}]


def needs(permission: Permission) -> dict[str, Any]:
    """Route keyword arguments: the permission dependency plus its mark in the OpenAPI doc."""
    return {
        "dependencies": [Depends(require(permission))],
        "openapi_extra": {"x-permission": permission.value},
    }


def caller_of(request: Request) -> Caller:
    caller: Caller = request.state.caller
    return caller


def read_purpose(request: Request) -> str:
    """The purpose of a read, from ``X-Purpose`` (sanitised), for the access log."""
    raw = request.headers.get("x-purpose", "")
    clean = "".join(ch for ch in raw if ch.isprintable())[:128].strip()
    return clean or DEFAULT_READ_PURPOSE


def log_read(
    request: Request,
    resource: str,
    subject_refs: list[str],
    fields: tuple[str, ...] = (),
    subject_count: int | None = None,
) -> None:
    """Write the read of personal data by this request to the access log."""
    caller = caller_of(request)
    refs = tuple(dict.fromkeys(subject_refs))[:1000]
    ledger_of(request).access_log.append(
        AccessEvent(
            actor=caller.actor,
            action=Action.VIEW,
            resource=resource,
            purpose=read_purpose(request),
            subject_count=max(len(refs), subject_count or 0),
            subject_refs=refs,
            fields=fields,
            location=caller.ip[:64],
        )
    )
