"""The request-scoped unit of work and the process-wide engine."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

CommitStep = Callable[[AsyncSession], Awaitable[None]]
_COMMIT_STEPS = "casedesk.before_commit"


class UnitOfWork(AsyncSession):
    """A session that runs the steps registered on it just before commit.

    A step derives state from what the transaction wrote (e.g. a case's
    durations from its new events), so the derived state commits with it.
    """

    async def commit(self) -> None:
        steps: dict[str, CommitStep] = self.info.pop(_COMMIT_STEPS, {})
        for step in steps.values():
            await step(self)
        await super().commit()

    async def rollback(self) -> None:
        # What the rolled-back work registered (steps, and the state they
        # keep under the same `casedesk.` prefix) goes with it.
        for key in [key for key in self.info if str(key).startswith("casedesk.")]:
            del self.info[key]
        await super().rollback()


def before_commit(session: AsyncSession, name: str, step: CommitStep) -> None:
    """Run `step` once before the session's next commit, whatever registers it."""
    steps: dict[str, Any] = session.info.setdefault(_COMMIT_STEPS, {})
    steps.setdefault(name, step)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(
        engine, class_=UnitOfWork, expire_on_commit=False, autoflush=False
    )


async def get_db_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request: committed on success, rolled back on error."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
        except Exception:
            await session.rollback()
            raise
        else:
            await session.commit()


# Function scope: the commit runs when the route returns, before the response
# is sent, so a client never sees 201 for a write that failed to commit.
DbSession = Annotated[AsyncSession, Depends(get_db_session, scope="function")]
