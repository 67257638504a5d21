"""Every operation the kiosk sends must be valid against schema.graphql."""

from __future__ import annotations

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, build_schema, parse, validate

from kiosk.tiketo.operations import (
    OPERATION_NAMES,
    fragment_text,
    operation_text,
    schema_text,
    with_fragments,
)


@pytest.fixture(scope="module")
def schema():
    return build_schema(schema_text())


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_operation_is_valid_against_schema(schema, name):
    document = parse(operation_text(name))
    assert validate(schema, document) == []
    operation_names = [
        d.name.value for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    assert operation_names == [name], "the file holds exactly the operation it is named after"


def _fragment_files() -> set[str]:
    from importlib import resources

    files = resources.files("kiosk.tiketo").joinpath("fragments").iterdir()
    return {f.name.removesuffix(".graphql") for f in files if f.name.endswith(".graphql")}


@pytest.mark.parametrize("name", sorted(_fragment_files()))
def test_each_fragment_file_holds_its_fragment_and_is_used(name):
    (definition,) = parse(fragment_text(name)).definitions
    assert isinstance(definition, FragmentDefinitionNode) and definition.name.value == name
    users = [op for op in OPERATION_NAMES if f"...{name}" in operation_text(op)]
    assert users, f"fragments/{name}.graphql is spread by no operation"


def test_the_lookup_and_the_re_read_ask_for_the_same_verdict_facts():
    """One selection for both: a field added for verdicts reaches the pass cache's re-read."""
    for name in ("PassByScanCode", "Pass"):
        document = parse(operation_text(name))
        fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
        assert [f.name.value for f in fragments] == ["PassVerdictFields"]


def test_a_spread_of_a_missing_fragment_fails_loudly():
    with pytest.raises(KeyError, match="NoSuchFields"):
        fragment_text("NoSuchFields")
    with pytest.raises(KeyError):
        with_fragments("query Ping { ...NoSuchFields }", fragment_text)


def test_a_fragment_is_sent_once_however_often_it_is_spread():
    files = {
        "A": "fragment A on Query { ...B }",
        "B": "fragment B on Query { __typename }",
    }
    document = parse(with_fragments("query Ping { ...A ...B }", files.__getitem__))
    assert [d.name.value for d in document.definitions] == ["Ping", "A", "B"]
