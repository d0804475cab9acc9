"""Create the bench database when it does not exist yet.

python -m bench.database   # reads CASEDESK_BENCH_DATABASE_URL
"""

import asyncio
import logging
import os

import asyncpg

from bench.seed import DEFAULT_DATABASE_URL, asyncpg_dsn

logger = logging.getLogger(__name__)


async def ensure_database(database_url: str) -> bool:
    """Create the URL's database through the `postgres` one; whether it did."""
    dsn = asyncpg_dsn(database_url)
    base, name = dsn.rsplit("/", 1)
    name = name.split("?", 1)[0]
    connection = await asyncpg.connect(f"{base}/postgres")
    try:
        exists = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", name
        )
        if exists:
            return False
        quoted = name.replace('"', '""')
        await connection.execute(f'CREATE DATABASE "{quoted}"')
        return True
    finally:
        await connection.close()


def main() -> None:
    """Create the database named by CASEDESK_BENCH_DATABASE_URL if missing."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    url = os.environ.get("CASEDESK_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    if asyncio.run(ensure_database(url)):
        logger.info("created the bench database")


if __name__ == "__main__":
    main()
