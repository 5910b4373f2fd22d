"""Which role may do what: one explicit table, checked by every route's dependency."""

from __future__ import annotations

from enum import StrEnum

from jikimi.ledger.apikeys import Role


class Permission(StrEnum):
    LOG_APPEND = "log.append"
    LOG_READ = "log.read"
    LOG_VERIFY = "log.verify"
    LOG_CHECKPOINT = "log.checkpoint"
    CONSENT_WRITE = "consent.write"
    CONSENT_CHECK = "consent.check"
    CONSENT_READ = "consent.read"
    INCIDENT_WRITE = "incident.write"
    INCIDENT_READ = "incident.read"
    TRANSFER_WRITE = "transfer.write"
    TRANSFER_READ = "transfer.read"
    KEYS_ADMIN = "keys.admin"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.PRIVACY_OFFICER: frozenset(
        {
            P.LOG_READ,
            P.LOG_VERIFY,
            P.CONSENT_WRITE,
            P.CONSENT_CHECK,
            P.CONSENT_READ,
            P.INCIDENT_WRITE,
            P.INCIDENT_READ,
            P.TRANSFER_WRITE,
            P.TRANSFER_READ,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            P.LOG_READ,
            P.LOG_VERIFY,
            P.CONSENT_READ,
            P.INCIDENT_READ,
            P.TRANSFER_READ,
        }
    ),
    Role.APPLICATION: frozenset({P.LOG_APPEND, P.CONSENT_WRITE, P.CONSENT_CHECK}),
}


def allowed(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
