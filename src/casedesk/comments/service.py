"""Comment rules: one level of replies, author-only edits, tombstones."""

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.auth.principal import Actor
from casedesk.auth.schemas import UserRead
from casedesk.cases.errors import CaseNotFound
from casedesk.cases.lookup import case_in_workspace
from casedesk.comments.errors import (
    CommentContentRequired,
    CommentNotFound,
    DeletedCommentUpdate,
    NotCommentAuthorForDelete,
    NotCommentAuthorForUpdate,
    ParentChangeNotSupported,
    ParentCommentNotFound,
    ParentInOtherCase,
    ReplyToDeleted,
    ReplyToReply,
    WorkflowNotFound,
)
from casedesk.comments.schemas import (
    DELETED_CONTENT,
    CaseCommentCreate,
    CaseCommentRead,
    CaseCommentThreadRead,
    CaseCommentUpdate,
)
from casedesk.events.enums import CaseEventType
from casedesk.events.service import CaseEventService
from casedesk.models import CaseComment, User
from casedesk.models.base import utcnow

DeleteMode = Literal["soft", "hard"]


class CommentService:
    """Writes and reads the comments of the cases of one workspace."""

    def __init__(
        self, session: AsyncSession, *, workspace_id: uuid.UUID, actor: Actor
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor = actor
        self.events = CaseEventService(session)

    async def list_flat(self, case_id: uuid.UUID) -> list[CaseCommentRead]:
        """Every comment and reply of a case, oldest first."""
        await self._check_case(case_id)
        comments = await self._comments_of(case_id)
        return await self.render(comments)

    async def list_threads(self, case_id: uuid.UUID) -> list[CaseCommentThreadRead]:
        """The case's top-level comments, oldest first, each with its replies."""
        await self._check_case(case_id)
        comments = await self._comments_of(case_id)
        rendered = dict(
            zip(
                (comment.id for comment in comments),
                await self.render(comments),
                strict=True,
            )
        )

        roots = [comment for comment in comments if comment.parent_id is None]
        replies: dict[uuid.UUID, list[CaseCommentRead]] = {
            root.id: [] for root in roots
        }
        orphans: list[CaseCommentRead] = []
        for comment in comments:
            if comment.parent_id is None:
                continue
            if comment.parent_id in replies:
                replies[comment.parent_id].append(rendered[comment.id])
            else:
                orphans.append(rendered[comment.id])

        threads = [_thread(rendered[root.id], replies[root.id]) for root in roots]
        # The reference groups replies whose parent is gone under the first
        # of them. The foreign key's cascade means this cannot happen here.
        if orphans:
            threads.append(_thread(orphans[0], orphans[1:]))
        return threads

    async def create(
        self, case_id: uuid.UUID, params: CaseCommentCreate
    ) -> CaseComment:
        """Add a comment or a reply to a case and record its event."""
        await self._check_case(case_id)
        if params.parent_id is not None:
            await self._check_parent(case_id, params.parent_id)
        if params.workflow_id is not None:
            # casedesk runs no workflows, so no workspace has this one.
            raise WorkflowNotFound()

        now = utcnow()
        comment = CaseComment(
            id=uuid.uuid4(),
            case_id=case_id,
            workspace_id=self.workspace_id,
            parent_id=params.parent_id,
            user_id=self.actor.user_id,
            service_account_id=self.actor.service_account_id,
            content=params.content,
            created_at=now,
            updated_at=now,
        )
        self.session.add(comment)
        self._record(
            comment,
            CaseEventType.COMMENT_CREATED,
            CaseEventType.COMMENT_REPLY_CREATED,
        )
        await self.session.flush()
        return comment

    async def update(
        self, case_id: uuid.UUID, comment_id: uuid.UUID, params: CaseCommentUpdate
    ) -> None:
        """Edit the caller's own comment; without `content` nothing changes."""
        await self._check_case(case_id)
        comment = await self._get(case_id, comment_id)
        if not self._is_author(comment):
            raise NotCommentAuthorForUpdate()
        if comment.deleted_at is not None:
            raise DeletedCommentUpdate()
        if "parent_id" in params.model_fields_set:
            raise ParentChangeNotSupported()
        if "content" not in params.model_fields_set:
            return
        if params.content is None:
            raise CommentContentRequired()

        now = utcnow()
        comment.content = params.content
        comment.last_edited_at = now
        comment.updated_at = now
        self._record(
            comment,
            CaseEventType.COMMENT_UPDATED,
            CaseEventType.COMMENT_REPLY_UPDATED,
        )
        await self.session.flush()

    async def delete(self, case_id: uuid.UUID, comment_id: uuid.UUID) -> None:
        """Delete the caller's own comment: a tombstone while it has replies."""
        await self._check_case(case_id)
        comment = await self._get(case_id, comment_id)
        if not self._is_author(comment):
            raise NotCommentAuthorForDelete()
        if comment.deleted_at is not None:
            return

        mode: DeleteMode = "hard"
        if comment.parent_id is None and await self._has_replies(comment.id):
            mode = "soft"

        self._record(
            comment,
            CaseEventType.COMMENT_DELETED,
            CaseEventType.COMMENT_REPLY_DELETED,
            delete_mode=mode,
        )
        if mode == "hard":
            # XXX(product): deleting the last reply of a tombstone leaves the
            # tombstone behind, a thread of one deleted comment.
            await self.session.delete(comment)
        else:
            # Nothing shows a tombstone's text again, so it is not kept.
            now = utcnow()
            comment.content = ""
            comment.deleted_at = now
            comment.updated_at = now
        await self.session.flush()

    async def render(self, comments: list[CaseComment]) -> list[CaseCommentRead]:
        """The API view of comments, their authors loaded in one query."""
        authors = await self._authors(
            comment.user_id for comment in comments if comment.user_id is not None
        )
        return [_read(comment, authors) for comment in comments]

    async def _check_case(self, case_id: uuid.UUID) -> None:
        if not await case_in_workspace(self.session, self.workspace_id, case_id):
            raise CaseNotFound(case_id)

    async def _get(self, case_id: uuid.UUID, comment_id: uuid.UUID) -> CaseComment:
        # The row lock makes a delete wait for replies being added, and an
        # edit wait for a delete, so neither acts on a stale comment.
        comment = await self.session.scalar(
            select(CaseComment)
            .where(
                CaseComment.id == comment_id,
                CaseComment.case_id == case_id,
                CaseComment.workspace_id == self.workspace_id,
            )
            .with_for_update()
        )
        if comment is None:
            raise CommentNotFound(comment_id)
        return comment

    async def _check_parent(self, case_id: uuid.UUID, parent_id: uuid.UUID) -> None:
        # A share lock keeps the parent from being deleted under the reply;
        # after a concurrent delete the parent is simply not found.
        parent = await self.session.scalar(
            select(CaseComment)
            .where(
                CaseComment.id == parent_id,
                CaseComment.workspace_id == self.workspace_id,
            )
            .with_for_update(read=True)
        )
        if parent is None:
            raise ParentCommentNotFound()
        if parent.case_id != case_id:
            raise ParentInOtherCase()
        if parent.parent_id is not None:
            raise ReplyToReply()
        if parent.deleted_at is not None:
            raise ReplyToDeleted()

    async def _comments_of(self, case_id: uuid.UUID) -> list[CaseComment]:
        found = await self.session.scalars(
            select(CaseComment)
            .where(
                CaseComment.case_id == case_id,
                CaseComment.workspace_id == self.workspace_id,
            )
            .order_by(CaseComment.created_at, CaseComment.id)
        )
        return list(found)

    async def _has_replies(self, comment_id: uuid.UUID) -> bool:
        count = await self.session.scalar(
            select(func.count())
            .select_from(CaseComment)
            .where(CaseComment.parent_id == comment_id)
        )
        return bool(count)

    async def _authors(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, User]:
        wanted = set(user_ids)
        if not wanted:
            return {}
        users = await self.session.scalars(select(User).where(User.id.in_(wanted)))
        return {user.id: user for user in users}

    def _is_author(self, comment: CaseComment) -> bool:
        # Keys and service accounts never author-match, even their own comments.
        return self.actor.user_id is not None and comment.user_id == self.actor.user_id

    def _record(
        self,
        comment: CaseComment,
        top_level_type: CaseEventType,
        reply_type: CaseEventType,
        **extra: str,
    ) -> None:
        parent_id = comment.parent_id
        self.events.record(
            case_id=comment.case_id,
            workspace_id=self.workspace_id,
            actor=self.actor,
            event_type=top_level_type if parent_id is None else reply_type,
            comment_id=str(comment.id),
            parent_id=None if parent_id is None else str(parent_id),
            thread_root_id=str(parent_id or comment.id),
            **extra,
        )


def _read(comment: CaseComment, authors: dict[uuid.UUID, User]) -> CaseCommentRead:
    author = None
    if comment.user_id is not None:
        user = authors.get(comment.user_id)
        author = UserRead.of(user) if user else UserRead.removed(comment.user_id)

    is_deleted = comment.deleted_at is not None
    return CaseCommentRead(
        id=comment.id,
        created_at=comment.created_at,
        updated_at=comment.updated_at,
        content=DELETED_CONTENT if is_deleted else comment.content,
        parent_id=comment.parent_id,
        user=author,
        last_edited_at=comment.last_edited_at,
        deleted_at=comment.deleted_at,
        is_deleted=is_deleted,
    )


def _thread(
    comment: CaseCommentRead, replies: list[CaseCommentRead]
) -> CaseCommentThreadRead:
    activity: list[datetime] = [comment.updated_at]
    activity.extend(reply.updated_at for reply in replies)
    return CaseCommentThreadRead(
        comment=comment,
        replies=replies,
        reply_count=len(replies),
        last_activity_at=max(activity),
    )
