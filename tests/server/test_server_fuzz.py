"""Property test over the OpenAPI schema (schemathesis): no request makes the service fail."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from jikimi.ledger import HmacSigner, Ledger
from jikimi.server import create_app

_SHM = Path("/dev/shm")
_DIR = tempfile.mkdtemp(prefix="jikimi-fuzz-", dir=_SHM if _SHM.is_dir() else None)
_LEDGER = Ledger.open(str(Path(_DIR) / "ledger.db"), signer=HmacSigner(b"f" * 32))
_TOKEN = _LEDGER.keys.create("admin", "fuzz").token
atexit.register(shutil.rmtree, _DIR, True)
atexit.register(_LEDGER.close)
APP = create_app(_LEDGER, max_body=64 * 1024)
# A handful per operation keeps the suite fast on a busy 2-core machine; raise it for a soak.
EXAMPLES = int(os.environ.get("JIKIMI_FUZZ_EXAMPLES", "6"))
# The fuzzing phase only: the coverage phase adds hundreds of boundary cases per operation.
_CONFIG = schemathesis.Config.from_dict(
    {"phases": {"coverage": {"enabled": False}, "examples": {"enabled": False}}}
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=_CONFIG)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call(headers={"X-API-Key": _TOKEN})
    assert response.status_code < 500, (case.method, case.path, response.text[:200])
    if response.status_code == 422:
        assert "input" not in response.json()["detail"][0]
