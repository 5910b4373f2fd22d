"""API-key administration (admin only). A new key's token is returned once."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request

from jikimi.ledger.apikeys import KeyInfo
from jikimi.server.deps import ledger_of, needs
from jikimi.server.permissions import Permission as P
from jikimi.server.schemas import KeyIn, KeyOut, NewKeyOut

router = APIRouter(prefix="/v1/keys", tags=["keys"])


def _out(k: KeyInfo) -> KeyOut:
    return KeyOut(
        key_id=k.key_id, name=k.name, role=k.role, created_at=k.created_at, revoked_at=k.revoked_at
    )


@router.post("", response_model=NewKeyOut, status_code=201, **needs(P.KEYS_ADMIN))
def create_key(body: KeyIn, request: Request) -> NewKeyOut:
    new = ledger_of(request).keys.create(body.role, body.name)
    return NewKeyOut(**_out(new.info).model_dump(), token=new.token)


@router.get("", response_model=list[KeyOut], **needs(P.KEYS_ADMIN))
def list_keys(request: Request) -> list[KeyOut]:
    return [_out(k) for k in ledger_of(request).keys.list()]


@router.delete("/{key_id}", status_code=204, **needs(P.KEYS_ADMIN))
def revoke_key(request: Request, key_id: str = Path(pattern=r"^[0-9a-f]{16}$")) -> None:
    ledger_of(request).keys.revoke(key_id)
    request.app.state.key_cache.drop(key_id)
