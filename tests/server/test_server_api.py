"""The service end to end: flows, logged reads, limits, pagination, errors without data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from jikimi.ledger import Ledger
from jikimi.ledger.apikeys import Role

SECRET = "secret-subject-7781"


def auth(token: str) -> dict[str, str]:
    return {"X-API-Key": token}


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    assert "/v1/consents/check" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_consent_flow_and_logged_history_read(
    client: TestClient, tokens: dict[Role, str], ledger: Ledger
) -> None:
    app = auth(tokens[Role.APPLICATION])
    body = {
        "subject_id": "u-1",
        "purpose": "newsletter",
        "category": "contact.email",
        "decision": "grant",
        "wording_version": "2026-01",
    }
    assert client.post("/v1/consents", json=body, headers=app).status_code == 201
    q = {"subject_id": "u-1", "purpose": "newsletter", "category": "contact.email"}
    assert client.get("/v1/consents/check", params=q, headers=app).json()["allowed"] is True
    body["decision"] = "withdraw"
    assert client.post("/v1/consents", json=body, headers=app).status_code == 201
    check = client.get("/v1/consents/check", params=q, headers=app).json()
    assert check == {**check, "allowed": False, "reason": "consent withdrawn"}
    assert ledger.access_log.head()[0] == 0  # checks are not reads of stored records
    officer = {**auth(tokens[Role.PRIVACY_OFFICER]), "X-Purpose": "subject access request"}
    hist = client.get("/v1/subjects/u-1/consents", headers=officer).json()
    assert [h["decision"] for h in hist["items"]] == ["grant", "withdraw"]
    entry = ledger.access_log.entries()[-1]
    assert entry.resource == "consent_history" and entry.subject_refs == ("u-1",)
    assert entry.purpose == "subject access request" and entry.actor.startswith("key:")


def test_reading_the_log_is_logged_and_paginates(
    client: TestClient, tokens: dict[Role, str], ledger: Ledger
) -> None:
    app = auth(tokens[Role.APPLICATION])
    events = [
        {
            "actor": "crm",
            "action": "download",
            "resource": "customers",
            "purpose": "billing",
            "subject_count": 1,
            "subject_refs": [f"c{i}"],
            "fields": ["email"],
            "reason": "monthly invoice run",
        }
        for i in range(5)
    ]
    r = client.post("/v1/access-log", json={"events": events}, headers=app)
    assert r.status_code == 201 and r.json() == {"first_seq": 1, "last_seq": 5}
    aud = auth(tokens[Role.AUDITOR])
    page = client.get("/v1/access-log", params={"limit": 3}, headers=aud).json()
    assert [e["seq"] for e in page["items"]] == [1, 2, 3] and page["next_after"] == 3
    page2 = client.get("/v1/access-log", params={"after": 3, "limit": 3}, headers=aud).json()
    assert [e["seq"] for e in page2["items"]] == [4, 5, 6]  # 6 = the logged first read
    assert page2["items"][-1]["resource"] == "access_log"
    assert page2["items"][-1]["subject_refs"] == ["c0", "c1", "c2"]
    v = client.post("/v1/access-log/verify", headers=aud).json()
    assert v["ok"] is True and v["entries"] == 7


def test_errors_never_echo_personal_data(client: TestClient, tokens: dict[Role, str]) -> None:
    app = auth(tokens[Role.APPLICATION])
    bad = {
        "subject_id": f"{SECRET} with space",
        "purpose": "x",
        "category": "contact",
        "decision": "grant",
        "wording_version": "v1",
    }
    r = client.post("/v1/consents", json=bad, headers=app)
    assert r.status_code == 422 and SECRET not in r.text
    bad2 = {
        "subject_id": "ok",
        "purpose": "x",
        "category": "sensitive.health",
        "decision": "grant",
        "wording_version": SECRET,
    }
    r = client.post("/v1/consents", json=bad2, headers=app)
    assert r.status_code == 400 and "separate" in r.text and SECRET not in r.text
    r = client.post(
        "/v1/access-log",
        headers=app,
        json={"events": [{"actor": SECRET, "action": "peek", "resource": "r", "purpose": "p"}]},
    )
    assert r.status_code == 422 and SECRET not in r.text
    r = client.get(f"/v1/subjects/{SECRET}%20x/consents", headers=auth(tokens[Role.ADMIN]))
    assert r.status_code == 422 and SECRET not in r.text


def test_request_size_limit(client: TestClient, tokens: dict[Role, str]) -> None:
    app = auth(tokens[Role.APPLICATION])
    big = {
        "events": [
            {"actor": "a", "action": "view", "resource": "r", "purpose": "p", "reason": "x" * 1999}
            for _ in range(40)
        ]
    }
    r = client.post("/v1/access-log", json=big, headers=app)
    assert r.status_code == 413 and r.json()["error"] == "request_too_large"

    def chunks():  # no Content-Length: counted while streaming
        for _ in range(100):
            yield b" " * 1024

    r = client.post(
        "/v1/access-log", content=chunks(), headers={**app, "Content-Type": "application/json"}
    )
    assert r.status_code == 413


def test_incident_flow_and_notices(client: TestClient, tokens: dict[Role, str]) -> None:
    po = auth(tokens[Role.PRIVACY_OFFICER])
    body = {
        "title": "bucket leak",
        "aware_at": "2026-03-27T18:00:00+09:00",
        "subject_count": 1200,
        "categories": ["contact.email"],
        "countries": ["KR", "DE"],
        "controller": "ACME",
        "contact": "privacy@acme.example",
    }
    inc = client.post("/v1/incidents", json=body, headers=po).json()
    keys = {s["key"]: s for s in inc["steps"]}
    assert keys["PIPA.regulator"]["required"] is True
    assert keys["PIPA.subjects"]["due_local"] == "2026-03-30T18:00:00+09:00"
    assert keys["GDPR.authority"]["due_local"] == "2026-03-30T11:00:00+02:00"
    r = client.post(f"/v1/incidents/{inc['id']}/close", headers=po)
    assert r.status_code == 409
    notices = client.get(f"/v1/incidents/{inc['id']}/notices", headers=po).json()
    assert {n["lang"] for n in notices} == {"ko", "en"}
    zh = client.get(f"/v1/incidents/{inc['id']}/notices", params={"lang": "zh"}, headers=po)
    assert all(n["lang"] == "zh" for n in zh.json())
    for key, step in keys.items():
        if step["required"]:
            r = client.post(
                f"/v1/incidents/{inc['id']}/steps/{key}", json={"note": "sent"}, headers=po
            )
            assert r.status_code == 200
    assert client.post(f"/v1/incidents/{inc['id']}/close", headers=po).json()["status"] == "closed"
    assert client.get("/v1/incidents/999", headers=po).status_code == 404
    listed = client.get(
        "/v1/incidents", params={"status": "closed"}, headers=auth(tokens[Role.AUDITOR])
    ).json()
    assert [i["id"] for i in listed["items"]] == [inc["id"]]


def test_transfers_outside_kr(client: TestClient, tokens: dict[Role, str]) -> None:
    po = auth(tokens[Role.PRIVACY_OFFICER])
    assert (
        client.post(
            "/v1/locations", headers=po, json={"dataset": "crm", "system": "pg", "country": "kr"}
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/v1/locations",
            headers=po,
            json={"dataset": "crm-backup", "system": "s3", "country": "JP"},
        ).status_code
        == 201
    )
    r = client.post(
        "/v1/transfers",
        headers=po,
        json={
            "dataset": "crm",
            "recipient": "Helpdesk Inc",
            "country": "US",
            "items": ["email"],
            "purpose": "support",
            "legal_basis": "kr.consent",
            "transferred_at": "2026-01-05T00:00:00Z",
        },
    )
    assert r.status_code == 201
    bad = client.post(
        "/v1/transfers",
        headers=po,
        json={
            "dataset": "crm",
            "recipient": "X",
            "country": "US",
            "items": ["email"],
            "purpose": "support",
            "legal_basis": "vibes",
            "transferred_at": "2026-01-05T00:00:00Z",
        },
    )
    assert bad.status_code == 400
    out = client.get("/v1/outside", headers=auth(tokens[Role.AUDITOR])).json()
    assert out["countries"] == ["JP", "US"]
    assert [x["dataset"] for x in out["locations"]] == ["crm-backup"]


def test_prompt_guard_and_profiling(client: TestClient, tokens: dict[Role, str]) -> None:
    app = auth(tokens[Role.APPLICATION])
    client.post(
        "/v1/consents",
        headers=app,
        json={
            "subject_id": "u-2",
            "purpose": "ads",
            "category": "behaviour",
            "decision": "refuse",
            "wording_version": "v1",
        },
    )
    q = {"subject_id": "u-2", "purpose": "ads"}
    assert client.get("/v1/consent-prompts/check", params=q, headers=app).json()["allowed"] is False
    r = client.post("/v1/consent-prompts", json=q, headers=app)
    assert r.status_code == 409 and r.json()["error"] == "too_soon"
    assert (
        client.put("/v1/subjects/u-2/profiling", json={"refused": True}, headers=app).status_code
        == 204
    )


def test_key_admin_and_revocation(client: TestClient, tokens: dict[Role, str]) -> None:
    admin = auth(tokens[Role.ADMIN])
    new = client.post("/v1/keys", json={"role": "auditor", "name": "ext audit"}, headers=admin)
    assert new.status_code == 201
    token, key_id = new.json()["token"], new.json()["key_id"]
    listed = client.get("/v1/keys", headers=admin).json()
    assert all("token" not in k and "secret" not in str(k) for k in listed)
    assert client.get("/v1/incidents", headers=auth(token)).status_code == 200
    assert client.delete(f"/v1/keys/{key_id}", headers=admin).status_code == 204
    assert client.get("/v1/incidents", headers=auth(token)).status_code == 401
    assert client.delete(f"/v1/keys/{key_id}", headers=admin).status_code == 404


@pytest.mark.postgres
def test_service_on_postgres() -> None:
    import os

    if os.environ.get("JIKIMI_SQLITE_ONLY") == "1":
        pytest.skip("JIKIMI_SQLITE_ONLY=1")
    from jikimi.ledger.testing import temporary_postgres
    from jikimi.server import create_app

    with temporary_postgres() as url:
        led = Ledger.open(url)
        token = led.keys.create("admin", "pg").token
        with TestClient(create_app(led)) as c:
            h = auth(token)
            body = {
                "subject_id": "u-1",
                "purpose": "crm",
                "category": "contact",
                "decision": "grant",
                "wording_version": "v1",
            }
            assert c.post("/v1/consents", json=body, headers=h).status_code == 201
            q = {"subject_id": "u-1", "purpose": "crm", "category": "contact.phone"}
            assert c.get("/v1/consents/check", params=q, headers=h).json()["allowed"] is True
            assert c.get("/v1/subjects/u-1/consents", headers=h).status_code == 200
            assert c.post("/v1/access-log/verify", headers=h).json()["ok"] is True
        led.close()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"purpose": "p", "category": "contact"}, "subject_id"),
        ({"subject_id": f"{SECRET} x", "purpose": "p", "category": "contact"}, "subject_id"),
        ({"subject_id": "s", "purpose": "p", "category": "Contact"}, "category"),
        (
            {"subject_id": "s", "purpose": "p", "category": "contact", "profiling": "maybe"},
            "profiling",
        ),
        (
            {"subject_id": "s", "purpose": "p", "category": "contact", "wording_version": ""},
            "wording_version",
        ),
    ],
)
def test_consent_check_rejects_bad_queries(
    client: TestClient, tokens: dict[Role, str], params: dict[str, str], field: str
) -> None:
    r = client.get("/v1/consents/check", params=params, headers=auth(tokens[Role.APPLICATION]))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", field]
    assert SECRET not in r.text


def test_consent_check_with_bearer_profiling_and_wording(
    client: TestClient, tokens: dict[Role, str]
) -> None:
    bearer = {"Authorization": f"Bearer {tokens[Role.APPLICATION]}"}
    client.post(
        "/v1/consents",
        headers=bearer,
        json={
            "subject_id": "u-9",
            "purpose": "ads",
            "category": "behaviour",
            "decision": "grant",
            "wording_version": "v2",
        },
    )
    client.put("/v1/subjects/u-9/profiling", json={"refused": True}, headers=bearer)
    q = {"subject_id": "u-9", "purpose": "ads", "category": "behaviour.clicks"}
    ok = client.get("/v1/consents/check", params=q, headers=bearer).json()
    assert ok["allowed"] is True and ok["matched_category"] == "behaviour"
    assert ok["decided_at"].endswith("Z")
    prof = client.get("/v1/consents/check", params={**q, "profiling": "true"}, headers=bearer)
    assert prof.json()["allowed"] is False
    old = client.get("/v1/consents/check", params={**q, "wording_version": "v1"}, headers=bearer)
    assert old.json()["reason"] == "consent given to other wording"
    auditor = client.get("/v1/consents/check", params=q, headers=auth(tokens[Role.AUDITOR]))
    assert auditor.status_code == 403


def test_bad_incident_facts_are_400(client: TestClient, tokens: dict[Role, str]) -> None:
    body = {
        "title": "t",
        "aware_at": "2026-03-27T18:00:00+09:00",
        "subject_count": 1,
        "categories": [],
        "countries": ["DE"],
        "authority_tz": "Mars/Olympus",
    }
    r = client.post("/v1/incidents", json=body, headers=auth(tokens[Role.PRIVACY_OFFICER]))
    assert r.status_code == 400 and r.json()["error"] == "bad_incident"
    body.update(authority_tz="Europe/Dublin", aware_at="2026-03-27T18:00:00")  # naive
    r = client.post("/v1/incidents", json=body, headers=auth(tokens[Role.PRIVACY_OFFICER]))
    assert r.status_code == 422
