"""Dependencies of the account routes."""

import uuid
from typing import Annotated

from fastapi import Depends, Request

from casedesk.audit.service import client_address
from casedesk.auth.principal import CurrentPrincipal, InstanceAdmin
from casedesk.db.session import DbSession
from casedesk.models import User
from casedesk.users.service import UserService


async def get_user_service(
    request: Request, session: DbSession, principal: CurrentPrincipal
) -> UserService:
    """The account service acting for the caller, from the caller's address."""
    return UserService(session, actor=principal.actor, client=client_address(request))


Users = Annotated[UserService, Depends(get_user_service)]


async def get_target_user(_: InstanceAdmin, users: Users, user_id: uuid.UUID) -> User:
    """The account named in the path; only instance admins learn whether it exists."""
    return await users.get(user_id)


TargetUser = Annotated[User, Depends(get_target_user)]
