"""Seed data of the billing and CRM side: CRM events, service templates, external costs,
quotations and invoices (documents are snapshots, so their recipient fields are copied in)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .seed import Seeder

Row = dict[str, Any]

#: (eventID, contactID, author, showToUsergroup, day offset, media, projectID, prio, tags,
#:  note, follow-up offset, follow-up user, follow-up done)
CRM_EVENTS = [
    (1, 50, 2, None, -40, 1, 41, 5, "Flyer", "Rückruf wegen Auflage", -30, 2, 1),
    (2, 51, 1, None, -35, 15, 45, 9, "Web,Relaunch", "Kick-off Website-Relaunch", -20, 1, 1),
    (3, 52, 2, None, -21, 0, 42, 5, "Mailing", "Briefing per E-Mail erhalten", None, None, 0),
    (4, 53, 3, 1, -18, 1, 43, 5, "Print", "Budget für Broschüre besprochen", -2, 3, 0),
    (5, 55, 2, None, -12, 15, 47, 9, "Messe", "Termin vor Ort in Stuttgart", 3, 2, 0),
    (6, 56, 9, None, -9, 10, 52, 5, "Akquise", "Unterlagen per Post geschickt", 5, 9, 0),
    (7, 59, 1, 3, -7, 1, 46, 1, "Kampagne", "Vertrauliche Preisabsprache", None, None, 0),
    (8, 54, 5, None, -5, 0, 44, 5, "Print", "Korrekturwünsche zur Broschüre", 1, 7, 0),
    (9, 50, 2, None, -3, 3, None, 1, "Social Media", "Kommentar auf Instagram beantwortet", None, None, 0),
    (10, 57, 6, 2, -2, 1, 43, 5, "Lieferant", "Proof-Termin mit Repro Schmidt", 0, 6, 0),
    (11, 52, 9, None, -1, 2, 49, 5, "Newsletter", "Newsletter-Anmeldung bestätigt", 7, 9, 0),
    (12, 51, 1, None, -1, 1, 45, 9, "Web", "Freigabe der Startseite telefonisch", 2, 8, 0),
]

#: (templateID, category, name, unit, quantity, net value, hourly)
TEMPLATES = [
    (1, 6, "Gestaltung Flyer DIN lang", "pauschal", 1.0, 650.0, 0),
    (2, 6, "Gestaltung Stunde", "Std.", 1.0, 95.0, 1),
    (3, 4, "Texterstellung Stunde", "Std.", 1.0, 95.0, 1),
    (4, 15, "Workshop halbtags", "pauschal", 1.0, 1200.0, 0),
    (5, 7, "Reinzeichnung Stunde", "Std.", 1.0, 75.0, 1),
    (6, 8, "Programmierung Stunde", "Std.", 1.0, 105.0, 1),
    (7, 9, "Fotoshooting Tagessatz", "Tag", 1.0, 980.0, 0),
    (8, 1, "Konzeption Kampagne", "Std.", 12.0, 110.0, 1),
]

#: (documentID, addressID, type, projectID, name, number, day offset, net, quantity, unit price,
#:  unit, author, category)
COSTS = [
    (1, 40, 1, 43, "Broschüre Proofs", "R513213", -20, 100.0, None, None, "", 2, 7),
    (2, 41, 0, 43, "Druck Broschüre 2.000 Stück", "A-2291", -25, 2380.0, 2000.0, 1.19, "Stück", 6, None),
    (3, 41, 1, 41, "Druck Flyer 5.000 Stück", "RE-10045", -50, 412.5, 5000.0, 0.0825, "Stück", 6, None),
    (4, 40, 1, 44, "Bildbearbeitung Produktfotos", "R513377", -8, 340.0, 8.0, 42.5, "Std.", 2, 9),
    (5, 41, 0, 47, "Messewand Digitaldruck", "A-2310", -6, 1890.0, None, None, "", 6, None),
    (6, 40, 1, 50, "Proof Verpackung", "R513401", -2, 85.0, None, None, "", 6, 7),
]

#: (quotationID, projectID, headline, day offset, net, sent, approved, author)
QUOTATIONS = [
    (1, 41, "Angebot Frühstücks-Flyer", -78, 1900.0, 1, 1, 2),
    (2, 42, "Angebot Kundenmailing", -52, 3550.0, 1, 1, 2),
    (3, 43, "Angebot Käsebroschüre", -85, 5700.0, 1, 1, 3),
    (4, 44, "Angebot ZX Produktbroschüre", -47, 3325.0, 1, 1, 3),
    (5, 45, "Angebot Website-Relaunch", -62, 12600.0, 1, 1, 1),
    (6, 47, "Angebot Messestand", -42, 4750.0, 1, 0, 2),
    (7, 52, "Angebot Stadtwerke", -4, 2850.0, 0, 0, 2),
]

#: (invoiceID, projectID, type code, label, day offset, net, paid offset, author)
INVOICES = [
    (1, 54, 0, "Rechnung", -300, 1425.0, -280, 4),
    (2, 41, 1, "Abschlagsrechnung", -60, 950.0, -45, 4),
    (3, 43, 2, "Teilrechnung", -40, 2000.0, -20, 4),
    (4, 45, 1, "Abschlagsrechnung", -30, 4200.0, -10, 4),
    (5, 41, 3, "Schlussrechnung", -14, 950.0, None, 4),
    (6, 44, 2, "Teilrechnung", -10, 1500.0, None, 4),
    (7, 42, 0, "Rechnung", -3, 3550.0, None, 4),
]


def seed_documents(seeder: Seeder) -> None:
    _crm_events(seeder)
    _templates(seeder)
    _costs(seeder)
    _quotations(seeder)
    _invoices(seeder)


def _crm_events(s: Seeder) -> None:
    for (event_id, contact, author, show_to, offset, media, project, prio, tags, note, follow,
         follow_user, done) in CRM_EVENTS:
        s.put("crmevents", {
            "eventID": event_id, "contactID": contact, "createdByUserID": author,
            "showToUsergroup": show_to, "eventDate": s.day(offset),
            "eventTime": f"{9 + event_id % 8:02d}:{(event_id * 7) % 60:02d}:00",
            "eventNote": f"<p>{note}</p>", "media": media, "projectID": project, "eventPrio": prio,
            "crmTags": tags, "followUpDate": s.day(follow) if follow is not None else None,
            "followUpTime": "10:00:00" if follow is not None else None, "followUpUser": follow_user,
            "followUpNote": "Bitte nachfassen" if follow is not None else "", "followUpDone": done,
            "eventViaApi": 0,
        })


def _templates(s: Seeder) -> None:
    for template_id, category, name, unit, quantity, net, hourly in TEMPLATES:
        s.put("servicetemplates", {
            "templateID": template_id, "category": category, "templateName": name,
            "detail": f"<p>{name}</p>", "detail_lang1": "", "quantity": quantity, "unit": unit,
            "unit_lang1": "hrs." if unit == "Std." else "", "netValue": net,
            "additionalCharge1": 0.0, "additionalCharge2": 0.0, "advancePaymentTemplate": 0,
            "noCustomerDiscount": 1 if template_id == 7 else 0, "hourlyRateService": hourly,
            "serviceTemplateViaApi": 0,
        })


def _costs(s: Seeder) -> None:
    for (document_id, address, kind, project, name, number, offset, net, quantity, price, unit,
         author, category) in COSTS:
        s.put("externalcosts", {
            "documentID": document_id, "addressID": address, "type": kind, "projectID": project,
            "costName": name, "documentNo": number, "documentDate": s.day(offset),
            "receiptDate": s.day(offset + 2), "paymentTarget": 14, "paymentType": 1 if kind else None,
            "recurringDoc": 0, "createdByUserID": author, "quantity": quantity, "unitPrice": price,
            "unit": unit, "comments": "", "netValue": net, "grossValue": round(net * 1.19, 2),
            "currency": 0, "tax": 19.0, "paymentDate": s.day(offset + 10) if offset < -15 and kind else None,
            "kskMember": 0, "useForCalculation": 1, "serviceCategory": category,
            "fibuExpenseAccount": "3100", "fibuInputTaxAccount": "1576", "datevTaxKey": 9,
            "approvedByUsers": "Jürgen Weiß" if kind else "", "documentViaApi": 0,
            "additionalPositions": [],
        })


def _recipient(s: Seeder, project_id: int) -> Row:
    """The document's snapshot of project, company, address and contact."""
    project = s.tables["projects"][project_id]
    customer = s.tables["customers"][project["customerID"]]
    contact = s.tables["contacts"][project["contactID"]]
    address = s.tables["addresses"][contact["addressID"]]
    return {
        "projectID": project_id, "projectNo": project["projectNo"], "projectNoAddition": "",
        "projectName": project["projectName"], "projectTags": project["projectTags"],
        "customerID": customer["customerID"], "customerName": customer["customerName"],
        "addressID": address["addressID"], "name1": address["name1"], "name2": address["name2"],
        "name3": address["name3"], "street": address["street"], "streetNo": address["streetNo"],
        "postalCode": address["postalCode"], "city": address["city"], "country": address["country"],
        "countryID": 1 if address["country"] == "Deutschland" else 2,
        "standardSalutation": 1 if contact["title"].startswith("Herr") else 2,
        "firstName": contact["firstName"], "lastName": contact["lastName"], "email": contact["email"],
    }


def _positions(net: float, *, quotation: bool) -> list[Row]:
    """Two positions per document, split 60/40, in the documented string shapes."""
    out: list[Row] = []
    for n, (category, share) in enumerate((("Gestaltung", 0.6), ("Reinzeichnung", 0.4)), 1):
        value = round(net * share, 2)
        position: Row = {"detailID": n}
        if quotation:
            position["isActive"] = 1
        position.update({
            "position": str(n) if quotation else n, "categoryName": category,
            "detail": f"<p>{category}</p>", "quantity": "1.00", "unit": "pauschal",
            "netValue": f"{value:.2f}", "taxSwitch": 0, "tax": "19.0",
            "additionalChargeSwitch": 0, "initialNetValue": f"{value:.2f}",
            "additionalCharge1": "0.00", "additionalCharge2": "0.00", "discountPosition": 0,
            "discountSource": 0, "discountPercent": "0.00", "detailComments": "",
        })
        out.append(position)
    return out


def _quotations(s: Seeder) -> None:
    users = s.tables["users"]
    for quotation_id, project, headline, offset, net, sent, approved, author in QUOTATIONS:
        s.put("quotations", {
            "quotationID": quotation_id, "quotationName": headline, "quotationHeadline": headline,
            "quotationDate": s.day(offset), "netValue": net, "grossValue": round(net * 1.19, 2),
            "currency": 0, "tax": 19.0, "multipleTaxes": 0, "isSent": sent,
            "sentDate": s.day(offset + 1) if sent else None,
            "ocSentDate": s.day(offset + 5) if approved else None, "quotationComments": "",
            **_recipient(s, project), "username": users[author]["username"],
            "positions": _positions(net, quotation=True), "createdByUserID": author,
            "approved": approved,
        })


def _invoices(s: Seeder) -> None:
    users = s.tables["users"]
    for number, (invoice_id, project, code, label, offset, net, paid, author) in enumerate(INVOICES, 1):
        day = s.today.toordinal() + offset
        year = type(s.today).fromordinal(day).year
        s.put("invoices", {
            "invoiceID": invoice_id, "invoiceNo": f"{year % 100:02d}-{number:05d}",
            "invoiceNoAddition": "", "invoiceName": label, "invoiceHeadline": f"{label} Nr. {number}",
            "invoiceType": label, "invoiceDate": s.day(offset), "dateStart": s.day(offset - 30),
            "dateEnd": s.day(offset - 1), "freeServicePeriod": "", "netValue": net,
            "grossValue": round(net * 1.19, 2), "currency": 0, "tax": 19.0, "multipleTaxes": 0,
            "invoiceDunningStatus": 1 if paid is None and offset < -10 else 0,
            "paymentTargetDate": s.day(offset + 14), "paymentDate": s.day(paid) if paid is not None else None,
            "cashDiscountRate": 0.0, "paidCashDiscount": 0, "cancelInvoiceID": None,
            "isSent": 1, "sepaExport": 0, "datevExport": 1 if paid is not None else 0,
            "invoiceComments": "", **_recipient(s, project), "invoiceEmail": "",
            "username": users[author]["username"], "positions": _positions(net, quotation=False),
            "createdByUserID": author, "invoiceTypeCode": code, "reverseCharge": 0,
        })
