"""Every route x every role: allowed roles get past auth, others get 403, no key gets 401."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from jikimi.ledger.apikeys import Role
from jikimi.server import ROLE_PERMISSIONS, Permission, create_app
from jikimi.server.permissions import allowed

PATH_VALUES = {
    "{subject_id}": "s1",
    "{incident_id}": "1",
    "{key}": "PIPA.subjects",
    "{key_id}": "0123456789abcdef",
}
PUBLIC = {"/healthz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _routes() -> list[tuple[str, str, Permission]]:
    """Every operation in the OpenAPI document with the permission it declares."""
    spec = create_app(ledger=None).openapi()  # type: ignore[arg-type]
    out = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if path in PUBLIC:
                continue
            assert "x-permission" in op, f"{method} {path} declares no permission"
            out.append((method.upper(), path, Permission(op["x-permission"])))
    return sorted(out)


ROUTES = _routes()


def _url(path: str) -> str:
    for k, v in PATH_VALUES.items():
        path = path.replace(k, v)
    return path


def test_every_permission_is_used_and_admin_has_all() -> None:
    assert {p for _, _, p in ROUTES} == set(Permission)
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)
    assert len(ROUTES) >= 24


@pytest.mark.parametrize(
    ("method", "path", "permission"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_route_permissions(
    client: TestClient, tokens: dict[Role, str], method: str, path: str, permission: Permission
) -> None:
    url = _url(path)
    body = {} if method in ("POST", "PUT") else None
    anonymous = client.request(method, url, json=body)
    assert anonymous.status_code == 401
    bad = client.request(method, url, json=body, headers={"X-API-Key": "jk_nope_nope"})
    assert bad.status_code == 401
    for role, token in tokens.items():
        r = client.request(method, url, json=body, headers={"Authorization": f"Bearer {token}"})
        if allowed(role, permission):
            assert r.status_code not in (401, 403), (role, r.status_code)
            assert r.status_code < 500
        else:
            assert r.status_code == 403, (role, r.status_code)
            assert r.json()["error"] == "http"
