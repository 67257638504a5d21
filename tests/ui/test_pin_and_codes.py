"""The PIN hash and the provisioning QR payload (no Qt)."""

from __future__ import annotations

import json

from kiosk.ui.pin import hash_pin, pin_problem, verify_pin
from kiosk.ui.provisioning_code import ProvisioningCode, parse_provisioning_code


def test_pin_hash_is_salted_and_verifies():
    first, second = hash_pin("4821"), hash_pin("4821")
    assert first != second and "4821" not in first
    assert verify_pin("4821", first) and verify_pin("4821", second)
    assert not verify_pin("4822", first)
    assert not verify_pin("4821", "") and not verify_pin("4821", "scrypt$broken")


def test_pin_rules():
    assert pin_problem("1234") is None
    assert pin_problem("123") and pin_problem("12a4") and pin_problem("1" * 13)


def test_provisioning_code_forms():
    url = "https://api.example.eu/graphql"
    as_json = json.dumps({"apiUrl": url, "token": "tok-1", "name": "door-2"})
    assert parse_provisioning_code(as_json) == ProvisioningCode(url, "tok-1", "door-2")
    uri = ProvisioningCode(url, "tok 1/+", "").to_uri()
    assert uri.startswith("tiketo-kiosk://provision?")
    assert parse_provisioning_code(uri) == ProvisioningCode(url, "tok 1/+", "")
    assert parse_provisioning_code("  " + uri + "\n") is not None


def test_passes_and_junk_are_not_provisioning_codes():
    for text in (
        "TKT-VALID-0001",
        "{}",
        "{not json",
        '{"token": "x"}',
        "[1, 2]",
        "tiketo-kiosk://other?api=x",
        "tiketo-kiosk://provision?token=x",
        '{"apiUrl": 5, "token": "x"}',
    ):
        assert parse_provisioning_code(text) is None, text
