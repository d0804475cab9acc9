"""Tag rules: unique slugs per workspace, and tags attached to cases."""

import uuid
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.auth.principal import Actor
from casedesk.cases.lookup import case_in_workspace
from casedesk.cases.schemas import CaseTagRead
from casedesk.events.enums import CaseEventType
from casedesk.events.service import CaseEventService
from casedesk.models import CaseTag, CaseTagLink
from casedesk.models.base import utcnow
from casedesk.tags.errors import (
    CaseNotInWorkspace,
    DuplicateTagSlug,
    TagNotFound,
    TagNotOnCase,
    UnknownTag,
)
from casedesk.tags.schemas import CaseTagCreate, CaseTagUpdate, slugify


class TagService:
    """Defines the tags of one workspace and attaches them to its cases."""

    def __init__(
        self, session: AsyncSession, *, workspace_id: uuid.UUID, actor: Actor
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor = actor
        self.events = CaseEventService(session)

    async def list_all(self) -> list[CaseTag]:
        """Every tag of the workspace, by ref."""
        found = await self.session.scalars(
            select(CaseTag)
            .where(CaseTag.workspace_id == self.workspace_id)
            .order_by(CaseTag.ref, CaseTag.id)
        )
        return list(found)

    async def resolve(self, identifiers: Iterable[str]) -> list[uuid.UUID]:
        """The ids of tags named by id, ref or name; an unknown one is refused."""
        tag_ids = []
        for identifier in identifiers:
            tag = await self._find(identifier, by_name=True)
            if tag is None:
                raise UnknownTag(identifier)
            tag_ids.append(tag.id)
        return list(dict.fromkeys(tag_ids))

    async def get(self, tag_id: uuid.UUID) -> CaseTag:
        """A tag of this workspace by id, or TagNotFound."""
        tag = await self.session.scalar(
            select(CaseTag).where(
                CaseTag.id == tag_id, CaseTag.workspace_id == self.workspace_id
            )
        )
        if tag is None:
            raise TagNotFound()
        return tag

    async def create(self, params: CaseTagCreate) -> CaseTag:
        """Define a tag whose ref is the slug of its name."""
        ref = slugify(params.name)
        await self._check_free(ref)

        tag = CaseTag(
            id=uuid.uuid4(),
            workspace_id=self.workspace_id,
            name=params.name,
            ref=ref,
            color=params.color,
            created_at=utcnow(),
        )
        await self._save(tag)
        return tag

    async def update(self, tag: CaseTag, params: CaseTagUpdate) -> CaseTag:
        """Rename or recolour a tag; a new name regenerates its ref."""
        ref = tag.ref
        if params.name is not None:
            ref = slugify(params.name)
            if ref != tag.ref:
                await self._check_free(ref)

        # The unique constraint settles a race between two equal slugs.
        try:
            async with self.session.begin_nested():
                if params.name is not None:
                    tag.name = params.name
                    tag.ref = ref
                if "color" in params.model_fields_set:
                    tag.color = params.color
        except IntegrityError as error:
            raise DuplicateTagSlug(ref) from error
        return tag

    async def delete(self, tag_id: uuid.UUID) -> None:
        """Delete a tag; it is detached from every case."""
        result = await self.session.execute(
            delete(CaseTag).where(
                CaseTag.id == tag_id, CaseTag.workspace_id == self.workspace_id
            )
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise TagNotFound()

    async def tags_of_case(self, case_id: uuid.UUID) -> list[CaseTag]:
        """The tags on a case of this workspace; none for an unknown case."""
        found = await self.session.scalars(
            select(CaseTag)
            .join(CaseTagLink, CaseTagLink.tag_id == CaseTag.id)
            .where(
                CaseTagLink.case_id == case_id,
                CaseTag.workspace_id == self.workspace_id,
            )
            .order_by(CaseTag.ref, CaseTag.id)
        )
        return list(found)

    async def attach(self, case_id: uuid.UUID, identifier: str) -> CaseTag:
        """Attach a tag named by id, ref or name; attaching twice does nothing."""
        await self._check_case(case_id)
        tag = await self._find(identifier, by_name=True)
        if tag is None:
            raise TagNotFound()

        if await self._link(case_id, tag.id) is not None:
            return tag

        try:
            async with self.session.begin_nested():
                self.session.add(
                    CaseTagLink(case_id=case_id, tag_id=tag.id, created_at=utcnow())
                )
        except IntegrityError:
            # A concurrent request attached it first.
            return tag

        self._record(case_id, CaseEventType.TAG_ADDED, tag)
        await self.session.flush()
        return tag

    async def detach(self, case_id: uuid.UUID, identifier: str) -> None:
        """Detach a tag named by id or ref from a case."""
        await self._check_case(case_id)
        tag = await self._find(identifier, by_name=False)
        link = None if tag is None else await self._link(case_id, tag.id)
        if tag is None or link is None:
            raise TagNotOnCase()

        await self.session.delete(link)
        self._record(case_id, CaseEventType.TAG_REMOVED, tag)
        await self.session.flush()

    async def _check_free(self, ref: str) -> None:
        taken = await self.session.scalar(
            select(CaseTag.id).where(
                CaseTag.workspace_id == self.workspace_id, CaseTag.ref == ref
            )
        )
        if taken is not None:
            raise DuplicateTagSlug(ref)

    async def _save(self, tag: CaseTag) -> None:
        # The unique constraint settles a race between two equal slugs.
        try:
            async with self.session.begin_nested():
                self.session.add(tag)
        except IntegrityError as error:
            raise DuplicateTagSlug(tag.ref) from error

    async def _check_case(self, case_id: uuid.UUID) -> None:
        if not await case_in_workspace(self.session, self.workspace_id, case_id):
            raise CaseNotInWorkspace(case_id)

    async def _find(self, identifier: str, *, by_name: bool) -> CaseTag | None:
        # An id first, then a ref, then (when allowed) a name.
        in_workspace = CaseTag.workspace_id == self.workspace_id
        try:
            tag_id = uuid.UUID(identifier)
        except ValueError:
            pass
        else:
            tag = await self.session.scalar(
                select(CaseTag).where(in_workspace, CaseTag.id == tag_id)
            )
            if tag is not None:
                return tag

        tag = await self.session.scalar(
            select(CaseTag).where(in_workspace, CaseTag.ref == identifier)
        )
        if tag is not None or not by_name:
            return tag
        return await self.session.scalar(
            select(CaseTag)
            .where(in_workspace, CaseTag.name == identifier)
            .order_by(CaseTag.created_at, CaseTag.id)
            .limit(1)
        )

    async def _link(self, case_id: uuid.UUID, tag_id: uuid.UUID) -> CaseTagLink | None:
        return await self.session.get(CaseTagLink, (case_id, tag_id))

    def _record(
        self, case_id: uuid.UUID, event_type: CaseEventType, tag: CaseTag
    ) -> None:
        self.events.record(
            case_id=case_id,
            workspace_id=self.workspace_id,
            actor=self.actor,
            event_type=event_type,
            tag_id=str(tag.id),
            tag_ref=tag.ref,
            tag_name=tag.name,
        )


async def tags_by_case(
    session: AsyncSession, case_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[CaseTagRead]]:
    """The tags of each case, in one query for all of them."""
    wanted = list(case_ids)
    if not wanted:
        return {}

    rows = await session.execute(
        select(CaseTagLink.case_id, CaseTag)
        .join(CaseTag, CaseTag.id == CaseTagLink.tag_id)
        .where(CaseTagLink.case_id.in_(wanted))
        .order_by(CaseTag.ref, CaseTag.id)
    )
    tags: dict[uuid.UUID, list[CaseTagRead]] = defaultdict(list)
    for case_id, tag in rows.tuples():
        tags[case_id].append(CaseTagRead.model_validate(tag))
    return dict(tags)
