"""Each filter of `GET /cases/search` (reference §6.2, README differences 6, 7)."""

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.factories import Principal, create_user, create_workspace
from tests.search.support import found, new_case, refused, search


class TestSearchTerm:
    """`search_term`: literal, case-insensitive, over three texts."""

    async def test_matches_summary_description_and_short_id(
        self, client: httpx.AsyncClient
    ) -> None:
        by_summary = await new_case(client, summary="Beacon to Cobalt server")
        by_description = await new_case(client, description="a cobalt strike beacon")
        await new_case(client, summary="Phishing", description="Invoice lure")

        assert await found(client, search_term="COBALT") == {
            by_summary["id"],
            by_description["id"],
        }
        assert await found(client, search_term="case-0003") == {
            (await search(client, short_id="3"))["items"][0]["id"]
        }

    async def test_percent_and_underscore_match_themselves(
        self, client: httpx.AsyncClient
    ) -> None:
        percent = await new_case(client, summary="Disk 100% full")
        underscore = await new_case(client, summary="user_admin locked")
        other = await new_case(client, summary="Disk 1000 full, useradmin locked")

        assert await found(client, search_term="100%") == {percent["id"]}
        assert await found(client, search_term="0% f") == {percent["id"]}
        assert await found(client, search_term="user_admin") == {underscore["id"]}
        assert await found(client, search_term="%") == {percent["id"]}
        assert await found(client, search_term="_") == {underscore["id"]}
        assert other["id"] not in await found(client, search_term="r_a")

    async def test_backslash_and_quotes_match_themselves(
        self, client: httpx.AsyncClient
    ) -> None:
        path = await new_case(client, summary='C:\\Users\\x "quoted" it\'s')
        await new_case(client, summary="C:Usersx quoted its")

        assert await found(client, search_term="C:\\Users") == {path["id"]}
        assert await found(client, search_term='"quoted"') == {path["id"]}
        assert await found(client, search_term="it's") == {path["id"]}
        assert await found(client, search_term="\\") == {path["id"]}

    @pytest.mark.parametrize("term", ["🔥", "🔥🔥", "a🔥b", "🔥 on"])
    async def test_emoji_match(self, client: httpx.AsyncClient, term: str) -> None:
        fire = await new_case(client, summary="Server 🔥🔥 on a🔥b fire")
        await new_case(client, summary="Server on fire")

        assert await found(client, search_term=term) == {fire["id"]}

    @pytest.mark.parametrize("term", ["café", "CAFÉ", "Café"])
    async def test_non_ascii_letters_fold_case(
        self, client: httpx.AsyncClient, term: str
    ) -> None:
        cafe = await new_case(client, summary="Breach at the Café")
        await new_case(client, summary="Breach at the tea room")

        assert await found(client, search_term=term) == {cafe["id"]}

    @pytest.mark.postgres_only
    @pytest.mark.parametrize("term", ["cafe", "CAFE", "crème", "creme"])
    async def test_accents_are_ignored_on_postgresql(
        self, client: httpx.AsyncClient, term: str
    ) -> None:
        cafe = await new_case(client, summary="Café", description="Crème brûlée")
        await new_case(client, summary="Tea room")

        assert await found(client, search_term=term) == {cafe["id"]}

    @pytest.mark.parametrize("term", ["x", "xy", "XY"])
    async def test_terms_shorter_than_a_trigram_match(
        self, client: httpx.AsyncClient, term: str
    ) -> None:
        hit = await new_case(client, summary="Host xy-01", description="nothing")
        await new_case(client, summary="Host ab-01", description="nothing")

        assert await found(client, search_term=term) == {hit["id"]}

    async def test_short_id_text_matches_by_padded_number(
        self, client: httpx.AsyncClient
    ) -> None:
        cases = [
            await new_case(client, summary="plain", description="plain")
            for _ in range(12)
        ]
        ids = [case["id"] for case in cases]

        assert await found(client, search_term="CASE-0012") == {ids[11]}
        assert await found(client, search_term="se-001") == set(ids[9:12])
        assert await found(client, search_term="001") == {ids[0], *ids[9:12]}
        assert await found(client, search_term="0001") == {ids[0]}
        assert await found(client, search_term="-000") == set(ids[:9])
        # Every short id contains `CASE-`, so every case matches.
        assert await found(client, search_term="ase") == set(ids)
        assert await found(client, search_term="case-") == set(ids)

    async def test_limits_are_400(self, client: httpx.AsyncClient) -> None:
        await new_case(client)

        assert await refused(client, search_term="a" * 1001) == (
            400,
            "Search term cannot exceed 1000 characters",
        )
        assert await refused(client, search_term="a\x00b") == (
            400,
            "Search term cannot contain null bytes",
        )
        assert (await search(client, search_term="a" * 1000))["items"] == []

    async def test_search_follows_edits_and_deletes(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await new_case(client, summary="Original wording")

        patched = await client.patch(
            f"/cases/{case['id']}", json={"summary": "Rewritten text"}
        )
        assert patched.status_code == 204
        assert await found(client, search_term="original") == set()
        assert await found(client, search_term="rewritten") == {case["id"]}

        assert (await client.delete(f"/cases/{case['id']}")).status_code == 204
        assert await found(client, search_term="rewritten") == set()


class TestShortId:
    """`short_id` (facts 47, 48; README difference 6)."""

    async def test_every_spelling_finds_exactly_the_case(
        self, client: httpx.AsyncClient
    ) -> None:
        cases = [await new_case(client) for _ in range(10)]
        first = cases[0]["id"]

        for spelling in ("CASE-0001", "1", "case-1", " case-00001 ", "0001"):
            assert await found(client, short_id=spelling) == {first}
        assert await found(client, short_id="10") == {cases[9]["id"]}
        assert await found(client, short_id="11") == set()
        assert await found(client, short_id="9" * 30) == set()
        assert await found(client, short_id="9" * 5000) == set()
        assert await found(client, short_id="0" * 40 + "1") == {first}

    @pytest.mark.parametrize(
        "value", ["CASE-ABCD", "CASE-", "", "1.5", "CASE 1", "\u0664\u0662"]
    )
    async def test_malformed_is_400(
        self, client: httpx.AsyncClient, value: str
    ) -> None:
        assert await refused(client, short_id=value) == (
            400,
            "Short ID must match CASE-<number> or <number>",
        )

    async def test_is_scoped_to_the_workspace(
        self, app: FastAPI, admin: Principal
    ) -> None:
        other = await create_workspace(app, "Other", owner_id=admin.user_id)
        await new_case(admin.client)

        page = await search(
            admin.client, f"/workspaces/{other}/cases/search", short_id=1
        )

        assert (page["items"], page["total_estimate"]) == ([], 0)


class TestEnums:
    """`status`, `priority`, `severity`: repeatable, OR'ed, AND across."""

    async def test_values_or_and_filters_and(self, client: httpx.AsyncClient) -> None:
        a = await new_case(client, status="new", priority="low", severity="high")
        b = await new_case(client, status="closed", priority="high", severity="low")
        c = await new_case(client, status="other", priority="low", severity="low")

        assert await found(client, status=["new", "closed"]) == {a["id"], b["id"]}
        assert await found(client, status="other") == {c["id"]}
        assert await found(client, priority="low") == {a["id"], c["id"]}
        assert await found(client, severity="low", priority="low") == {c["id"]}
        assert await found(client, severity="fatal") == set()

    @pytest.mark.parametrize("name", ["status", "priority", "severity", "tags_match"])
    async def test_unknown_value_is_422(
        self, client: httpx.AsyncClient, name: str
    ) -> None:
        response = await client.get("/cases/search", params={name: "bogus"})

        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"][:2] == ["query", name]


class TestTags:
    """`tags` with `tags_match` (fact 50; README difference 7)."""

    async def _tag(self, client: httpx.AsyncClient, name: str) -> dict[str, Any]:
        response = await client.post("/case-tags", json={"name": name})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def _attach(self, client: httpx.AsyncClient, case: Any, tag: Any) -> None:
        response = await client.post(
            f"/cases/{case['id']}/tags", json={"tag_id": tag["id"]}
        )
        assert response.status_code == 201, response.text

    async def test_any_and_all(self, client: httpx.AsyncClient) -> None:
        red, blue = await self._tag(client, "Red Team"), await self._tag(client, "Blue")
        only_red, only_blue, both = [await new_case(client) for _ in range(3)]
        untagged = await new_case(client)
        await self._attach(client, only_red, red)
        await self._attach(client, only_blue, blue)
        await self._attach(client, both, red)
        await self._attach(client, both, blue)

        either = await found(client, tags=[red["id"], blue["ref"]])
        assert either == {only_red["id"], only_blue["id"], both["id"]}
        assert untagged["id"] not in either
        assert await found(client, tags=[red["ref"], blue["id"]], tags_match="any") == {
            only_red["id"],
            only_blue["id"],
            both["id"],
        }
        assert await found(client, tags=[red["id"], blue["id"]], tags_match="all") == {
            both["id"]
        }
        assert await found(client, tags=red["ref"], tags_match="all") == {
            only_red["id"],
            both["id"],
        }
        # A name is tried as the ref it slugifies to.
        assert await found(client, tags="Red Team") == {only_red["id"], both["id"]}

    async def test_unknown_tag_is_422(self, client: httpx.AsyncClient) -> None:
        red = await self._tag(client, "Red")
        await new_case(client)

        assert await refused(client, tags=[red["id"], "nope"]) == (
            422,
            "Unknown tag: nope",
        )
        missing = str(uuid.uuid4())
        assert await refused(client, tags=missing) == (422, f"Unknown tag: {missing}")

    async def test_tag_of_another_workspace_is_unknown(
        self, app: FastAPI, admin: Principal
    ) -> None:
        other = await create_workspace(app, "Other", owner_id=admin.user_id)
        response = await admin.client.post(
            f"/workspaces/{other}/case-tags", json={"name": "Elsewhere"}
        )
        assert response.status_code == 201
        tag = response.json()

        assert await refused(admin.client, tags=tag["id"]) == (
            422,
            f"Unknown tag: {tag['id']}",
        )


class TestDropdown:
    """`dropdown=definition_ref:option_ref` (fact 51)."""

    async def _dropdown(self, client: httpx.AsyncClient, ref: str) -> Any:
        response = await client.post(
            "/case-dropdowns",
            json={
                "name": ref.title(),
                "ref": ref,
                "options": [
                    {"label": "Benign", "ref": "benign"},
                    {"label": "Malicious", "ref": "malicious"},
                    {"label": "Unsure", "ref": "unsure"},
                ],
            },
        )
        assert response.status_code == 201, response.text
        return response.json()

    async def _case(self, client: httpx.AsyncClient, **choices: str) -> Any:
        values = [
            {"definition_ref": ref, "option_ref": option}
            for ref, option in choices.items()
        ]
        return await new_case(client, dropdown_values=values)

    async def test_or_within_and_across_definitions(
        self, client: httpx.AsyncClient
    ) -> None:
        await self._dropdown(client, "verdict")
        await self._dropdown(client, "source")
        benign_edr = await self._case(client, verdict="benign", source="malicious")
        malicious = await self._case(client, verdict="malicious", source="benign")
        unsure = await self._case(client, verdict="unsure")
        await new_case(client)

        assert await found(client, dropdown="verdict:benign") == {benign_edr["id"]}
        assert await found(
            client, dropdown=["verdict:benign", "verdict:malicious"]
        ) == {benign_edr["id"], malicious["id"]}
        assert await found(client, dropdown=["verdict:malicious", "source:benign"]) == {
            malicious["id"]
        }
        assert (
            await found(client, dropdown=["verdict:unsure", "source:benign"]) == set()
        )
        assert unsure["id"] in await found(client, dropdown="verdict:unsure")

    async def test_entry_without_colon_is_400(self, client: httpx.AsyncClient) -> None:
        assert await refused(client, dropdown="nocolon") == (
            400,
            "Invalid dropdown filter format: 'nocolon'. "
            "Expected 'definition_ref:option_ref'.",
        )

    @pytest.mark.parametrize("entry", ["verdict:nope", "nope:benign", "verdict:"])
    async def test_unknown_option_is_422(
        self, client: httpx.AsyncClient, entry: str
    ) -> None:
        await self._dropdown(client, "verdict")

        assert await refused(client, dropdown=entry) == (
            422,
            f"Unknown dropdown option: '{entry}'",
        )


class TestAssignee:
    """`assignee_id` with the unassigned sentinels (fact 52)."""

    async def test_users_and_unassigned(self, app: FastAPI, admin: Principal) -> None:
        client = admin.client
        analyst = await create_user(
            app,
            f"analyst-{uuid.uuid4().hex[:8]}@example.com",
            workspace_id=admin.workspace_id,
        )
        mine = await new_case(client, assignee_id=str(admin.user_id))
        theirs = await new_case(client, assignee_id=str(analyst))
        nobody = await new_case(client)

        assert await found(client, assignee_id="unassigned") == {nobody["id"]}
        assert await found(client, assignee_id="__UNASSIGNED__") == {nobody["id"]}
        assert await found(client, assignee_id=str(analyst)) == {theirs["id"]}
        assert await found(client, assignee_id=[str(admin.user_id), "unassigned"]) == {
            mine["id"],
            nobody["id"],
        }
        assert await found(client, assignee_id=str(uuid.uuid4())) == set()

    @pytest.mark.parametrize("value", ["foo", "UNASSIGNED", ""])
    async def test_other_values_are_400(
        self, client: httpx.AsyncClient, value: str
    ) -> None:
        assert await refused(client, assignee_id=value) == (
            400,
            f"Invalid assignee_id: {value}",
        )


class TestTimeRanges:
    """`start_time`/`end_time` and `updated_after`/`updated_before`: inclusive, UTC."""

    @staticmethod
    def _at(case: dict[str, Any], key: str) -> datetime:
        return datetime.fromisoformat(case[key])

    @pytest.mark.parametrize(
        ("low", "high"),
        [("start_time", "end_time"), ("updated_after", "updated_before")],
    )
    async def test_bounds_are_inclusive(
        self, client: httpx.AsyncClient, low: str, high: str
    ) -> None:
        key = "created_at" if low == "start_time" else "updated_at"
        first, middle, last = [await new_case(client) for _ in range(3)]
        stamp = self._at(middle, key)
        tick = timedelta(microseconds=1)

        assert await found(
            client, **{low: stamp.isoformat(), high: stamp.isoformat()}
        ) == {middle["id"]}
        assert await found(client, **{low: (stamp + tick).isoformat()}) == {last["id"]}
        assert await found(client, **{high: (stamp - tick).isoformat()}) == {
            first["id"]
        }
        assert (
            await found(
                client, **{low: stamp.isoformat(), high: (stamp - tick).isoformat()}
            )
            == set()
        )

    async def test_offsets_are_converted_and_naive_means_utc(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await new_case(client)
        stamp = self._at(case, "created_at").astimezone(UTC)
        plus_two = stamp.astimezone(timezone(timedelta(hours=2)))
        naive = stamp.replace(tzinfo=None)

        for given in (plus_two.isoformat(), naive.isoformat(), stamp.isoformat()):
            assert await found(client, start_time=given, end_time=given) == {case["id"]}
        # The same wall-clock time two hours east is two hours earlier.
        shifted = naive.replace(tzinfo=timezone(timedelta(hours=2))).isoformat()
        assert await found(client, start_time=shifted, end_time=shifted) == set()

    async def test_not_a_datetime_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/cases/search", params={"start_time": "soon"})

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "start_time"]


class TestFilterLists:
    @pytest.mark.parametrize(
        ("params", "name"),
        [
            ({"tags": "a\x00b"}, "tags"),
            ({"dropdown": "a\x00:b"}, "dropdown"),
            ({"assignee_id": "a\x00"}, "assignee_id"),
            ({"fields.a\x00b": "1"}, "fields"),
        ],
    )
    @pytest.mark.parametrize("path", ["/cases/search", "/cases/search/aggregate"])
    async def test_a_null_byte_is_400(
        self, client: httpx.AsyncClient, params: dict[str, str], name: str, path: str
    ) -> None:
        assert await refused(client, path, **params) == (
            400,
            f"The {name} filter cannot contain null bytes",
        )

    async def test_more_than_a_hundred_values_is_400(
        self, client: httpx.AsyncClient
    ) -> None:
        tags = [f"tag-{index}" for index in range(101)]

        assert await refused(client, tags=tags) == (
            400,
            "At most 100 values of tags are allowed",
        )
