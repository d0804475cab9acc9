"""Filtering and sorting by custom fields: `fields.NAME[__gte|__lte]=VALUE`
and `order_by=fields.NAME`."""

from typing import Any

import httpx
import pytest

from tests.search.support import found, new_case, refused, search, walk, walk_back

FIELDS = {
    "score": {"type": "INTEGER"},
    "ratio": {"type": "NUMERIC"},
    "due": {"type": "DATE"},
    "seen": {"type": "TIMESTAMPTZ"},
    "host": {"type": "TEXT"},
    "urgent": {"type": "BOOLEAN"},
    "color": {"type": "SELECT", "options": ["red", "green", "blue"]},
    "labels": {"type": "MULTI_SELECT", "options": ["a", "b", "c"]},
    "extra": {"type": "JSONB"},
}


async def define_fields(client: httpx.AsyncClient) -> None:
    for name, definition in FIELDS.items():
        response = await client.post("/case-fields", json={"name": name, **definition})
        assert response.status_code == 201, response.text


@pytest.fixture
async def cases(client: httpx.AsyncClient) -> dict[str, str]:
    """Three cases with every field set differently, and one with none."""
    await define_fields(client)
    values = {
        "low": {
            "score": 1,
            "ratio": "1.30",
            "due": "2024-01-01",
            "seen": "2024-01-01T00:00:00Z",
            "host": "ws-01",
            "urgent": False,
            "color": "red",
            "labels": ["a", "b"],
            "extra": {"k": 1},
        },
        "mid": {
            "score": 5,
            "ratio": "2.5",
            "due": "2024-06-15",
            "seen": "2024-06-15T12:00:00+02:00",
            "host": "WS-01",
            "urgent": True,
            "color": "green",
            "labels": ["b"],
            "extra": [1, 2],
        },
        "high": {
            "score": 10,
            "ratio": "10",
            "due": "2025-01-01",
            "seen": "2025-01-01T00:00:00Z",
            "host": "db%_01",
            "urgent": True,
            "color": "blue",
            "labels": [],
            "extra": "text",
        },
    }
    ids = {}
    for label, fields in values.items():
        ids[label] = (await new_case(client, summary=label, fields=fields))["id"]
    ids["none"] = (await new_case(client, summary="none"))["id"]
    return ids


def named(ids: dict[str, str], *labels: str) -> set[str]:
    return {ids[label] for label in labels}


class TestEquality:
    """`fields.NAME=VALUE` on every type."""

    @pytest.mark.parametrize(
        ("param", "value", "labels"),
        [
            ("score", "5", ["mid"]),
            ("score", "5.0", ["mid"]),
            ("ratio", "1.3", ["low"]),
            ("ratio", "10.000", ["high"]),
            ("due", "2024-06-15", ["mid"]),
            ("seen", "2024-06-15T10:00:00Z", ["mid"]),
            ("seen", "2024-06-15T10:00:00", ["mid"]),
            ("host", "ws-01", ["low"]),
            ("host", "db%_01", ["high"]),
            ("host", "db__01", []),
            ("urgent", "true", ["mid", "high"]),
            ("urgent", "FALSE", ["low"]),
            ("color", "green", ["mid"]),
            ("labels", "b", ["low", "mid"]),
            ("labels", "c", []),
            ("extra", '{"k": 1}', ["low"]),
            ("extra", "[1,2]", ["mid"]),
            ("extra", '"text"', ["high"]),
            ("Score", "10", ["high"]),
        ],
    )
    async def test_matches_exactly(
        self,
        client: httpx.AsyncClient,
        cases: dict[str, str],
        param: str,
        value: str,
        labels: list[str],
    ) -> None:
        assert await found(client, **{f"fields.{param}": value}) == named(
            cases, *labels
        )

    async def test_repeated_values_or_and_fields_and(
        self, client: httpx.AsyncClient, cases: dict[str, str]
    ) -> None:
        assert await found(client, **{"fields.color": ["red", "blue"]}) == named(
            cases, "low", "high"
        )
        assert await found(
            client, **{"fields.color": ["red", "blue"], "fields.urgent": "true"}
        ) == named(cases, "high")
        assert await found(client, **{"fields.score": "5", "status": "closed"}) == set()


class TestBounds:
    """`__gte` and `__lte`: inclusive, on INTEGER, NUMERIC, DATE, TIMESTAMPTZ."""

    @pytest.mark.parametrize(
        ("params", "labels"),
        [
            ({"fields.score__gte": "5"}, ["mid", "high"]),
            ({"fields.score__lte": "5"}, ["low", "mid"]),
            ({"fields.score__gte": "2", "fields.score__lte": "9"}, ["mid"]),
            ({"fields.score__gte": "11"}, []),
            ({"fields.ratio__gte": "2.5"}, ["mid", "high"]),
            ({"fields.ratio__lte": "2.49"}, ["low"]),
            ({"fields.ratio__gte": "9.99"}, ["high"]),
            ({"fields.due__gte": "2024-06-15"}, ["mid", "high"]),
            ({"fields.due__lte": "2024-06-14"}, ["low"]),
            ({"fields.seen__gte": "2024-06-15T10:00:00Z"}, ["mid", "high"]),
            ({"fields.seen__lte": "2024-06-15T12:00:00+02:00"}, ["low", "mid"]),
            ({"fields.seen__lte": "2024-06-15T09:59:59.999999Z"}, ["low"]),
        ],
    )
    async def test_bounds_are_inclusive(
        self,
        client: httpx.AsyncClient,
        cases: dict[str, str],
        params: dict[str, str],
        labels: list[str],
    ) -> None:
        assert await found(client, **params) == named(cases, *labels)


class TestRefusals:
    """An unknown field or operator, a misused operator or a bad value: 422."""

    @pytest.mark.parametrize(
        ("params", "detail"),
        [
            ({"fields.nope": "1"}, "Unknown field in fields.nope: 'nope'"),
            ({"fields.nope__gte": "1"}, "Unknown field in fields.nope__gte: 'nope'"),
            ({"fields.": "1"}, "Unknown field in fields.: ''"),
            (
                {"fields.score__gt": "1"},
                "Unknown operator in fields.score__gt: 'gt' "
                "(use NAME, NAME__gte or NAME__lte)",
            ),
            (
                {"fields.score__": "1"},
                "Unknown operator in fields.score__: '' "
                "(use NAME, NAME__gte or NAME__lte)",
            ),
            (
                {"fields.host__gte": "a"},
                "Field 'host' is TEXT: __gte and __lte apply to INTEGER, NUMERIC, "
                "DATE and TIMESTAMPTZ fields only",
            ),
            (
                {"fields.urgent__lte": "true"},
                "Field 'urgent' is BOOLEAN: __gte and __lte apply to INTEGER, "
                "NUMERIC, DATE and TIMESTAMPTZ fields only",
            ),
            (
                {"fields.score": "1.5"},
                "Invalid value for field 'score': Invalid integer value: '1.5'",
            ),
            (
                {"fields.ratio__gte": "abc"},
                "Invalid value for field 'ratio': Invalid numeric value: 'abc'",
            ),
            (
                {"fields.due": "June"},
                "Invalid value for field 'due': Invalid date value: 'June'",
            ),
            (
                {"fields.seen__lte": "later"},
                "Invalid value for field 'seen': Invalid timestamp value: 'later'",
            ),
            (
                {"fields.urgent": "yes"},
                "Invalid value for field 'urgent': Invalid boolean value: 'yes'",
            ),
            (
                {"fields.color": "pink"},
                "Invalid value for field 'color': "
                "Value 'pink' is not in the available options",
            ),
            (
                {"fields.labels": "z"},
                "Invalid value for field 'labels': "
                "Value(s) z are not in the available options",
            ),
            (
                {"fields.extra": "{not json"},
                "Invalid value for field 'extra': not a JSON document",
            ),
            (
                {"fields.host": "a\x00b"},
                "Invalid value for field 'host': "
                "Custom field 'host' must not contain NUL characters",
            ),
        ],
    )
    async def test_names_the_field(
        self,
        client: httpx.AsyncClient,
        cases: dict[str, str],
        params: dict[str, str],
        detail: str,
    ) -> None:
        assert await refused(client, **params) == (422, detail)

    async def test_unknown_field_is_422_on_aggregate_too(
        self, client: httpx.AsyncClient, cases: dict[str, str]
    ) -> None:
        assert await refused(
            client, "/cases/search/aggregate", **{"fields.nope": "1"}
        ) == (422, "Unknown field in fields.nope: 'nope'")


def ordered(values: dict[str, Any], ids: dict[str, str], descending: bool) -> list[str]:
    """Ids by value, nulls last either way, ties by id in the same direction."""
    present = [label for label in values if values[label] is not None]
    missing = [label for label in values if values[label] is None]
    present.sort(key=lambda label: (values[label], ids[label]), reverse=descending)
    missing.sort(key=lambda label: ids[label], reverse=descending)
    return [ids[label] for label in present + missing]


class TestSort:
    """`order_by=fields.NAME`: typed order, nulls last both ways, keyset pages."""

    @pytest.mark.parametrize("sort", ["asc", "desc"])
    @pytest.mark.parametrize(
        ("name", "key"),
        [
            ("score", int),
            ("ratio", float),
            ("due", str),
            ("host", str),
            ("urgent", int),
            ("color", str),
        ],
    )
    async def test_sorts_by_typed_value_with_nulls_last(
        self, client: httpx.AsyncClient, name: str, key: Any, sort: str
    ) -> None:
        await define_fields(client)
        samples = {
            "score": [3, 20, None, 3, -1, None, 100],
            "ratio": ["9.5", "10", None, "9.5", "-0.1", None, "100.25"],
            "due": ["2024-02-01", "2023-12-31", None, "2024-02-01", "2024-10-01"]
            + [None, "2025-01-01"],
            "host": ["b", "c", None, "a", "b", None, "ab"],
            "urgent": [True, False, None, True, False, None, True],
            "color": ["red", "green", None, "blue", "red", None, "green"],
        }[name]
        ids, values = {}, {}
        for index, sample in enumerate(samples):
            label = f"case{index}"
            fields = {} if sample is None else {name: sample}
            ids[label] = (await new_case(client, summary=label, fields=fields))["id"]
            values[label] = None if sample is None else key(sample)

        expected = ordered(values, ids, descending=sort == "desc")
        params = {"order_by": f"fields.{name}", "sort": sort, "limit": 2}
        assert await walk(client, **params) == expected
        assert await walk_back(client, **params) == expected
        whole = await search(client, **{**params, "limit": 200})
        assert [item["id"] for item in whole["items"]] == expected

    @pytest.mark.parametrize("sort", ["asc", "desc"])
    async def test_timestamps_sort_by_instant(
        self, client: httpx.AsyncClient, sort: str
    ) -> None:
        await define_fields(client)
        stamps = [
            "2024-01-01T10:00:00+05:00",
            None,
            "2024-01-01T06:00:00Z",
            "2024-01-01T04:00:00-03:00",
        ]
        ids = [
            (await new_case(client, fields={} if s is None else {"seen": s}))["id"]
            for s in stamps
        ]
        # 05:00Z, 06:00Z, 07:00Z, then the case without a value.
        expected = [ids[0], ids[2], ids[3]]
        if sort == "desc":
            expected.reverse()
        expected.append(ids[1])

        params = {"order_by": "fields.seen", "sort": sort, "limit": 1}
        assert await walk(client, **params) == expected
        assert await walk_back(client, **params) == expected

    async def test_sort_combines_with_filters(
        self, client: httpx.AsyncClient, cases: dict[str, str]
    ) -> None:
        page = await search(
            client, order_by="fields.score", sort="desc", **{"fields.urgent": "true"}
        )

        assert [item["id"] for item in page["items"]] == [cases["high"], cases["mid"]]
        assert page["total_estimate"] == 2

    async def test_list_sorts_by_field_too(
        self, client: httpx.AsyncClient, cases: dict[str, str]
    ) -> None:
        listed = await search(client, "/cases", order_by="fields.score", sort="asc")
        searched = await search(client, order_by="fields.score", sort="asc")

        assert listed == searched
        assert [item["id"] for item in listed["items"]] == [
            cases["low"],
            cases["mid"],
            cases["high"],
            cases["none"],
        ]

    @pytest.mark.parametrize(
        ("order_by", "detail"),
        [
            ("fields.nope", "Unknown field in order_by: 'nope'"),
            ("fields.labels", "Field 'labels' is MULTI_SELECT and cannot be sorted"),
            ("fields.extra", "Field 'extra' is JSONB and cannot be sorted"),
        ],
    )
    async def test_unsortable_is_422(
        self,
        client: httpx.AsyncClient,
        cases: dict[str, str],
        order_by: str,
        detail: str,
    ) -> None:
        assert await refused(client, order_by=order_by) == (422, detail)

    async def test_malformed_order_by_is_a_validation_error(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/cases/search", params={"order_by": "fields.a-b"})

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "order_by"]

    async def test_cursor_is_bound_to_the_field(
        self, client: httpx.AsyncClient, cases: dict[str, str]
    ) -> None:
        page = await search(client, order_by="fields.score", limit=1)

        response = await client.get(
            "/cases/search",
            params={
                "order_by": "fields.ratio",
                "limit": 1,
                "cursor": page["next_cursor"],
            },
        )

        assert (response.status_code, response.json()) == (
            400,
            {"detail": "Pagination cursor does not match the current query"},
        )
