"""The short, legacy and plain forms of workflow ids."""

import uuid

import pytest

from casedesk.kit.workflow_ids import decode_workflow_id, encode_workflow_id


def test_the_zero_uuid_is_all_zero_digits() -> None:
    assert encode_workflow_id(uuid.UUID(int=0)) == "wf_" + "0" * 22


def test_small_numbers_are_left_padded_base62() -> None:
    assert encode_workflow_id(uuid.UUID(int=61)) == "wf_" + "0" * 21 + "Z"
    assert encode_workflow_id(uuid.UUID(int=62)) == "wf_" + "0" * 20 + "10"


def test_the_largest_uuid_fits_in_22_digits() -> None:
    largest = uuid.UUID(int=2**128 - 1)

    assert encode_workflow_id(largest) == "wf_7N42dgm5tFLK9N8MT7fHC7"
    assert decode_workflow_id("wf_7N42dgm5tFLK9N8MT7fHC7") == largest


@pytest.mark.parametrize("workflow_id", [uuid.uuid4() for _ in range(20)])
def test_every_form_decodes_to_the_same_uuid(workflow_id: uuid.UUID) -> None:
    forms = [
        encode_workflow_id(workflow_id),
        str(workflow_id),
        f"wf-{workflow_id.hex}",
        f"wf-{workflow_id.hex.upper()}",
    ]

    assert {decode_workflow_id(form) for form in forms} == {workflow_id}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "wf_",
        "wf_" + "0" * 21,
        "wf_" + "0" * 23,
        "wf_" + "0" * 21 + "-",
        "wf_7N42dgm5tFLK9N8MT7fHC8",
        "wf-" + "0" * 31,
        "wf-" + "g" * 32,
        "WF_" + "0" * 22,
        " " + "0" * 31,
        "0" * 31 + "_",
        "not-a-uuid",
    ],
)
def test_malformed_ids_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="workflow id"):
        decode_workflow_id(text)
