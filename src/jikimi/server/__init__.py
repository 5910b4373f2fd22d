"""The ledger's HTTP service (FastAPI): a thin layer over :mod:`jikimi.ledger`."""

from jikimi.server.app import create_app
from jikimi.server.permissions import ROLE_PERMISSIONS, Permission

__all__ = ["ROLE_PERMISSIONS", "Permission", "create_app"]
