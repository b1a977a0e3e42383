"""Deterministic seed data that reads like the ProSonata docs: an agency and its clients.

Everything is relative to ``today`` (the reset day) so that "yesterday" always has project
times, for several projects and users. Randomness comes only from ``random.Random`` seeded by
``seed``; each day of project times has its own generator, so yesterday's rows (what the sample
flows read by default) are the same on every day of the week.
Rows are stored in canonical form: ints, floats, ISO dates, ``HH:MM:SS`` times; joined names
(customerName, username, ...) are not stored but added by the views.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from .seed_docs import seed_documents
from .tables import RESOURCES, Resource

Row = dict[str, Any]
Tables = dict[str, dict[int, Row]]

AGENCY = "agentur-sonnenschein.de"

#: (userID, username, first name, last name, group)
USERS = [
    (1, "Admin1", "Andrea", "Köhler", "Administrator"),
    (2, "Teamleiter1", "Jürgen", "Weiß", "Teamleiter"),
    (3, "Admin2", "Max", "Mustermann", "Administrator"),
    (4, "Verwaltung1", "Sabine", "Groß", "Verwaltung"),
    (5, "Texter1", "Lena", "Schäfer", "Zeiterfasser 2"),
    (6, "Fremdkosten1", "Tobias", "Müller", "Fremdkostenerfasser"),
    (7, "Designer1", "Jana", "Böhm", "Zeiterfasser 1"),
    (8, "Designer2", "Felix", "Krüger", "Zeiterfasser 1"),
    (9, "CRM1", "Petra", "Vogel", "CRM-Erfasser"),
]
#: Users who book project times and attendance.
BOOKERS = (1, 2, 3, 5, 7, 8)

#: (customerID, name, code, companyStatus, tags, payment target)
CUSTOMERS = [
    (0, "Intern", "INT", 6, "", None),
    (10, "ABC Versicherung", "ABC", 0, "Versicherung,Bestandskunde", 30),
    (11, "Bäckerei Back", "BB", 0, "Lebensmittel", 14),
    (12, "Versandmode Becker", "VMB", 0, "Handel,Mode", 30),
    (13, "Käserei Gouda", "KG", 0, "Lebensmittel", 14),
    (14, "ZX Testfirma", "ZX", 0, "", 7),
    (15, "Müller & Söhne Maschinenbau", "MSM", 0, "Industrie", 30),
    (16, "Stadtwerke Würzburg", "SWW", 2, "Öffentlich", None),
    (17, "Repro Schmidt GbR", "RS", 1, "Lieferant,Druckvorstufe", 14),
    (18, "Druckerei Grünwald", "DG", 1, "Lieferant,Druck", 30),
    (19, "Testfirma", "TF", 3, "", None),
]

#: (addressID, customerID, name1, street, streetNo, postalCode, city, active)
ADDRESSES = [
    (30, 0, "Agentur Sonnenschein GmbH", "Sonnenallee", "12", "60311", "Frankfurt am Main", 1),
    (31, 10, "ABC Versicherung AG", "Unfallstraße", "23", "12345", "Hamburg", 1),
    (32, 10, "ABC Versicherung AG", "Maximilianstraße", "7", "80539", "München", 1),
    (33, 11, "Bäckerei Back", "Brötchengasse", "5", "60594", "Frankfurt am Main", 1),
    (34, 12, "Versandmode Becker KG", "Lagerweg", "101", "33602", "Bielefeld", 1),
    (35, 13, "Käserei Gouda B.V.", "Kaasmarkt", "3", "2801", "Gouda", 1),
    (36, 13, "Käserei Gouda B.V.", "Alte Molkerei", "9", "47533", "Kleve", 0),
    (37, 14, "ZX Testfirma GmbH", "Teststraße", "1", "10115", "Berlin", 1),
    (38, 15, "Müller & Söhne Maschinenbau GmbH", "Industriestraße", "44", "70565", "Stuttgart", 1),
    (39, 16, "Stadtwerke Würzburg AG", "Haugerring", "5", "97070", "Würzburg", 1),
    (40, 17, "Repro Schmidt GbR", "Druckerweg", "2", "65183", "Wiesbaden", 1),
    (41, 18, "Druckerei Grünwald GmbH", "Papierstraße", "18", "63065", "Offenbach am Main", 1),
    (42, 19, "Testfirma", "Musterweg", "1", "01067", "Dresden", 1),
]

#: (contactID, customerID, addressID, title, first name, last name, position, active)
CONTACTS = [
    (50, 11, 33, "Herr", "Hans", "Back", "Inhaber", 1),
    (51, 10, 31, "Herr", "Karl", "Schmidt", "Leiter Marketing", 1),
    (52, 12, 34, "Frau", "Monika", "Becker", "Geschäftsführerin", 1),
    (53, 13, 35, "Herr", "Jan", "de Vries", "Produktmanager", 1),
    (54, 14, 37, "Frau", "Zoë", "Xander", "Assistenz", 1),
    (55, 15, 38, "Herr Dr.", "Günther", "Müller", "Geschäftsführer", 1),
    (56, 16, 39, "Frau Dr.", "Ute", "Förster", "Pressesprecherin", 1),
    (57, 17, 40, "Herr", "Rainer", "Schmidt", "Inhaber", 1),
    (58, 18, 41, "Frau", "Birgit", "Grün", "Vertrieb", 1),
    (59, 10, 32, "Frau", "Anna", "Lehmann", "Referentin Kommunikation", 1),
    (60, 12, 34, "Herr", "Otto", "Öztürk", "Einkauf", 0),
    (61, 0, 30, "Frau", "Andrea", "Köhler", "Geschäftsführerin", 1),
]

#: (category, name, group, group name, cost rate, active, linked customer)
CATEGORIES = [
    (1, "Konzeption", 10, "Projekt Vorbereitung", 110.0, 1, None),
    (2, "Beratung", 10, "Projekt Vorbereitung", 120.0, 1, None),
    (3, "Projektmanagement", 10, "Projekt Vorbereitung", 95.0, 1, None),
    (4, "Text", 20, "Kreation", 95.0, 1, None),
    (6, "Gestaltung", 20, "Kreation", 95.0, 1, None),
    (14, "Layout", 20, "Kreation", 95.0, 1, None),
    (15, "Workshop", 20, "Kreation", 130.0, 1, None),
    (5, "Daten Dearchivierung", 30, "Produktion", None, 1, None),
    (7, "Reinzeichnung", 30, "Produktion", 75.0, 1, None),
    (8, "Programmierung", 30, "Produktion", 105.0, 1, None),
    (9, "Fotografie", 30, "Produktion", 90.0, 1, None),
    (10, "Korrektur", 30, "Produktion", 75.0, 1, None),
    (13, "Backstube-Fotoshooting", 30, "Produktion", 85.0, 1, 11),
    (11, "Interne Besprechung", 40, "Intern", None, 1, None),
    (12, "Fahrtzeit", 40, "Intern", 50.0, 0, None),
]
INTERNAL_CATEGORY = 11

#: (projectID, name, customerID, contactID, start offset, status, finance, active, tags,
#:  assigned users, responsible, planned hours, template)
PROJECTS = [
    (41, "Frühstücks-Flyer", 11, 50, -75, 1, 3, 1, "Print,Flyer", [3, 7], 2, 20.0, 0),
    (42, "Kundenmailing", 12, 52, -50, 0, 1, 1, "Mailing", [7, 5, 2], 2, 40.0, 0),
    (43, "Käsebroschüre", 13, 53, -80, 0, 2, 1, "Print,Broschüre", [8, 5], 3, 60.0, 0),
    (44, "ZX Produktbroschüre", 14, 54, -45, 0, 1, 1, "Print", [3, 8, 7], 3, 35.0, 0),
    (45, "Website-Relaunch", 10, 51, -58, 0, 1, 1, "Web,Relaunch", [1, 2, 5, 8], 1, 120.0, 0),
    (46, "Imagekampagne Herbst", 10, 59, -30, 0, 0, 1, "Kampagne", [2, 7], 2, 80.0, 0),
    (47, "Messestand Hannover", 15, 55, -40, 0, 1, 1, "Messe", [2, 8], 2, 50.0, 0),
    (48, "Jahresbericht", 16, 56, -25, 0, 0, 1, "Print", [5, 7], 3, 30.0, 0),
    (49, "Social-Media-Betreuung", 12, 52, -60, 0, 0, 1, "Social Media", [5, 7, 8], 2, 10.0, 0),
    (50, "Verpackungsdesign Bergkäse", 13, 53, -20, 0, 0, 1, "Verpackung", [7, 8], 3, 25.0, 0),
    (51, "Interne Organisation", 0, 61, -365, 0, 0, 1, "Intern", [1, 2, 3, 4, 5, 7, 8], 1, 0.0, 0),
    (52, "Angebotsphase Stadtwerke", 16, 56, -10, 0, 0, 0, "Akquise", [2], 2, 5.0, 0),
    (53, "Projektvorlage Printprodukt", 0, 61, -400, 0, 0, 1, "Vorlage", [], None, 0.0, 1),
    (54, "Weihnachtsaktion", 11, 50, -330, 2, 2, 1, "Print,Aktion", [3, 7], 2, 15.0, 0),
]
#: Projects whose older times are invoiced already.
BILLED_PROJECTS = (41, 54)

#: (taskID, projectID, name, assignee, prio, type, done %, start offset, end offset, hours,
#:  category, contributors)
TASKS = [
    (1, 42, "Layout erstellen", 7, 9, 0, 50, -20, 3, 8.0, 6, [5]),
    (2, 42, "Texte für das Mailing", 5, 5, 0, 100, -25, -5, 6.0, 4, []),
    (3, 42, "Freigabe beim Kunden", 2, 5, 1, 0, 6, 6, 0.0, None, []),
    (4, 41, "Flyer Reinzeichnung", 7, 1, 0, 100, -60, -50, 4.0, 7, []),
    (5, 43, "Bildauswahl Käsesorten", 8, 5, 0, 75, -30, 2, 5.0, 9, [7]),
    (6, 43, "Druckdaten an Repro Schmidt", 8, 9, 1, 0, 10, 10, 0.0, 7, []),
    (7, 44, "Produkttexte korrigieren", 3, 1, 0, 25, -10, 5, 3.0, 10, []),
    (8, 44, "Titelseite gestalten", 7, 9, 0, 50, -14, 1, 6.0, 6, [8]),
    (9, 45, "Sitemap abstimmen", 1, 5, 0, 100, -55, -40, 4.0, 1, [2]),
    (10, 45, "Startseite programmieren", 8, 9, 0, 50, -20, 12, 24.0, 8, []),
    (11, 45, "Go-live", 2, 9, 1, 0, 30, 30, 0.0, None, [1, 8]),
    (12, 46, "Workshop Kampagnenidee", 2, 5, 0, 100, -28, -26, 4.0, 15, [7]),
    (13, 47, "Standgrafik entwerfen", 8, 5, 0, 25, -15, 9, 12.0, 6, []),
    (14, 48, "Geschäftszahlen einarbeiten", 5, 1, 0, 0, 0, 14, 5.0, 4, []),
    (15, 49, "Redaktionsplan nächster Monat", 5, 5, 0, 0, -3, 4, 2.0, 4, [7]),
    (16, 50, "Erste Entwürfe Verpackung", 7, 9, 0, 25, -7, 7, 10.0, 6, []),
    (17, 51, "Urlaubsplanung eintragen", 4, 0, 0, 0, -2, 20, 0.0, 11, []),
    (18, 52, "Angebot vorbereiten", 2, 5, 0, 50, -5, 3, 3.0, 2, []),
]

DETAILS = [
    "Layout der Broschüre angefangen",
    "Meeting beim Kunden",
    "Korrekturschleife eingearbeitet",
    "Abstimmung mit dem Kunden per Telefon",
    "Reinzeichnung für die Druckerei",
    "Texte für die Startseite überarbeitet",
    "Bildrecherche und Lizenzprüfung",
    "Interne Besprechung zum Zeitplan",
    "Präsentation für Freitag vorbereitet",
    "Workshop mit dem Marketing-Team",
    "Druckdaten geprüft [PDF/X-4]",
    "Entwürfe für Überschriften",
    "Änderungswünsche umgesetzt",
    "Fotos ausgewählt und retuschiert",
    "Übergabe an die Produktion",
    "Kontaktformular programmiert",
]
HOURS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.5, 8.0)


def blank(resource: Resource) -> Row:
    """Type defaults of every body field, then the documented defaults (``today`` resolved later)."""
    row: Row = {}
    for name, kind in {**resource.body, **resource.update_only}.items():
        row[name] = type_default(kind)
    row.update(resource.defaults)
    return row


def type_default(kind: str) -> Any:
    if kind.endswith("_n") or kind in ("date", "time"):
        return None
    return {"str": "", "int": 0, "dec": 0.0, "users": [], "links": [], "positions": []}.get(kind)


class Seeder:
    """Builds all tables for one reset; ``build()`` is the only entry point."""

    def __init__(self, seed: int, today: date) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.tables: Tables = {name: {} for name in RESOURCES}

    def day(self, offset: int) -> str:
        return (self.today + timedelta(days=offset)).isoformat()

    def put(self, resource: str, values: Row) -> Row:
        spec = RESOURCES[resource]
        row = {**blank(spec), **values}
        for name, value in row.items():
            if value == "today":
                row[name] = self.today.isoformat()
        self.tables[resource][row[spec.id_field]] = row
        return row

    def build(self) -> Tables:
        self._users()
        self._companies()
        self._categories()
        self._projects()
        self._tasks()
        self._times()
        self._working_times()
        seed_documents(self)  # the billing side: CRM, templates, costs, documents
        return self.tables

    # -- people and companies ------------------------------------------------------------------
    def _users(self) -> None:
        for user_id, username, first, last, group in USERS:
            self.put("users", {
                "userID": user_id, "username": username, "userFirstName": first,
                "userLastName": last, "email": f"{username.lower()}@{AGENCY}",
                "userPhone": f"069 12345{user_id:02d}", "group": group,
            })

    def _companies(self) -> None:
        for customer_id, name, code, status, tags, target in CUSTOMERS:
            self.put("customers", {
                "customerID": customer_id, "customerName": name, "companyCode": code,
                "companyStatus": status, "companyTags": tags,
                "comments": "Stammkunde seit 2015" if customer_id == 11 else "",
                "projectCounter": 0, "projectCounterYear": self.today.year,
                "invoiceCounter": 0, "invoiceCounterYear": self.today.year,
                "hourlyRateDiscount": 5.0 if customer_id == 10 else 0.0,
                "customerCostRate": 85.0 if customer_id == 13 else None,
                "customerPriceGroup": "Großkunde" if customer_id in (10, 15) else None,
                "customerPaymentTarget": target,
                "customerCashDiscountRate": 2.0 if customer_id == 12 else None,
                "customerCashDiscountPaymentTarget": 10 if customer_id == 12 else None,
                "companyViaApi": 0,
            })
        for n, (address_id, customer_id, name1, street, no, zip_code, city, active) in enumerate(ADDRESSES):
            supplier = customer_id in (17, 18)
            self.put("addresses", {
                "addressID": address_id, "customerID": customer_id, "name1": name1,
                "addressName": "Niederlassung Süd" if address_id == 32 else "",
                "street": street, "streetNo": no, "postalCode": zip_code, "city": city,
                "country": "Niederlande" if city == "Gouda" else "Deutschland",
                "companyEmail": f"info@{_domain(name1)}", "companyTelephone": f"0{30 + n} 55 66 {n:02d}",
                "invoiceEmail": f"rechnung@{_domain(name1)}" if not supplier else "",
                "fibuAccountNo": (70000 if supplier else 10000) + n,
                "customerPaymentTarget": next(c[5] for c in CUSTOMERS if c[0] == customer_id),
                "addressTags": "Lieferant" if supplier else "",
                "invThirdCountry": 0, "invReverseCharge": 1 if city == "Gouda" else 0,
                "addressCreatedByUserID": 4, "addressEditedByUserID": 4,
                "addressActive": active, "addressViaApi": 0,
            })
        for contact_id, customer_id, address_id, title, first, last, position, active in CONTACTS:
            domain = _domain(self.tables["addresses"][address_id]["name1"])
            self.put("contacts", {
                "contactID": contact_id, "title": title, "firstName": first, "lastName": last,
                "customerID": customer_id, "addressID": address_id, "position": position,
                "department": "Marketing" if "Marketing" in position else "",
                "email": f"{_ascii(first)}.{_ascii(last)}@{domain}".lower(),
                "telephone": f"0{contact_id} 123 45", "mobile": f"0171 55{contact_id}",
                "birthday": f"19{60 + contact_id % 30}-0{1 + contact_id % 9}-1{contact_id % 9}",
                "contactFilter1": contact_id % 2, "accountManagerUserID": 2,
                "createdByUserID": 4, "contactCreationDate": f"{self.today.year - 2}-03-0{1 + contact_id % 9} 10:15:00",
                "editedByUserID": 4, "active": active, "isLocked": 0, "contactViaApi": 0,
            })

    def _categories(self) -> None:
        for order, (category, name, group, group_name, rate, active, linked) in enumerate(CATEGORIES, 1):
            self.put("projecttimecategories", {
                "category": category, "categoryOrder": order, "categoryName": name,
                "active": active, "categoryCostRate": rate, "group": group,
                "groupName": group_name, "linkedCustomerID": linked, "priceGroup": None,
            })

    # -- projects, tasks, times ----------------------------------------------------------------
    def _projects(self) -> None:
        counters: dict[tuple[int, int], int] = {}
        for (project_id, name, customer_id, contact_id, offset, status, finance, active, tags,
             users, responsible, planned, template) in PROJECTS:
            start = self.today + timedelta(days=offset)
            counters[(customer_id, start.year)] = counters.get((customer_id, start.year), 0) + 1
            number = f"{start.year % 100:02d}-{customer_id}-{counters[(customer_id, start.year)]:03d}"
            self.put("projects", {
                "projectID": project_id, "projectNo": number, "projectName": name,
                "customerID": customer_id, "contactID": contact_id, "projectDate": start.isoformat(),
                "projectDateEnd": self.day(offset + 90) if status == 0 and not template else None,
                "recurringProject": 1 if project_id == 49 else 0, "createdByUserID": responsible or 1,
                "userResponsibleID": responsible, "projectStatus": status, "financeStatus": finance,
                "activeStatus": active, "projectInfo": f"<p>{name}: Details im Briefing.</p>",
                "projectQuickInfo": "Briefing liegt vor" if status == 0 else "",
                "projectTags": tags,
                "projectLinks": [{"name": "ProSonata", "url": "https://www.prosonata.de"}] if project_id == 41 else [],
                "timePlanned": planned, "projectCostRate": 98.0 if project_id == 45 else None,
                "internalDepartment": 1 if project_id == 45 else 0, "projectGroupID": None,
                "isProjectTemplate": template, "projectContractNo": "",
                "projectPurchaseOrderNo": "PO-4711" if project_id == 47 else "",
                "projectViaApi": 0, "usersAssigned": list(users),
            })
        for (customer_id, year), count in counters.items():
            if year == self.today.year:
                self.tables["customers"][customer_id]["projectCounter"] = count

    def _tasks(self) -> None:
        for (task_id, project_id, name, user, prio, kind, done_pct, start, end, hours, category,
             contributors) in TASKS:
            self.put("projecttasks", {
                "taskID": task_id, "taskName": name, "taskInfo": f"<p>{name} – weitere Infos zur Aufgabe</p>",
                "projectID": project_id, "userID": user, "taskDateStart": self.day(start),
                "taskTimeStart": "09:00:00" if kind == 0 else None, "taskDateEnd": self.day(end),
                "taskTimeEnd": "17:00:00" if kind == 0 else None, "timePlanned": hours,
                "taskOrder": task_id, "taskTimeCategory": category, "taskPrio": prio, "type": kind,
                "read": 1 if done_pct else 0, "donePercentage": done_pct, "done": 1 if done_pct == 100 else 0,
                "createdByUserID": 2, "taskCreationDate": f"{self.day(start - 2)} 08:30:00",
                "editedByUserID": user, "taskEditDate": f"{self.day(min(start, 0))} 16:45:00",
                "linkedExtCostID": None, "taskViaApi": 0, "additionalUsers": list(contributors),
            })

    def _times(self) -> None:
        """About 600 project times over the last 60 days; yesterday always has a full day."""
        projects = self.tables["projects"]
        tasks_by_project: dict[int, list[int]] = {}
        for task in self.tables["projecttasks"].values():
            tasks_by_project.setdefault(task["projectID"], []).append(task["taskID"])
        categories = [c for c in self.tables["projecttimecategories"].values() if c["active"]]
        time_id = 1001
        for back in range(60, 0, -1):
            day = self.today - timedelta(days=back)
            count = 13 if day.weekday() < 5 or back == 1 else 3
            # One generator per day back: with one stream for all days, yesterday's rows followed
            # how many weekend days the last 60 had (5 to 9 project groups, depending on the date).
            rng = random.Random(self.seed * 1000 + back)
            for i in range(count):
                user = BOOKERS[(i + back) % len(BOOKERS)]
                open_projects = [
                    p for p in projects.values()
                    if user in p["usersAssigned"] and p["projectDate"] <= day.isoformat()
                    and not p["isProjectTemplate"] and p["projectStatus"] in (0, 1)
                ] or [projects[51]]
                project = rng.choice(open_projects)
                usable = [c for c in categories if c["linkedCustomerID"] in (None, project["customerID"])]
                category = rng.choice(usable)
                hours = rng.choice(HOURS)
                internal = project["customerID"] == 0 or category["category"] == INTERNAL_CATEGORY
                task_ids = tasks_by_project.get(project["projectID"], [])
                start = end = None
                if rng.random() < 0.25:
                    begin = 8 * 60 + rng.randrange(0, 8 * 60, 15)
                    finish = begin + round(hours * 60)
                    start, end = _clock(begin), _clock(min(finish, 23 * 60 + 59))
                self.put("projecttimes", {
                    "timeID": time_id, "category": category["category"], "date": day.isoformat(),
                    "detail": rng.choice(DETAILS), "workingTime": hours,
                    "projectID": project["projectID"], "userID": user,
                    "linkedTaskID": rng.choice(task_ids) if task_ids and rng.random() < 0.2 else None,
                    "notInvoiceable": 1 if internal else 0,
                    "isInvoiced": 1 if project["projectID"] in BILLED_PROJECTS and back > 14 else 0,
                    "creationDate": f"{day.isoformat()} {_clock_time(rng)}",
                    "workingTimeStart": start, "workingTimeEnd": end, "freeTimeInput": 0, "timeViaApi": 0,
                })
                time_id += 1

    def _working_times(self) -> None:
        """Attendance of the bookers and the office on weekdays, with some vacation and sick days."""
        working_time_id = 1
        for back in range(60, 0, -1):
            day = self.today - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            for user in (*BOOKERS, 4):
                roll = self.rng.random()
                day_type = 1 if roll < 0.05 else 2 if roll < 0.07 else 0
                begin = 7 * 60 + self.rng.randrange(0, 150, 5)
                self.put("workingtimes", {
                    "workingTimeID": working_time_id, "userID": user, "workingDate": day.isoformat(),
                    "dailyTimeStart": _clock(begin) if day_type == 0 else None,
                    "dailyTimeEnd": _clock(begin + 8 * 60 + self.rng.randrange(0, 120, 5)) if day_type == 0 else None,
                    "dayType": day_type, "halfHoliday": 0,
                    "homeOffice": 1 if day_type == 0 and self.rng.random() < 0.3 else 0,
                })
                working_time_id += 1


def _clock_time(rng: random.Random) -> str:
    """A random office-hours time of day, ``HH:MM:SS``."""
    return f"{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _ascii(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ë": "e", " ": ""})
    return text.translate(table)


def _domain(name: str) -> str:
    word = _ascii(name.split()[0]).lower().strip(".,&")
    return f"{word}.de"


def build_tables(seed: int, today: date) -> Tables:
    """All seeded rows, keyed by resource and ID."""
    return Seeder(seed, today).build()
