"""Tag definitions: slugs as refs, unique per workspace, and their changes."""

import uuid
from typing import Any

import httpx
import pytest


def unique_name(label: str) -> str:
    """A tag name no other test uses."""
    return f"{label} {uuid.uuid4().hex[:8]}"


async def create_tag(client: httpx.AsyncClient, name: str, **extra: Any) -> Any:
    """Define a tag that must be created; return its body."""
    response = await client.post("/case-tags", json={"name": name, **extra})
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_answers_201_with_the_tag_and_its_slug(
    client: httpx.AsyncClient,
) -> None:
    name = unique_name("Security Incident")

    response = await client.post("/case-tags", json={"name": name, "color": "#f00"})

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "ref", "color"}
    assert body["name"] == name
    assert body["ref"] == name.lower().replace(" ", "-")
    assert body["color"] == "#f00"


@pytest.mark.parametrize(
    ("name", "ref"),
    [
        ("Test_Case_123", "test-case-123"),
        ("Security Incident", "security-incident"),
        ("  --Mixed!!  Runs__ ", "mixed-runs"),
    ],
)
async def test_ref_is_the_slug_of_the_name(
    client: httpx.AsyncClient, name: str, ref: str
) -> None:
    tag = await create_tag(client, name)

    assert tag["ref"] == ref


async def test_a_name_without_letters_or_digits_is_422(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/case-tags", json={"name": "%_"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


@pytest.mark.parametrize("name", ["", "x" * 51])
async def test_a_name_outside_1_to_50_characters_is_422(
    client: httpx.AsyncClient, name: str
) -> None:
    response = await client.post("/case-tags", json={"name": name})

    assert response.status_code == 422


async def test_unknown_keys_are_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/case-tags", json={"name": unique_name("Extra"), "ref": "mine"}
    )

    assert response.status_code == 422


async def test_a_second_tag_with_the_same_slug_is_400(
    client: httpx.AsyncClient,
) -> None:
    first = await create_tag(client, unique_name("Phishing Wave"))

    response = await client.post(
        "/case-tags", json={"name": first["name"].upper().replace(" ", "_")}
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Case tag with slug '{first['ref']}' already exists"
    }


async def test_get_answers_the_tag(client: httpx.AsyncClient) -> None:
    tag = await create_tag(client, unique_name("Read me"), color="blue")

    response = await client.get(f"/case-tags/{tag['id']}")

    assert response.status_code == 200
    assert response.json() == tag


async def test_get_of_an_unknown_tag_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/case-tags/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Tag not found"}


async def test_list_includes_every_defined_tag(client: httpx.AsyncClient) -> None:
    tags = [await create_tag(client, unique_name("Listed")) for _ in range(2)]

    response = await client.get("/case-tags")

    assert response.status_code == 200
    assert all(tag in response.json() for tag in tags)


async def test_rename_regenerates_the_ref(client: httpx.AsyncClient) -> None:
    tag = await create_tag(client, unique_name("Old Name"))
    new_name = unique_name("New Name")

    response = await client.patch(f"/case-tags/{tag['id']}", json={"name": new_name})

    assert response.status_code == 200
    assert response.json() == {
        **tag,
        "name": new_name,
        "ref": new_name.lower().replace(" ", "-"),
    }


async def test_recolour_keeps_name_and_ref(client: httpx.AsyncClient) -> None:
    tag = await create_tag(client, unique_name("Colourful"), color="red")

    response = await client.patch(f"/case-tags/{tag['id']}", json={"color": "green"})

    assert response.status_code == 200
    assert response.json() == {**tag, "color": "green"}


async def test_rename_onto_another_tags_slug_is_400(
    client: httpx.AsyncClient,
) -> None:
    taken = await create_tag(client, unique_name("Taken"))
    tag = await create_tag(client, unique_name("Mover"))

    response = await client.patch(
        f"/case-tags/{tag['id']}", json={"name": taken["name"]}
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Case tag with slug '{taken['ref']}' already exists"
    }


async def test_patch_of_an_unknown_tag_is_404(client: httpx.AsyncClient) -> None:
    response = await client.patch(f"/case-tags/{uuid.uuid4()}", json={"color": "x"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Tag not found"}


async def test_delete_answers_204_and_the_tag_is_gone(
    client: httpx.AsyncClient,
) -> None:
    tag = await create_tag(client, unique_name("Doomed"))

    response = await client.delete(f"/case-tags/{tag['id']}")

    assert response.status_code == 204
    assert (await client.get(f"/case-tags/{tag['id']}")).status_code == 404


async def test_delete_of_an_unknown_tag_is_404(client: httpx.AsyncClient) -> None:
    response = await client.delete(f"/case-tags/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Tag not found"}


async def test_another_workspace_cannot_see_the_tag(
    client: httpx.AsyncClient,
) -> None:
    tag = await create_tag(client, unique_name("Private"))
    other = (await client.post("/workspaces", json={"name": unique_name("WS")})).json()

    response = await client.get(f"/workspaces/{other['id']}/case-tags/{tag['id']}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Tag not found"}
