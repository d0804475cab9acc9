"""The first admin account and default workspace of a new installation."""

from dataclasses import dataclass

import structlog
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.auth.passwords import generate_password, password_helper, password_problem
from casedesk.config import Settings
from casedesk.errors import BadRequest
from casedesk.models import User
from casedesk.workspaces.service import WorkspaceService

log = structlog.get_logger(__name__)

DEFAULT_WORKSPACE_NAME = "Default"


@dataclass(frozen=True)
class FirstAdmin:
    """The admin created on first start; `password` is set when generated."""

    email: str
    generated_password: str | None


async def ensure_first_admin(
    session: AsyncSession, settings: Settings
) -> FirstAdmin | None:
    """Create the first admin and its workspace when there are no users yet."""
    user_count = await session.scalar(select(func.count()).select_from(User))
    if user_count:
        return None

    generated = None
    if settings.admin_password is not None:
        password = settings.admin_password.get_secret_value()
        problem = password_problem(password, email=settings.admin_email)
        if problem is not None:
            raise BadRequest(f"CASEDESK_ADMIN_PASSWORD is refused: {problem}")
    else:
        password = generated = generate_password()

    admin = User(
        email=settings.admin_email.strip().lower(),
        hashed_password=password_helper.hash(password),
        is_active=True,
        is_superuser=True,
        is_verified=True,
        settings={},
    )
    try:
        session.add(admin)
        await session.flush()
        await WorkspaceService(session).create(
            name=DEFAULT_WORKSPACE_NAME, owner_id=admin.id
        )
        await session.commit()
    except IntegrityError:
        # Another process bootstrapped the same installation first.
        await session.rollback()
        return None

    log.info("auth.first_admin_created", user_id=str(admin.id))
    return FirstAdmin(email=admin.email, generated_password=generated)
