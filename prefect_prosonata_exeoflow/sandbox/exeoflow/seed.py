"""Seed data of the Exeoflow emulator: a small German workspace, the same after every reset.

Ids are fixed so tests and cassettes can name them; webhook tokens are drawn from the
sandbox's seeded random generator at reset (never hard-coded here).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any


def _node(node_id: str, node_type: str, name: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "name": name, "config": config}


def _chain(*node_ids: str) -> list[dict[str, str]]:
    return [{"from": a, "to": b} for a, b in pairwise(node_ids)]


#: The workflow the sample flow feeds with ProSonata project times (active, has a webhook).
PROJECT_TIMES_WORKFLOW = "wf_100001"
#: Its webhook.
PROJECT_TIMES_WEBHOOK = "wh_100001"

WORKFLOWS: list[dict[str, Any]] = [
    {
        "id": PROJECT_TIMES_WORKFLOW,
        "name": "Projektzeiten übernehmen",
        "description": "Übernimmt die Projektzeiten aus ProSonata und bucht sie auf die Exeoflow-Projekte.",
        "status": "active",
        "nodes": [
            _node("node_1", "trigger", "Webhook Trigger"),
            _node("node_2", "data", "Zeiten zuordnen", mapping="project_times"),
            _node("node_3", "action", "Zeiteinträge speichern", target="ExeoTimeTrack"),
        ],
        "connections": _chain("node_1", "node_2", "node_3"),
        "created_at": "2024-01-01T10:00:00Z",
        "updated_at": "2024-01-15T14:30:00Z",
    },
    {
        "id": "wf_100002",
        "name": "Rechnungseingang prüfen",
        "description": "Prüft eingehende Rechnungen und fordert ab 1.000 EUR eine Freigabe an.",
        "status": "inactive",
        "nodes": [
            _node("node_1", "trigger", "Manueller Start"),
            _node("node_2", "logic", "Betrag prüfen", threshold=1000),
            _node("node_3", "action", "Freigabe anfordern", role="Manager"),
        ],
        "connections": _chain("node_1", "node_2", "node_3"),
        "created_at": "2024-01-05T08:15:00Z",
        "updated_at": "2024-01-05T08:15:00Z",
    },
    {
        "id": "wf_100003",
        "name": "Urlaubsantrag genehmigen",
        "description": "Leitet Urlaubsanträge an die Teamleitung weiter und trägt genehmigte Tage ein.",
        "status": "active",
        "nodes": [
            _node("node_1", "trigger", "Antrag eingegangen"),
            _node("node_2", "action", "Teamleitung fragen"),
        ],
        "connections": _chain("node_1", "node_2"),
        "created_at": "2024-01-08T12:00:00Z",
        "updated_at": "2024-01-10T16:45:00Z",
    },
    {
        "id": "wf_100004",
        "name": "Monatsbericht versenden",
        "description": "Erstellt am Monatsende den Stundenbericht und versendet ihn per E-Mail.",
        "status": "inactive",
        "nodes": [
            _node("node_1", "trigger", "Zeitplan", cron="0 6 1 * *"),
            _node("node_2", "data", "Bericht erstellen", format="pdf"),
            _node("node_3", "action", "E-Mail senden", to="buchhaltung@example.com"),
        ],
        "connections": _chain("node_1", "node_2", "node_3"),
        "created_at": "2024-01-12T09:00:00Z",
        "updated_at": "2024-01-12T09:00:00Z",
    },
]

WEBHOOKS: list[dict[str, Any]] = [
    {
        "id": PROJECT_TIMES_WEBHOOK,
        "workflow_id": PROJECT_TIMES_WORKFLOW,
        "name": "ProSonata Projektzeiten",
        "method": "POST",
        "auth_enabled": True,
        "created_at": "2024-01-20T10:00:00Z",
    },
]

#: Finished runs in the history (``seconds`` is the run's length).
EXECUTIONS: list[dict[str, Any]] = [
    {
        "id": "exec_100001",
        "workflow_id": PROJECT_TIMES_WORKFLOW,
        "started_at": "2024-01-20T10:00:00Z",
        "seconds": 150,
        "input": {"user_id": "12345"},
    },
    {
        "id": "exec_100002",
        "workflow_id": PROJECT_TIMES_WORKFLOW,
        "started_at": "2024-01-21T08:00:00Z",
        "seconds": 42,
        "input": {"user_id": "67890"},
        "fail": True,
    },
    {
        "id": "exec_100003",
        "workflow_id": "wf_100003",
        "started_at": "2024-01-22T09:30:00Z",
        "seconds": 12,
        "input": {"antrag": "U-2024-007", "tage": 5},
    },
]
