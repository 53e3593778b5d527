"""Shared vocabulary of the role x endpoint matrix (test_role_matrix.py): who may call an
operation and a plausible request for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from antei.core.roles import Role

ALL = frozenset(Role)
STAFF = frozenset(Role) - {Role.VENDOR}  # the bank's own people (payment data)
AUDIT_READERS = frozenset({Role.ADMIN, Role.RISK, Role.AUDITOR})
ADMIN_ONLY = frozenset({Role.ADMIN})
BUSINESS_EDITORS = frozenset({Role.ADMIN, Role.OPERATOR, Role.BUSINESS})
INVENTORY_EDITORS = frozenset({Role.ADMIN, Role.OPERATOR})
INCIDENT_EDITORS = frozenset({Role.ADMIN, Role.OPERATOR, Role.BUSINESS})
TARGET_EDITORS = frozenset({Role.ADMIN, Role.RISK})
CALLOUT_EDITORS = frozenset({Role.ADMIN, Role.OPERATOR})
ALERT_EDITORS = frozenset({Role.ADMIN, Role.OPERATOR})
CAPACITY_EDITORS = frozenset({Role.ADMIN, Role.OPERATOR})
SETTLEMENT_EDITORS = frozenset({Role.ADMIN, Role.OPERATOR, Role.BUSINESS})


@dataclass(frozen=True)
class Call:
    """Who may call an operation, and a plausible request for it. Path values starting
    with '@' are looked up in the world the test builds (row ids). `public` marks the
    key-authenticated intake routes: no token needed, an unknown key in the path is 404."""

    allowed: frozenset[Role]
    path: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    query: dict[str, str] = field(default_factory=dict)
    public: bool = False
