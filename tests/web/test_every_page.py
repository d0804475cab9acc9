"""Sweeps over every page: typed text never runs, viewers never get controls.

Each page's own tests check its details; these load every page with hostile
text stored everywhere a person can type, and as each role.
"""

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from tests.factories import Principal, case_body

SCRIPT = "<script>alert('xss')</script>"
IMAGE = "<img src=x onerror=alert('xss')>"
ATTRIBUTE = '"onmouseover="alert(1)'
LINK = "[click me](javascript:alert('xss'))"
HOSTILE = f"{SCRIPT} {IMAGE} {ATTRIBUTE}"
SETTINGS_SECTIONS = ("members", "fields", "tags", "dropdowns", "durations", "keys")
POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]*)"', re.IGNORECASE)


async def _store_hostile_text(admin: Principal) -> str:
    """Put hostile text in every place a person can type; the case's id."""
    client = admin.client
    await client.patch("/users/me", json={"first_name": HOSTILE})
    tag = await client.post("/case-tags", json={"name": SCRIPT[:50]})
    assert tag.status_code == 201, tag.text
    field = await client.post(
        "/case-fields",
        json={"name": "notes", "type": "TEXT", "display_name": HOSTILE[:100]},
    )
    assert field.status_code == 201, field.text
    choice = await client.post(
        "/case-fields",
        json={"name": "verdict", "type": "SELECT", "options": [SCRIPT, IMAGE]},
    )
    assert choice.status_code == 201, choice.text
    dropdown = await client.post(
        "/case-dropdowns",
        json={
            "name": HOSTILE[:100],
            "ref": "hostile",
            "options": [{"label": IMAGE, "ref": "image"}],
        },
    )
    assert dropdown.status_code == 201, dropdown.text
    duration = await client.post(
        "/case-durations",
        json={
            "name": SCRIPT,
            "description": ATTRIBUTE,
            "start_anchor": {"event_type": "case_created"},
            "end_anchor": {"event_type": "case_closed"},
        },
    )
    assert duration.status_code == 201, duration.text
    account = await client.post(
        "/service-accounts", json={"name": SCRIPT, "scopes": ["case:read"]}
    )
    assert account.status_code == 201, account.text

    created = await client.post(
        "/cases",
        json=case_body(
            summary=HOSTILE,
            description=f"{HOSTILE}\n\n{LINK}",
            payload={"alert": SCRIPT, ATTRIBUTE: IMAGE},
            fields={"notes": HOSTILE, "verdict": SCRIPT},
            tags=[tag.json()["id"]],
            assignee_id=str(admin.user_id),
        ),
    )
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    comment = await client.post(
        f"/cases/{case_id}/comments", json={"content": f"{HOSTILE}\n\n{LINK}"}
    )
    assert comment.status_code == 201, comment.text
    task = await client.post(
        f"/cases/{case_id}/tasks", json={"title": HOSTILE, "description": IMAGE}
    )
    assert task.status_code == 201, task.text
    return case_id


def _page_paths(workspace_id: object, case_id: str) -> list[str]:
    base = f"/ui/w/{workspace_id}"
    return [
        f"{base}/cases",
        f"{base}/cases?search_term={SCRIPT}",
        f"{base}/cases/{case_id}",
        f"{base}/cases/new",
        *(f"{base}/settings/{section}" for section in SETTINGS_SECTIONS),
    ]


class _HandlerFinder(HTMLParser):
    """Collects `on…` attributes of every element, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]


def _event_handler_attributes(html: str) -> list[str]:
    finder = _HandlerFinder()
    finder.feed(html)
    return finder.found


def _assert_inert(path: str, html: str) -> None:
    # The attribute payload is harmless as text (a `"` in a paragraph); it
    # matters only if it escaped an attribute, which the handler check sees.
    for raw in (SCRIPT, IMAGE, "<img src=x"):
        assert raw not in html, f"{path} shows {raw!r} unescaped"
    handlers = _event_handler_attributes(html)
    assert handlers == [], f"{path} has event handlers: {handlers}"
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", html, re.IGNORECASE), (
        f"{path} links to javascript:"
    )
    scripts = re.findall(r"<script\b[^>]*>", html, re.IGNORECASE)
    assert scripts == ['<script src="/ui/static/app.js" defer>'], (
        f"{path} has scripts {scripts}"
    )


async def test_hostile_text_is_inert_on_every_page(admin: Principal) -> None:
    case_id = await _store_hostile_text(admin)

    for path in _page_paths(admin.workspace_id, case_id):
        response = await admin.client.get(path)

        assert response.status_code == 200, (path, response.status_code)
        _assert_inert(path, response.text)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy

    case_page = await admin.client.get(f"/ui/w/{admin.workspace_id}/cases/{case_id}")
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in case_page.text
    assert "click me" in case_page.text


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "viewer",
            {"cases": 200, "case": 200, "new": 403, "settings": 403},
        ),
        (
            "editor",
            {"cases": 200, "case": 200, "new": 200, "settings": 403},
        ),
    ],
)
async def test_each_role_gets_only_its_controls(
    admin: Principal,
    viewer: Principal,
    editor: Principal,
    role: str,
    expected: dict[str, int],
) -> None:
    member: Principal = {"viewer": viewer, "editor": editor}[role]
    case_id = await _store_hostile_text(admin)
    base = f"/ui/w/{admin.workspace_id}"

    statuses: dict[str, Any] = {}
    actions: dict[str, list[str]] = {}
    for key, path in [
        ("cases", f"{base}/cases"),
        ("case", f"{base}/cases/{case_id}"),
        ("new", f"{base}/cases/new"),
        *(("settings", f"{base}/settings/{name}") for name in SETTINGS_SECTIONS),
    ]:
        response = await member.client.get(path)
        statuses.setdefault(key, set()).add(response.status_code)
        actions[path] = POST_FORM.findall(response.text)
        if response.status_code == 200:
            _assert_inert(path, response.text)

    assert statuses == {key: {status} for key, status in expected.items()}
    if role == "viewer":
        for path, forms in actions.items():
            assert forms in ([], ["/ui/logout"]), f"{path} offers {forms}"
    else:
        case_forms = actions[f"{base}/cases/{case_id}"]
        assert f"{base}/cases/{case_id}/properties" in case_forms
        assert f"{base}/cases/{case_id}/comments" in case_forms
        assert f"{base}/cases/{case_id}/delete" not in case_forms


async def test_a_viewer_posting_by_hand_changes_nothing(
    admin: Principal, viewer: Principal
) -> None:
    case_id = await _store_hostile_text(admin)
    before = (await admin.client.get(f"/cases/{case_id}")).json()
    base = f"/ui/w/{admin.workspace_id}"
    case = f"{base}/cases/{case_id}"
    own_page = await viewer.client.get(case)
    token = re.search(r'name="csrf_token" value="([^"]+)"', own_page.text)
    assert token is not None
    attempts = [
        (f"{case}/properties", {"status": "closed", "priority": "low"}),
        (f"{case}/text", {"summary": "Taken over", "description": ""}),
        (f"{case}/fields/notes", {"value": "changed"}),
        (f"{case}/comments", {"comment": "a viewer's comment"}),
        (f"{case}/tasks", {"task-title": "a viewer's task"}),
        (f"{case}/delete", {}),
        (
            f"{base}/cases/bulk",
            {"case_id": case_id, "set_status": "closed", "action": "update"},
        ),
        (f"{base}/cases/new", {"summary": "x", "status": "new"}),
        (f"{base}/settings/tags", {"name": "viewer-tag"}),
    ]

    for path, data in attempts:
        response = await viewer.client.post(
            path, data={"csrf_token": token.group(1), **data}
        )

        assert response.status_code == 403, (path, response.status_code)
        assert response.headers["content-type"].startswith("text/html")

    after = (await admin.client.get(f"/cases/{case_id}")).json()
    comments = (await admin.client.get(f"/cases/{case_id}/comments")).json()
    tasks = (await admin.client.get(f"/cases/{case_id}/tasks")).json()
    tags = (await admin.client.get("/case-tags")).json()
    assert {key: after[key] for key in ("summary", "status", "priority")} == {
        key: before[key] for key in ("summary", "status", "priority")
    }
    assert after["fields"] == before["fields"]
    assert len(comments) == 1
    assert len(tasks) == 1
    assert [tag["name"] for tag in tags] == [SCRIPT[:50]]
