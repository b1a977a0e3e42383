"""The account's rows: cached read views for fast lists, and create / update / delete.

Ids such as PS-U25 cite the unknowns table in ``docs/apis/prosonata.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import views, writes
from .._emulator import ErrorAnswer
from .rights import Caller, check_owner
from .seed import blank
from .tables import PROJECTTIMES_WRITE_COLUMNS, RESOURCES, Resource

Row = dict[str, Any]
Tables = dict[str, dict[int, Row]]


class Store:
    """Stored rows per resource plus read views, rebuilt lazily after any write."""

    def __init__(self, tables: Tables, now: Callable[[], datetime]) -> None:
        self.tables = tables
        self.now = now
        self._views: dict[str, list[Row]] = {}
        self._by_id: dict[str, dict[int, Row]] = {}
        self._wire: dict[str, dict[int, Row]] = {}
        self._joins: views.Joins | None = None
        self._next_id: dict[str, int] = {}

    # -- reads -------------------------------------------------------------------------------
    def invalidate(self) -> None:
        self._views.clear()
        self._by_id.clear()
        self._wire.clear()
        self._joins = None

    def views(self, name: str) -> list[Row]:
        """Every row of ``name`` as read view (joined, canonical types), in ID order."""
        cached = self._views.get(name)
        if cached is None:
            if self._joins is None:
                self._joins = views.Joins(self.tables)
            joins = self._joins
            table = self.tables[name]
            cached = [views.build_view(name, joins, table[key]) for key in sorted(table)]
            self._views[name] = cached
            self._by_id[name] = {row[RESOURCES[name].id_field]: row for row in cached}
        return cached

    def view(self, name: str, row_id: int) -> Row | None:
        self.views(name)
        return self._by_id[name].get(row_id)

    def wire(self, name: str, view: Row) -> Row:
        """The JSON object of a read view (cached until the next write)."""
        resource = RESOURCES[name]
        cache = self._wire.setdefault(name, {})
        key = view[resource.id_field]
        out = cache.get(key)
        if out is None:
            out = cache[key] = views.to_wire(resource, view)
        return out

    # -- writes ------------------------------------------------------------------------------
    def create(self, name: str, body: Row, caller: Caller) -> tuple[int, Row]:
        """Insert a row; answers its new ID and the write response's ``data``."""
        resource = RESOURCES[name]
        writes.check_required(resource, body)
        values = writes.normalize(resource, body, update=False)
        if resource.owner:
            values.setdefault(resource.owner, None)
            if values[resource.owner] is None:
                values[resource.owner] = caller.user_id
            check_owner(resource, caller, values[resource.owner], "create")
        writes.check_refs(resource, values, self.tables)
        now = self.now()
        row = {k: now.date().isoformat() if v == "today" else v for k, v in blank(resource).items()}
        row.update(values)
        table = self.tables[name]
        new_id = self._next_id.get(name) or max(table, default=0) + 1  # never reused (auto-increment)
        self._next_id[name] = new_id + 1
        row[resource.id_field] = new_id
        hook = writes.CREATE_HOOKS.get(name)
        if hook is not None:
            hook(row, values, caller, now, self.tables)
        table[new_id] = row
        self.invalidate()
        return new_id, self._answer(resource, row, values, created=True)

    def update(self, name: str, row_id: int, body: Row, caller: Caller) -> Row:
        """Partial update: only the fields sent change; answers the full object."""
        resource = RESOURCES[name]
        old = self.tables[name][row_id]
        values = writes.normalize(resource, body, update=True)
        values.pop(resource.id_field, None)
        for field in resource.immutable:
            if field in values and values[field] != old.get(field):
                raise ErrorAnswer(400, f"Field '{field}' cannot be changed.")
        if resource.owner and resource.owner in values:
            check_owner(resource, caller, values[resource.owner], "update")
        writes.check_refs(resource, values, self.tables)
        row = {**old, **values}
        hook = writes.UPDATE_HOOKS.get(name)
        if hook is not None:
            hook(row, values, caller, self.now(), self.tables)
        self.tables[name][row_id] = row
        self.invalidate()
        return self._answer(resource, row, values, created=False)

    def delete(self, name: str, row_id: int) -> None:
        del self.tables[name][row_id]
        self.invalidate()

    def _answer(self, resource: Resource, row: Row, values: Row, *, created: bool) -> Row:
        """Write responses echo the request, not what was stored ([OBS], PS-U25)."""
        if resource.name == "projecttimes":
            out = {field: row.get(field) for field in PROJECTTIMES_WRITE_COLUMNS}
            if "detail" in values:
                out["detail"] = values["detail"]
            out["workingTime"] = views.wire_value("num", out["workingTime"])
            if created:
                out["timeID"] = str(out["timeID"])  # PS-U14: a string in the POST response
            return out
        view = self.view(resource.name, row[resource.id_field])
        assert view is not None
        out = dict(self.wire(resource.name, view))
        out.update({k: v for k, v in values.items() if k in resource.hidden and k != "file"})
        return out
