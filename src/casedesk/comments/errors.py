"""Comment failures, with the reference's messages."""

import uuid

from casedesk.errors import BadRequest, Forbidden, NotFound


class CommentNotFound(NotFound):
    """No comment with this id on the case."""

    def __init__(self, comment_id: uuid.UUID) -> None:
        super().__init__(f"Comment with ID {comment_id} not found")


class ParentCommentNotFound(BadRequest):
    """A reply names a parent comment that does not exist."""

    def __init__(self) -> None:
        super().__init__("Parent comment not found")


class ParentInOtherCase(BadRequest):
    """A reply names a parent comment of another case."""

    def __init__(self) -> None:
        super().__init__("Parent comment must belong to the same case")


class ReplyToReply(BadRequest):
    """A reply names a reply as its parent; threads are one level deep."""

    def __init__(self) -> None:
        super().__init__("Replies cannot have replies")


class ReplyToDeleted(BadRequest):
    """A reply names a tombstoned comment as its parent."""

    def __init__(self) -> None:
        super().__init__("Cannot reply to a deleted comment")


class WorkflowNotFound(BadRequest):
    """A comment names a workflow the workspace does not have."""

    def __init__(self) -> None:
        super().__init__("Workflow not found")


class NotCommentAuthorForUpdate(Forbidden):
    """Only the author of a comment may edit it."""

    def __init__(self) -> None:
        super().__init__("You cannot update this comment")


class NotCommentAuthorForDelete(Forbidden):
    """Only the author of a comment may delete it."""

    def __init__(self) -> None:
        super().__init__("You can only delete your own comments")


class DeletedCommentUpdate(BadRequest):
    """A tombstoned comment cannot be edited."""

    def __init__(self) -> None:
        super().__init__("Deleted comments cannot be updated")


class ParentChangeNotSupported(BadRequest):
    """An edit tried to move a comment to another thread."""

    def __init__(self) -> None:
        super().__init__("Changing a comment parent is not supported")


class CommentContentRequired(BadRequest):
    """An edit set the content to null."""

    def __init__(self) -> None:
        super().__init__("Comment content is required")
