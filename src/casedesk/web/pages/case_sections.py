"""The case page's comments, tasks, timeline and durations, read from the API.

The timeline is shown newest first, as the API returns it: what changed last
is what an analyst opening a case wants to see first.
"""

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError

from casedesk.cases.enums import CasePriority, CaseTaskStatus
from casedesk.web.context import Page

# Who acted when an event has neither a user nor a service account.
SYSTEM_ACTOR = "casedesk"
UNNAMED_SERVICE_ACCOUNT = "A service account"
UNKNOWN_USER = "an unknown user"
TASK_STATUSES = tuple(status.value for status in CaseTaskStatus)
TASK_PRIORITIES = tuple(priority.value for priority in CasePriority)
# How a changed custom field's value is shown in a sentence.
EMPTY_FIELD_VALUE = "empty"
FIELD_VALUE_LIMIT = 80

_ELAPSED = TypeAdapter(timedelta)
_UNITS = (("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1))


@dataclass(frozen=True)
class Mentioned:
    """Display names of what events name by id: people and custom fields."""

    people: Mapping[str, str]
    fields: Mapping[str, str]


# Turns an event (and the names of what it mentions) into a sentence.
Describer = Callable[[dict[str, Any], Mentioned], str]


@dataclass(frozen=True)
class TimelineEntry:
    """One event as a sentence: who (`actor`) did what (`action`), when."""

    kind: str
    actor: str
    action: str
    created_at: str


@dataclass(frozen=True)
class DurationRow:
    """A duration of the case as shown: its name and a readable value."""

    name: str
    description: str | None
    state: str
    value: str
    started_at: str | None
    ended_at: str | None


async def load_sections(
    page: Page, case_id: uuid.UUID, *, field_names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Template context for `case/_comments.html`, `_tasks.html`,
    `_timeline.html` and `_durations.html` (merged into the case page's).

    `field_names` are the custom fields' display names, for the timeline.
    """
    # One call after another: on SQLite the API has a single connection.
    base = page.api_path(f"/cases/{case_id}")
    threads = await page.api.get(f"{base}/comments/threads")
    tasks = await page.api.get(f"{base}/tasks")
    timeline = await page.api.get(f"{base}/events")
    durations = await page.api.get(f"{base}/durations")

    definitions: list[dict[str, Any]] = []
    if durations:
        definitions = await page.api.get(page.api_path("/case-durations"))
    assignees: list[dict[str, Any]] = []
    if page.can("case:create"):
        members = await page.api.get(page.api_path("/members"))
        assignees = [member for member in members if member.get("is_active")]
    account_names = await _service_account_names(page, timeline["events"])

    return {
        "comment_threads": threads,
        "comment_count": sum(1 + len(thread["replies"]) for thread in threads),
        "task_list": tasks,
        "task_statuses": TASK_STATUSES,
        "task_priorities": TASK_PRIORITIES,
        "task_assignees": assignees,
        "timeline_entries": timeline_entries(
            timeline, account_names, page.display_name, field_names=field_names
        ),
        "duration_rows": duration_rows(durations, definitions),
    }


async def _service_account_names(
    page: Page, events: list[dict[str, Any]]
) -> dict[str, str]:
    # Only workspace admins may list service accounts; others see them unnamed.
    if not page.can("workspace:manage"):
        return {}
    if not any(event.get("service_account_id") for event in events):
        return {}
    accounts = await page.api.get(page.api_path("/service-accounts"))
    return {account["id"]: account["name"] for account in accounts}


def timeline_entries(
    timeline: dict[str, Any],
    account_names: dict[str, str],
    display_name: Callable[[dict[str, Any]], str],
    *,
    field_names: Mapping[str, str] | None = None,
) -> list[TimelineEntry]:
    """The API's events as sentences, in the API's order (newest first).

    Custom fields are named by their display names in `field_names`; one
    missing there (deleted since) by its name.
    """
    people = {user["id"]: display_name(user) for user in timeline["users"]}
    mentioned = Mentioned(people=people, fields=field_names or {})

    entries = []
    for event in timeline["events"]:
        describe_event = _DESCRIBERS.get(event["type"], _describe_other)
        entries.append(
            TimelineEntry(
                kind=event["type"],
                actor=_actor_of(event, people, account_names),
                action=describe_event(event, mentioned),
                created_at=event["created_at"],
            )
        )
    return entries


def _actor_of(
    event: dict[str, Any], people: dict[str, str], account_names: dict[str, str]
) -> str:
    user_id = event.get("user_id")
    if user_id:
        return people.get(user_id) or UNKNOWN_USER
    account_id = event.get("service_account_id")
    if account_id:
        name = account_names.get(account_id)
        return f"Service account {name}" if name else UNNAMED_SERVICE_ACCOUNT
    return SYSTEM_ACTOR


def duration_rows(
    durations: list[dict[str, Any]], definitions: list[dict[str, Any]]
) -> list[DurationRow]:
    """The case's durations with their definitions' names, oldest first."""
    named = {definition["id"]: definition for definition in definitions}

    rows = []
    for duration in durations:
        definition = named.get(duration["definition_id"], {})
        state, value = _duration_value(duration)
        rows.append(
            DurationRow(
                name=definition.get("name") or "Unnamed duration",
                description=definition.get("description"),
                state=state,
                value=value,
                started_at=duration.get("started_at"),
                ended_at=duration.get("ended_at"),
            )
        )
    return rows


def _duration_value(duration: dict[str, Any]) -> tuple[str, str]:
    elapsed = duration.get("duration")
    if elapsed:
        try:
            return "measured", human_duration(_ELAPSED.validate_python(elapsed))
        except ValidationError:
            return "measured", str(elapsed)
    if duration.get("started_at"):
        return "running", "Running"
    return "not_started", "Not started"


def human_duration(elapsed: timedelta) -> str:
    """A length of time in its two largest units: `2 h 5 min`, `3 d 4 h`."""
    seconds = int(elapsed.total_seconds())
    if seconds <= 0:
        return "under 1 s" if elapsed > timedelta(0) else "0 s"

    parts: list[str] = []
    for unit, size in _UNITS:
        amount, seconds = divmod(seconds, size)
        if amount and len(parts) < 2:
            parts.append(f"{amount} {unit}")
        elif parts:
            # Units after the largest one stop at the next: `3 d`, not `3 d 7 s`.
            break
    return " ".join(parts)


def _readable(value: Any) -> str:
    """An enum value as words: `in_progress` → `In progress`."""
    if value is None or value == "":
        return "none"
    text = str(value).replace("_", " ")
    return text[0].upper() + text[1:]


def _quoted(value: Any) -> str:
    return f"“{value}”"


def _person(people: Mapping[str, str], user_id: Any) -> str:
    if not user_id:
        return "nobody"
    return people.get(str(user_id)) or UNKNOWN_USER


def _change(what: str, event: dict[str, Any]) -> str:
    old, new = _readable(event.get("old")), _readable(event.get("new"))
    return f"changed {what} from {old} to {new}"


def _describe_change(what: str) -> Describer:
    def describe(event: dict[str, Any], names: Mentioned) -> str:
        return _change(what, event)

    return describe


def _describe_case_updated(event: dict[str, Any], names: Mentioned) -> str:
    field = event.get("field") or "summary"
    old, new = _quoted(event.get("old", "")), _quoted(event.get("new", ""))
    return f"changed the {field} from {old} to {new}"


def field_value_text(value: Any) -> str:
    """A custom field's value inside a sentence: one line, about 80 characters.

    A list of options reads as comma-separated items, other JSON as JSON, and
    no value (null, "", an empty list) as "empty".
    """
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY_FIELD_VALUE
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        text = ", ".join(value)
    elif isinstance(value, str):
        text = value
    else:
        # true/false, numbers, objects and other lists as JSON writes them.
        text = json.dumps(value, ensure_ascii=False)

    text = " ".join(text.split())
    if len(text) > FIELD_VALUE_LIMIT:
        return text[: FIELD_VALUE_LIMIT - 1].rstrip() + "…"
    return text


def _describe_fields_changed(event: dict[str, Any], names: Mentioned) -> str:
    changes = []
    for change in event.get("changes") or []:
        field = str(change.get("field"))
        old = field_value_text(change.get("old"))
        new = field_value_text(change.get("new"))
        changes.append(f"{names.fields.get(field, field)} from {old} to {new}")
    if not changes:
        return "changed custom fields"
    return f"changed {'; '.join(changes)}"


def _describe_assignee_changed(event: dict[str, Any], names: Mentioned) -> str:
    old, new = event.get("old"), event.get("new")
    old_name, new_name = _person(names.people, old), _person(names.people, new)
    if not new:
        return f"unassigned {old_name} from the case"
    if not old:
        return f"assigned the case to {new_name}"
    return f"reassigned the case from {old_name} to {new_name}"


def _describe_tag(verb: str) -> Describer:
    def describe(event: dict[str, Any], names: Mentioned) -> str:
        name = event.get("tag_name") or event.get("tag_ref") or "a tag"
        return f"{verb} tag {name}"

    return describe


def _describe_attachment(verb: str) -> Describer:
    def describe(event: dict[str, Any], names: Mentioned) -> str:
        return f"{verb} {_quoted(event.get('file_name', 'a file'))}"

    return describe


def _task_named(event: dict[str, Any]) -> str:
    title = event.get("title")
    return f"task {_quoted(title)}" if title else "a task"


def _describe_task(what: str) -> Describer:
    def describe(event: dict[str, Any], names: Mentioned) -> str:
        return f"{what} {_task_named(event)}"

    return describe


def _describe_task_change(what: str) -> Describer:
    def describe(event: dict[str, Any], names: Mentioned) -> str:
        return _change(f"the {what} of {_task_named(event)}", event)

    return describe


def _describe_task_assignee(event: dict[str, Any], names: Mentioned) -> str:
    task = _task_named(event)
    new = event.get("new")
    if not new:
        return f"unassigned {task}"
    return f"assigned {task} to {_person(names.people, new)}"


def _describe_task_workflow(event: dict[str, Any], names: Mentioned) -> str:
    task = _task_named(event)
    if not event.get("new"):
        return f"detached the workflow from {task}"
    return f"set the workflow of {task} to {event['new']}"


def _describe_dropdown(event: dict[str, Any], names: Mentioned) -> str:
    name = event.get("definition_name") or event.get("definition_ref") or "a dropdown"
    new = event.get("new_option_label")
    if not new:
        return f"cleared {name}"
    return f"set {name} to {new}"


def _describe_table_row(verb: str) -> Describer:
    def describe(event: dict[str, Any], names: Mentioned) -> str:
        table = event.get("table_name")
        return f"{verb} a row of table {table}" if table else f"{verb} a table row"

    return describe


def _describe_comment(
    deleted: str,
) -> Describer:
    def describe(event: dict[str, Any], names: Mentioned) -> str:
        if event.get("delete_mode") == "soft":
            return f"{deleted}; its replies remain"
        return deleted

    return describe


def _fixed(sentence: str) -> Describer:
    def describe(event: dict[str, Any], names: Mentioned) -> str:
        return sentence

    return describe


def _describe_other(event: dict[str, Any], names: Mentioned) -> str:
    return f"recorded {_readable(event.get('type')).lower()}"


_DESCRIBERS: dict[str, Describer] = {
    "case_created": _fixed("created the case"),
    "case_updated": _describe_case_updated,
    "case_closed": _describe_change("status"),
    "case_reopened": _describe_change("status"),
    "case_viewed": _fixed("viewed the case"),
    "status_changed": _describe_change("status"),
    "priority_changed": _describe_change("priority"),
    "severity_changed": _describe_change("severity"),
    "fields_changed": _describe_fields_changed,
    "assignee_changed": _describe_assignee_changed,
    "payload_changed": _fixed("changed the payload"),
    "attachment_created": _describe_attachment("attached"),
    "attachment_deleted": _describe_attachment("removed attachment"),
    "tag_added": _describe_tag("added"),
    "tag_removed": _describe_tag("removed"),
    "task_created": _describe_task("added"),
    "task_deleted": _describe_task("deleted"),
    "task_status_changed": _describe_task_change("status"),
    "task_priority_changed": _describe_task_change("priority"),
    "task_assignee_changed": _describe_task_assignee,
    "task_workflow_changed": _describe_task_workflow,
    "dropdown_value_changed": _describe_dropdown,
    "table_row_linked": _describe_table_row("linked"),
    "table_row_unlinked": _describe_table_row("unlinked"),
    "comment_created": _fixed("commented"),
    "comment_updated": _fixed("edited a comment"),
    "comment_deleted": _describe_comment("deleted a comment"),
    "comment_reply_created": _fixed("replied to a comment"),
    "comment_reply_updated": _fixed("edited a reply"),
    "comment_reply_deleted": _describe_comment("deleted a reply"),
}
