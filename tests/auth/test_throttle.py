"""Sign-in throttling per account and per client address."""

import os
import uuid

import httpx
import pytest
import redis.asyncio as redis
from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy import func, select

from casedesk.config import Settings
from casedesk.models import AuditEvent
from tests.auth.support import BASE_URL, app_with, client_from, post_login
from tests.factories import ADMIN_EMAIL, Principal, create_user

REDIS_URL = os.environ.get("CASEDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "another-long-password"
WRONG = "not-the-password-at-all"
LOOSE = "1000/minute"

pytestmark = pytest.mark.usefixtures("clean_database")


def assert_throttled(response: httpx.Response, *, window: int) -> None:
    """A 429 whose Retry-After is whole seconds within the window."""
    assert response.status_code == 429
    wait = int(response.headers["retry-after"])
    assert 1 <= wait <= window
    assert response.json() == {
        "detail": f"Too many sign-in attempts; try again in {wait} seconds"
    }


async def fail_times(client: httpx.AsyncClient, email: str, count: int) -> None:
    for _ in range(count):
        response = await post_login(client, email, WRONG)
        assert response.status_code == 400


async def test_account_is_throttled_after_its_failed_attempts(app: FastAPI) -> None:
    async with (
        app_with(
            app, login_limits_per_account="3/minute", login_limits_per_client=LOOSE
        ) as limited,
        client_from(limited) as client,
    ):
        await fail_times(client, "victim@example.com", 3)

        response = await post_login(client, "victim@example.com", WRONG)

    assert_throttled(response, window=60)


async def test_throttled_account_is_refused_even_with_the_right_password(
    app: FastAPI,
) -> None:
    await create_user(app, "victim@example.com", PASSWORD)
    async with (
        app_with(
            app, login_limits_per_account="2/minute", login_limits_per_client=LOOSE
        ) as limited,
        client_from(limited) as client,
    ):
        await fail_times(client, "victim@example.com", 2)

        response = await post_login(client, "victim@example.com", PASSWORD)

    assert_throttled(response, window=60)
    assert "fastapiusersauth" not in response.headers.get("set-cookie", "")


async def test_account_limit_ignores_letter_case_and_the_client_address(
    app: FastAPI,
) -> None:
    async with app_with(
        app, login_limits_per_account="2/minute", login_limits_per_client=LOOSE
    ) as limited:
        async with client_from(limited, "198.51.100.1") as first:
            await fail_times(first, "Victim@Example.com", 2)

        async with client_from(limited, "198.51.100.2") as second:
            response = await post_login(second, "victim@example.com", WRONG)

    assert_throttled(response, window=60)


async def test_hourly_account_limit_applies_after_the_minute_one(
    app: FastAPI,
) -> None:
    async with (
        app_with(
            app,
            login_limits_per_account="10/minute;3/hour",
            login_limits_per_client=LOOSE,
        ) as limited,
        client_from(limited) as client,
    ):
        await fail_times(client, "victim@example.com", 3)

        response = await post_login(client, "victim@example.com", WRONG)

    assert_throttled(response, window=3600)
    assert int(response.headers["retry-after"]) > 60


async def test_other_accounts_are_not_throttled_by_one_account(
    app: FastAPI,
) -> None:
    await create_user(app, "bystander@example.com", PASSWORD)
    async with (
        app_with(
            app, login_limits_per_account="2/minute", login_limits_per_client=LOOSE
        ) as limited,
        client_from(limited) as client,
    ):
        await fail_times(client, "victim@example.com", 2)

        response = await post_login(client, "bystander@example.com", PASSWORD)

    assert response.status_code == 204


async def test_successful_sign_in_forgets_the_account_failures(app: FastAPI) -> None:
    await create_user(app, "typist@example.com", PASSWORD)
    async with (
        app_with(
            app, login_limits_per_account="3/minute", login_limits_per_client=LOOSE
        ) as limited,
        client_from(limited) as client,
    ):
        await fail_times(client, "typist@example.com", 2)
        assert (await post_login(client, "typist@example.com", PASSWORD)).is_success

        await fail_times(client, "typist@example.com", 2)
        response = await post_login(client, "typist@example.com", PASSWORD)

    assert response.status_code == 204


async def test_client_address_is_throttled_across_accounts(app: FastAPI) -> None:
    async with (
        app_with(
            app, login_limits_per_account=LOOSE, login_limits_per_client="3/minute"
        ) as limited,
        client_from(limited, "203.0.113.9") as client,
    ):
        for number in range(3):
            response = await post_login(client, f"user{number}@example.com", WRONG)
            assert response.status_code == 400

        response = await post_login(client, "user3@example.com", WRONG)

    assert_throttled(response, window=60)


async def test_other_client_addresses_are_not_throttled(app: FastAPI) -> None:
    await create_user(app, "someone@example.com", PASSWORD)
    async with app_with(
        app, login_limits_per_account=LOOSE, login_limits_per_client="2/minute"
    ) as limited:
        async with client_from(limited, "203.0.113.9") as attacker:
            await fail_times(attacker, "someone@example.com", 2)

        async with client_from(limited, "203.0.113.10") as colleague:
            response = await post_login(colleague, "someone@example.com", PASSWORD)

    assert response.status_code == 204


async def test_successful_sign_ins_do_not_count_against_the_client(
    app: FastAPI,
) -> None:
    await create_user(app, "frequent@example.com", PASSWORD)
    async with (
        app_with(
            app, login_limits_per_account="2/minute", login_limits_per_client="2/minute"
        ) as limited,
        client_from(limited) as client,
    ):
        for _ in range(3):
            assert (
                await post_login(client, "frequent@example.com", PASSWORD)
            ).is_success

        response = await post_login(client, "frequent@example.com", PASSWORD)

    assert response.status_code == 204


async def test_throttled_attempts_write_no_audit_entries(app: FastAPI) -> None:
    async with (
        app_with(
            app, login_limits_per_account="1/minute", login_limits_per_client=LOOSE
        ) as limited,
        client_from(limited) as client,
    ):
        await fail_times(client, "victim@example.com", 1)

        for _ in range(3):
            assert (
                await post_login(client, "victim@example.com", WRONG)
            ).status_code == 429

    async with app.state.sessionmaker() as session:
        entries = await session.scalar(select(func.count()).select_from(AuditEvent))
    assert entries == 1


async def test_each_app_counts_its_own_attempts(app: FastAPI) -> None:
    limits = {"login_limits_per_account": "1/minute", "login_limits_per_client": LOOSE}
    async with app_with(app, **limits) as first, client_from(first) as client:
        await fail_times(client, "victim@example.com", 1)
        assert (
            await post_login(client, "victim@example.com", WRONG)
        ).status_code == 429

    async with app_with(app, **limits) as second, client_from(second) as client:
        response = await post_login(client, "victim@example.com", WRONG)

    assert response.status_code == 400


def test_unreadable_limit_is_refused_at_startup() -> None:
    with pytest.raises(ValidationError, match="login_limits_per_account"):
        Settings(login_limits_per_account="five a minute")


async def test_redis_storage_shares_counts_between_apps(app: FastAPI) -> None:
    await _require_redis()
    # Unique per run: the Redis counters outlive this test for a minute.
    email = f"victim-{uuid.uuid4().hex}@example.com"
    address = f"redis-test-{uuid.uuid4().hex}"
    settings = {
        "rate_limit_storage_url": REDIS_URL,
        "login_limits_per_account": "2/minute",
        "login_limits_per_client": LOOSE,
    }
    async with app_with(app, **settings) as first, client_from(first, address) as one:
        await fail_times(one, email, 2)

    async with app_with(app, **settings) as second, client_from(second, address) as two:
        response = await post_login(two, email, WRONG)

    assert_throttled(response, window=60)


async def _require_redis() -> None:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        await client.ping()
    except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")
    finally:
        await client.aclose()


async def test_unreachable_throttle_store_answers_503(
    app: FastAPI, admin: Principal
) -> None:
    async with app_with(
        app, rate_limit_storage_url="redis://127.0.0.1:1/0"
    ) as unreachable:
        transport = httpx.ASGITransport(app=unreachable, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            response = await post_login(client, ADMIN_EMAIL, "wrong-password-here")

    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert "password" not in response.text
