"""The one list of API assumptions (schema.graphql's header) and the doctor's view of it."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import build_schema, get_introspection_query, graphql_sync

from kiosk.doctor.api import api_checks
from kiosk.doctor.assumptions import CHECKS, NOT_CHECKABLE, assumption_ids, check_assumptions
from kiosk.doctor.model import Status
from kiosk.doctor.schema import schema_result
from kiosk.tiketo.operations import schema_text

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_LINES = 1479  # shared/reference/tiketo-api.txt


def header_entries() -> dict[str, str]:
    header = schema_text()[: schema_text().index("scalar AWSDateTime")]
    parts = re.split(r"^# (A\d+)\s", header, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_every_entry_says_what_it_extends_and_what_happens_otherwise():
    entries = header_entries()
    assert list(entries) == assumption_ids() == [f"A{n}" for n in range(1, len(entries) + 1)]
    for entry, text in entries.items():
        assert "ref:" in text and "otherwise:" in text, entry
        lines = [
            int(n)
            for n in re.findall(
                r"\b(\d{1,4})(?:-\d{1,4})?\b", text.split("ref:")[1].split("otherwise:")[0]
            )
        ]
        assert lines and all(1 <= n <= REFERENCE_LINES for n in lines), entry


def test_the_issue_list_and_the_issue_14_behaviours_are_in_it():
    text = " ".join(header_entries().values())
    for needle in (
        "updatePass",
        "rewardPoints",
        "scanId",
        "registerDevice",
        "passByScanCode",
        "PUBLIC",
        "share",
        "deletePassMessage",
        "Throttled",
        "ScanEvent",
        "putPassMessage",
        "pass(projectId, id)",
    ):
        assert needle in text, needle


def test_every_entry_is_checked_or_marked_not_checkable():
    ids = set(assumption_ids())
    assert set(CHECKS) | NOT_CHECKABLE == ids
    assert not set(CHECKS) & NOT_CHECKABLE


def test_the_bundled_schema_confirms_every_checkable_entry():
    outcome = check_assumptions(build_schema(schema_text()))
    assert outcome.contradicted == [] and set(outcome.confirmed) == set(CHECKS)


def test_a_server_that_differs_contradicts_the_right_entries():
    changed = schema_text().replace(
        "passByScanCode(code: String!): Pass", "passByScanCode(code: String!): Pass!"
    )
    changed = changed.replace("  APPLE\n  GOOGLE\n", "  APPLE\n")
    changed = changed.replace("share(expiration: AWSDateTime)", "share")
    outcome = check_assumptions(build_schema(changed))
    assert set(outcome.contradicted) == {"A7", "A12", "A14"}
    data = graphql_sync(build_schema(changed), get_introspection_query()).data
    result = schema_result(data, 200)
    assert result.status is Status.WARN and "contradicts A7, A12, A14" in result.detail


def test_doctor_reports_what_the_demo_server_confirms(credentials, demo_server):
    results = {r.check: r for r in api_checks(credentials, timeout=10)}
    schema = results["schema"]
    assert schema.status is Status.OK, schema
    assert "confirms API assumptions A1, A2, A3, A6, A7" in schema.detail
    assert "A4, A5, A9, A11, A20, A21 cannot be seen in a schema" in schema.detail
    assert "PRIVATE" in schema.detail  # the server's other variable scopes are named


def test_without_introspection_nothing_is_confirmed():
    result = schema_result({"other": 1}, 200)
    assert result.status is Status.OK
    assert f"none of the {len(assumption_ids())} API assumptions" in result.detail


def test_the_readme_points_to_the_list():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    api = readme[readme.index("### The API") : readme.index("### The demo server")]
    assert "kiosk/tiketo/schema.graphql" in api and "ASSUMPTIONS" in api


def test_kiosk_doctor_names_the_confirmed_entries(run_cli, credentials, demo_server):
    result = run_cli("doctor", "--json", "--no-camera", "--no-screen", timeout=120)
    schema = next(line for line in result.json_lines() if line.get("check") == "schema")
    assert schema["status"] == "ok"
    assert "confirms API assumptions A1, A2, A3, A6, A7" in schema["detail"]
