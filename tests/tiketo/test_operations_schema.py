"""Every operation the kiosk sends must be valid against schema.graphql."""

from __future__ import annotations

import pytest
from graphql import build_schema, parse, validate

from kiosk.tiketo.operations import OPERATION_NAMES, operation_text, schema_text


@pytest.fixture(scope="module")
def schema():
    return build_schema(schema_text())


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_operation_is_valid_against_schema(schema, name):
    document = parse(operation_text(name))
    assert validate(schema, document) == []
    operation_names = [d.name.value for d in document.definitions]
    assert operation_names == [name], "the file holds exactly the operation it is named after"


def test_a_typo_in_an_operation_is_caught(schema):
    broken = operation_text("PassByScanCode").replace("expirationDate", "expiryDate")
    errors = validate(schema, parse(broken))
    assert any("expiryDate" in e.message for e in errors)


def test_every_operation_file_is_listed():
    from importlib import resources

    files = resources.files("kiosk.tiketo").joinpath("operations").iterdir()
    on_disk = {f.name.removesuffix(".graphql") for f in files if f.name.endswith(".graphql")}
    assert on_disk == set(OPERATION_NAMES)


def test_schema_states_the_scan_event_input_assumption(schema):
    fields = schema.type_map["ScanEventInput"].fields
    assert set(fields) == {"code", "rewardPoints", "voided", "data"}
    assert "ASSUMPTIONS" in schema_text()
