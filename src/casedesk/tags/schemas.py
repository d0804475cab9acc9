"""Tag request and response shapes."""

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from casedesk.cases.schemas import CaseTagRead
from casedesk.kit.schemas import CHECK_TEXT, InputSchema
from casedesk.models.tag import (
    TAG_COLOR_MAX_LENGTH,
    TAG_NAME_MAX_LENGTH,
    TAG_REF_MAX_LENGTH,
)

__all__ = ["CaseTagAdd", "CaseTagCreate", "CaseTagRead", "CaseTagUpdate", "slugify"]

_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """The ref of a tag name: lower case, other runs as `-`, no outer `-`."""
    return _NOT_ALPHANUMERIC.sub("-", name.lower()).strip("-")


def _has_slug(name: str) -> str:
    if not slugify(name):
        raise ValueError("must contain at least one letter or digit")
    return name


TagName = Annotated[
    str,
    Field(min_length=1, max_length=TAG_NAME_MAX_LENGTH),
    CHECK_TEXT,
    AfterValidator(_has_slug),
]
TagColor = Annotated[str, Field(max_length=TAG_COLOR_MAX_LENGTH), CHECK_TEXT]


class CaseTagCreate(InputSchema):
    """A new tag definition; its ref is the slug of its name."""

    name: TagName
    color: TagColor | None = None


class CaseTagUpdate(InputSchema):
    """Changes to a tag definition; a new name gives it a new ref."""

    name: TagName | None = None
    color: TagColor | None = None


class CaseTagAdd(InputSchema):
    """The tag to attach to a case: its id, ref or name."""

    tag_id: Annotated[
        str, Field(min_length=1, max_length=TAG_REF_MAX_LENGTH), CHECK_TEXT
    ]
