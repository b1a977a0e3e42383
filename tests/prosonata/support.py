"""Valid create/update payloads per ProSonata resource, built from the sandbox's seeded rows."""

from __future__ import annotations

from typing import Any

from prefect_prosonata_exeoflow.prosonata import ProSonataClient


def seeded_ids(client: ProSonataClient) -> dict[str, int]:
    project = client.projects.list(limit=1)[0]
    contact = client.contacts.list(limit=1)[0]
    return {
        "projectID": project.projectID,
        "customerID": contact.customerID or 1,
        "contactID": contact.contactID,
        "addressID": contact.addressID or client.addresses.list(limit=1)[0].addressID,
        "category": client.time_categories.list(limit=1)[0].category,
    }


def create_payload(path: str, ids: dict[str, int]) -> dict[str, Any]:
    payloads: dict[str, dict[str, Any]] = {
        "projects": {"projectName": "Herbstkampagne Käserei", "customerID": ids["customerID"],
                     "contactID": ids["contactID"], "projectDate": "2026-11-02"},
        "projecttimes": {"category": ids["category"], "projectID": ids["projectID"], "date": "2026-11-02",
                         "workingTime": 1.5, "detail": "Abstimmung mit Frau Müller"},
        "projecttasks": {"taskName": "Entwurf prüfen", "projectID": ids["projectID"], "taskDateEnd": "2026-11-20"},
        "workingtimes": {"workingDate": "2026-11-02", "dailyTimeStart": "09:00:00", "dailyTimeEnd": "17:30:00"},
        "customers": {"customerName": "Testfirma API GmbH", "companyCode": "TAPI", "customerPaymentTarget": 7},
        "addresses": {"customerID": ids["customerID"], "city": "Köln", "name1": "Testfirma Köln",
                      "street": "Domstraße", "streetNo": "1", "postalCode": "50667"},
        "contacts": {"title": "Frau", "lastName": "Schäfer", "customerID": ids["customerID"],
                     "addressID": ids["addressID"]},
        "crmevents": {"contactID": ids["contactID"], "eventDate": "2026-11-02", "eventNote": "<p>Anruf</p>",
                      "media": 1},
        "servicetemplates": {"category": ids["category"], "templateName": "Workshop halbtags", "quantity": 4,
                             "unit": "Std.", "netValue": 95},
        "externalcosts": {"projectID": ids["projectID"], "addressID": ids["addressID"], "netValue": 100,
                          "grossValue": 119, "tax": 19, "costName": "Druckkosten"},
    }
    return payloads[path]


UPDATE_PAYLOADS: dict[str, dict[str, Any]] = {
    "projects": {"projectQuickInfo": "geändert"},
    "projecttimes": {"detail": "geändert"},
    "projecttasks": {"done": 1},
    "workingtimes": {"homeOffice": 1},
    "customers": {"comments": "geändert"},
    "addresses": {"comments": "geändert"},
    "contacts": {"comments": "geändert"},
    "crmevents": {"eventNote": "<p>geändert</p>"},
    "servicetemplates": {"netValue": 99},
    "externalcosts": {"costName": "Druckkosten (korrigiert)"},
}
