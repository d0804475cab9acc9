"""Long text values: kept whole, whatever the index holds of them."""

import random
import string

import httpx

from tests.factories import case_body
from tests.fields.support import create_case, create_field, field_value


def random_text(length: int) -> str:
    """Text that does not compress, like a pasted log excerpt."""
    return "".join(random.choices(string.ascii_letters + string.digits, k=length))


async def test_a_value_longer_than_the_index_key_round_trips(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT", kind="LONG_TEXT")
    text = random_text(5_000) + " ✓ 🔒"

    case = await create_case(client, **{name: text})

    assert await field_value(client, case["id"], name) == text


async def test_a_long_default_does_not_stop_case_creation(
    client: httpx.AsyncClient,
) -> None:
    default = random_text(4_000)
    name = await create_field(client, "TEXT", default=default)

    response = await client.post("/cases", json=case_body())

    assert response.status_code == 201, response.text
    assert await field_value(client, response.json()["id"], name) == default


async def test_two_long_values_differing_only_at_the_end_stay_apart(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT")
    prefix = random_text(1_000)

    first = await create_case(client, **{name: prefix + "A"})
    second = await create_case(client, **{name: prefix + "B"})

    assert await field_value(client, first["id"], name) == prefix + "A"
    assert await field_value(client, second["id"], name) == prefix + "B"


async def test_more_field_values_than_any_workspace_defines_are_422(
    client: httpx.AsyncClient,
) -> None:
    fields = {f"f{index}": index for index in range(501)}

    response = await client.post("/cases", json=case_body(fields=fields))

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "fields"]


async def test_more_dropdown_choices_than_allowed_are_422(
    client: httpx.AsyncClient,
) -> None:
    choices = [{"definition_ref": f"d{index}"} for index in range(101)]

    response = await client.post("/cases", json=case_body(dropdown_values=choices))

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "dropdown_values"]
