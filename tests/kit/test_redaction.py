"""Validation errors never echo what may be a secret."""

from tests.factories import Principal


async def test_misspelt_password_key_is_not_echoed(admin: Principal) -> None:
    response = await admin.client.post(
        "/users",
        json={
            "email": "zed@example.com",
            "password": "a-long-passphrase-for-zed",
            "passwrd": "oops-secret-value-123",
        },
    )

    assert response.status_code == 422
    assert "oops-secret-value-123" not in response.text
    assert response.json()["detail"][0]["type"] == "extra_forbidden"
