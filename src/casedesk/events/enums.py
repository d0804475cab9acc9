"""Kinds of timeline events."""

from enum import StrEnum


class CaseEventType(StrEnum):
    """Every kind of event a case timeline can hold."""

    CASE_CREATED = "case_created"
    CASE_UPDATED = "case_updated"
    CASE_CLOSED = "case_closed"
    CASE_REOPENED = "case_reopened"
    CASE_VIEWED = "case_viewed"
    PRIORITY_CHANGED = "priority_changed"
    SEVERITY_CHANGED = "severity_changed"
    STATUS_CHANGED = "status_changed"
    FIELDS_CHANGED = "fields_changed"
    ASSIGNEE_CHANGED = "assignee_changed"
    ATTACHMENT_CREATED = "attachment_created"
    ATTACHMENT_DELETED = "attachment_deleted"
    TAG_ADDED = "tag_added"
    TAG_REMOVED = "tag_removed"
    PAYLOAD_CHANGED = "payload_changed"
    TASK_CREATED = "task_created"
    TASK_DELETED = "task_deleted"
    TASK_STATUS_CHANGED = "task_status_changed"
    TASK_PRIORITY_CHANGED = "task_priority_changed"
    TASK_WORKFLOW_CHANGED = "task_workflow_changed"
    TASK_ASSIGNEE_CHANGED = "task_assignee_changed"
    DROPDOWN_VALUE_CHANGED = "dropdown_value_changed"
    TABLE_ROW_LINKED = "table_row_linked"
    TABLE_ROW_UNLINKED = "table_row_unlinked"
    COMMENT_CREATED = "comment_created"
    COMMENT_UPDATED = "comment_updated"
    COMMENT_DELETED = "comment_deleted"
    COMMENT_REPLY_CREATED = "comment_reply_created"
    COMMENT_REPLY_UPDATED = "comment_reply_updated"
    COMMENT_REPLY_DELETED = "comment_reply_deleted"


# Event data keys that hold user ids, listed in the timeline's `users`.
USER_REFERENCE_KEYS: dict[CaseEventType, tuple[str, ...]] = {
    CaseEventType.ASSIGNEE_CHANGED: ("old", "new"),
    CaseEventType.TASK_ASSIGNEE_CHANGED: ("old", "new"),
}
