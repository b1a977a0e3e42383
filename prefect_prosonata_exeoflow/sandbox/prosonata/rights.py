"""Who is calling and what they may see or change (group ranks, own rows, CRM visibility).

Ids such as PS-U19 cite the unknowns table in ``docs/apis/prosonata.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._emulator import ErrorAnswer
from .tables import ADMIN, RANKS, SHOW_TO_RANK, Access, Resource

Row = dict[str, Any]


@dataclass(frozen=True)
class Caller:
    """A user key's user, or an app integration acting as its technical user (PS-U19)."""

    user_id: int
    username: str
    group: str
    app_id: str | None = None
    integration: str | None = None

    @property
    def rank(self) -> int:
        return ADMIN if self.app_id is not None else RANKS.get(self.group, 0)

    @property
    def is_admin(self) -> bool:
        return self.rank >= ADMIN

    def meta(self, *, error: bool = False) -> dict[str, Any]:
        """Caller fields of ``meta``; the documented 404 example omits ``requestUsername``."""
        if self.app_id is not None:
            return {"requestAppID": self.app_id, "requestIntegration": self.integration}
        if error:
            return {"requestUserID": self.user_id, "usergroupName": self.group}
        return {
            "requestUserID": self.user_id,
            "requestUsername": self.username,
            "usergroupName": self.group,
        }


def allowed(access: Access | None, caller: Caller) -> bool:
    """App integrations have full rights; users need the group or rank."""
    if access is None:
        return False
    return caller.app_id is not None or access.allows(caller.group, caller.rank)


def require(access: Access | None, caller: Caller, what: str) -> None:
    if not allowed(access, caller):
        raise ErrorAnswer(403, f"Your user group has no permission to {what}.")


def visibility(resource: Resource, caller: Caller) -> Callable[[Row], bool] | None:
    """A row filter for what this caller may see; None when everything is visible."""
    me = caller.user_id
    if resource.name == "projects" and caller.rank < 2:  # Zeiterfasser 1: "my projects"
        return lambda row: any(u["userID"] == me for u in row["usersAssigned"])
    if resource.name == "crmevents" and not caller.is_admin:
        rank = caller.rank
        return lambda row: row["showToUsergroup"] is None or rank >= SHOW_TO_RANK.get(row["showToUsergroup"], ADMIN)
    if resource.owner and caller.rank < resource.see_others:
        owner = resource.owner
        return lambda row: row[owner] == me
    return None


def check_owner(resource: Resource, caller: Caller, owner_id: Any, action: str, row: Row | None = None) -> None:
    """Rows of other users: creating/updating needs ``write_others``, deleting ``delete_others``."""
    if resource.owner is None or owner_id == caller.user_id or caller.app_id is not None:
        return
    if action == "delete" and row is not None and row.get("createdByUserID") == caller.user_id:
        return  # tasks: the creator's own task
    needed = resource.delete_others if action == "delete" else resource.write_others
    if caller.rank < needed:
        raise ErrorAnswer(403, f"Your user group has no permission to {action} entries of other users.")
