"""`GET /audit` parameters."""

from tests.factories import Principal


async def test_before_seq_beyond_the_column_is_a_validation_error(
    admin: Principal,
) -> None:
    response = await admin.client.get("/audit", params={"before_seq": 2**63})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "before_seq"]


async def test_audit_lists_newest_first(admin: Principal) -> None:
    await admin.client.post(
        "/users",
        json={"email": "erin@example.com", "password": "a-long-passphrase-for-erin"},
    )

    response = await admin.client.get("/audit")

    assert response.status_code == 200
    assert response.json()["items"][0]["action"] == "user_created"
