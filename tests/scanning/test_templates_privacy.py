"""Holder names from the pass template's variables; a non-public parameter is never shown."""

from __future__ import annotations

from datetime import timedelta

from kiosk.demo.passes import LOYALTY_CODE, PRIVATE_CODE, VALID_CODE
from kiosk.journal.passcache import PassCacheStore
from kiosk.scanning.refresh import TemplateCatalog
from kiosk.tiketo.templates import PassTemplate, TemplateVariable, holder_name
from tests.scanning.conftest import wait_for

PUBLIC_NAMES = (
    TemplateVariable("firstName", "STRING", "PUBLIC"),
    TemplateVariable("lastName", "STRING", "PUBLIC"),
)


def test_holder_name_comes_only_from_public_template_variables():
    params = {"firstName": "Ada", "lastName": "Lovelace", "holderName": "Secret Name"}
    assert holder_name(params, PUBLIC_NAMES) == "Ada Lovelace"
    private = (TemplateVariable("holderName", "STRING", "PRIVATE"), *PUBLIC_NAMES)
    assert holder_name(params, private) == "Ada Lovelace"
    assert holder_name(params, (TemplateVariable("holder_name", "STRING", "PUBLIC"),)) is None
    assert (
        holder_name(
            {"holder_name": "Grace"}, (TemplateVariable("holder_name", "STRING", "PUBLIC"),)
        )
        == "Grace"
    )
    # any scope but PUBLIC (the reference names one of four values) is non-public
    for scope in ("PRIVATE", "INTERNAL", "", "public"):
        assert holder_name(params, (TemplateVariable("firstName", "STRING", scope),)) is None
    assert holder_name(params, None) is None  # template unknown: no name rather than a guess
    assert holder_name({"name": "  "}, (TemplateVariable("name", "STRING", "PUBLIC"),)) is None


def test_a_pass_whose_name_is_private_shows_no_name(service, demo_server):
    verdict = service.scan(PRIVATE_CODE)
    assert verdict.accepted and verdict.holder is None
    assert "Hedy" not in verdict.message
    assert "Hedy" not in str(service.journal.cached_pass(PRIVATE_CODE))
    assert service.scan(VALID_CODE).holder == "Ada Lovelace"
    assert service.scan(LOYALTY_CODE).holder == "Grace Hopper"


def test_templates_are_read_and_cached_in_the_journal(service, demo_server):
    wait_for(lambda: demo_server.state.count("passTemplates") == 1, timeout=30)
    wait_for(lambda: service.templates.variables_for("tpl-backstage-pass") is not None, timeout=30)
    templates, fetched_at = PassCacheStore(service.journal).templates()
    assert fetched_at is not None
    assert templates["tpl-backstage-pass"].variables[0] == TemplateVariable(
        "holderName", "STRING", "PRIVATE"
    )
    # a new catalogue over the same journal has them without asking the server
    again = TemplateCatalog(PassCacheStore(service.journal))
    assert again.variables_for("tpl-festival-day-ticket") == service.templates.variables_for(
        "tpl-festival-day-ticket"
    )
    assert not again.due(fetched_at + timedelta(hours=23))
    assert again.due(fetched_at + timedelta(days=1, minutes=1))
    assert again.due(fetched_at - timedelta(hours=1))  # the clock went back: fetch again


def test_the_template_cache_names_holders_when_the_lookup_has_no_variables(service, demo_server):
    """Pass.template is nullable: then the cached passTemplates give the variables."""
    wait_for(
        lambda: service.templates.variables_for("tpl-festival-day-ticket") is not None, timeout=30
    )
    demo_server.state.templates.pop("tpl-festival-day-ticket")  # lookups carry template null
    assert service.scan(VALID_CODE).holder == "Ada Lovelace"
    service.templates._templates.pop("tpl-festival-day-ticket")  # and now nothing knows it
    demo_server.state.add_pass(
        demo_server.state.passes[VALID_CODE].__class__(
            "TKT-NEW-1",
            "pass-new-1",
            "proj-doors",
            "Festival Day Ticket",
            "eventTicket",
            {"firstName": "Ida", "lastName": "Noddack"},
        )
    )
    assert service.scan("TKT-NEW-1").holder is None


def test_pass_template_from_api_is_strict_about_shape():
    template = PassTemplate.from_api(
        {
            "id": 4,
            "name": "T",
            "variables": [
                {"name": "a", "type": "STRING", "scope": "PUBLIC"},
                {"name": 5},
                "junk",
                {"name": "b", "type": "STRING"},
            ],
        }
    )
    assert template.id == "4"
    assert [v.name for v in template.variables] == ["a", "b"]
    assert template.variables[1].public is False
