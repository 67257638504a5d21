"""The passes the demo server ships with: one of each verdict the kiosk can show."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass
class DemoProject:
    id: str
    name: str
    scan_config: dict[str, object] | None = None

    def as_api(self) -> dict[str, object]:
        config = json.dumps(self.scan_config) if self.scan_config is not None else None
        return {"id": self.id, "name": self.name, "scanConfig": config}


@dataclass
class DemoTemplate:
    """A pass design: its variables say which parameters exist and which are public."""

    id: str
    name: str
    variables: list[tuple[str, str]]  # (name, scope); every type is STRING

    def as_api(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "downloadUrl": f"https://demo.invalid/templates/{self.id}.pkpass",
            "downloadUrlGooglePay": f"https://demo.invalid/templates/{self.id}-google",
            "variables": [{"name": n, "type": "STRING", "scope": s} for n, s in self.variables],
        }


@dataclass
class DemoPass:
    code: str
    id: str
    project_id: str
    template_name: str
    type: str
    parameters: dict[str, object] = field(default_factory=dict)
    expiration_date: str | None = None
    voided: bool = False
    points: int = 0


DOORS = DemoProject("proj-doors", "Autumn Festival: Doors")
LOYALTY = DemoProject(
    "proj-loyalty", "Coffee Club", scan_config={"mode": "reward", "rewardPoints": 10}
)

# Scan codes a newcomer can try by hand; the synthetic camera shows these in turn.
VALID_CODE = "TKT-VALID-0001"
VOIDED_CODE = "TKT-VOIDED-0002"
EXPIRED_CODE = "TKT-EXPIRED-0003"
LOYALTY_CODE = "LOY-CARD-0004"
EVENT_CODE = "TKT-EVENT-0005"
UNKNOWN_CODE = "TKT-UNKNOWN-9999"
PRIVATE_CODE = "TKT-PRIVATE-0006"  # the holder's name is in a non-public variable

FAR_FUTURE = "2099-12-31T23:59:59Z"
LONG_AGO = "2024-01-01T00:00:00Z"


def seed_projects() -> list[DemoProject]:
    return [DOORS, LOYALTY]


def template_id(name: str) -> str:
    return "tpl-" + name.lower().replace(" ", "-")


def seed_templates() -> list[DemoTemplate]:
    ticket = [
        ("firstName", "PUBLIC"),
        ("lastName", "PUBLIC"),
        ("seat", "PUBLIC"),
        ("email", "PRIVATE"),
    ]
    return [
        DemoTemplate(template_id("Festival Day Ticket"), "Festival Day Ticket", ticket),
        DemoTemplate(template_id("Early Bird Ticket"), "Early Bird Ticket", ticket),
        DemoTemplate(template_id("Weekend Pass"), "Weekend Pass", ticket),
        DemoTemplate(
            template_id("Coffee Club Card"),
            "Coffee Club Card",
            [("name", "PUBLIC"), ("points", "PUBLIC")],
        ),
        DemoTemplate(
            template_id("Backstage Pass"),
            "Backstage Pass",
            [("holderName", "PRIVATE"), ("crew", "PUBLIC")],
        ),
    ]


def seed_passes() -> list[DemoPass]:
    return [
        DemoPass(
            VALID_CODE,
            "pass-0001",
            DOORS.id,
            "Festival Day Ticket",
            "eventTicket",
            {"firstName": "Ada", "lastName": "Lovelace", "seat": "A-12"},
            FAR_FUTURE,
        ),
        DemoPass(
            VOIDED_CODE,
            "pass-0002",
            DOORS.id,
            "Festival Day Ticket",
            "eventTicket",
            {"firstName": "Charles", "lastName": "Babbage"},
            FAR_FUTURE,
            voided=True,
        ),
        DemoPass(
            EXPIRED_CODE,
            "pass-0003",
            DOORS.id,
            "Early Bird Ticket",
            "eventTicket",
            {"firstName": "Mary", "lastName": "Somerville"},
            LONG_AGO,
        ),
        DemoPass(
            LOYALTY_CODE,
            "pass-0004",
            LOYALTY.id,
            "Coffee Club Card",
            "loyaltyCard",
            {"name": "Grace Hopper"},
            None,
            points=40,
        ),
        DemoPass(
            EVENT_CODE,
            "pass-0005",
            DOORS.id,
            "Weekend Pass",
            "eventTicket",
            {"firstName": "Alan", "lastName": "Turing"},
            FAR_FUTURE,
        ),
        DemoPass(
            PRIVATE_CODE,
            "pass-0006",
            DOORS.id,
            "Backstage Pass",
            "eventTicket",
            {"holderName": "Hedy Lamarr", "crew": "lighting"},
            FAR_FUTURE,
        ),
    ]


def guest_pass(number: int) -> DemoPass:
    """A further valid ticket, for tests and benchmarks that need many distinct codes."""
    return DemoPass(
        f"TKT-GUEST-{number:06d}",
        f"guest-{number:06d}",
        DOORS.id,
        "Festival Day Ticket",
        "eventTicket",
        {"firstName": "Guest", "lastName": str(number)},
        FAR_FUTURE,
    )
