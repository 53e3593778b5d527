"""Who is acting, and through which door: every service call carries one of these."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from antei.core.roles import Perm, Role, has_perm


class Source(StrEnum):
    WEB = "web"
    API = "api"
    CLI = "cli"
    SYSTEM = "system"
    INTEGRATION = "integration"


@dataclass(frozen=True)
class Actor:
    """The acting user (or the system itself), the channel and the remote address."""

    username: str
    role: Role
    source: Source
    user_id: int | None = None
    vendor_id: int | None = None  # set for vendor users: their scope
    remote_addr: str = ""

    def can(self, perm: Perm) -> bool:
        return has_perm(self.role, perm)

    @property
    def is_vendor(self) -> bool:
        return self.role is Role.VENDOR

    @property
    def vendor_scope(self) -> int:
        """The vendor a vendor user is limited to; -1 (matches nothing) if none is set."""
        return self.vendor_id if self.vendor_id is not None else -1


SYSTEM_ACTOR = Actor(username="system", role=Role.ADMIN, source=Source.SYSTEM)


def system_actor(source: Source = Source.SYSTEM) -> Actor:
    return Actor(username="system", role=Role.ADMIN, source=source)


def cli_actor() -> Actor:
    """The CLI runs with the operating-system user's authority: it is the machine's admin."""
    import getpass

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(username=f"cli:{who}", role=Role.ADMIN, source=Source.CLI)
