"""Say which database and broker the test run uses, and fail early if a configured one is down."""

import os
import socket
import sys
from urllib.parse import urlparse


def reachable(url: str, default_port: int) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 3
        ):
            return True
    except OSError:
        return False


def main() -> int:
    db = os.environ.get("DATABASE_URL", "")
    redis = os.environ.get("REDIS_URL", "")
    ok = True
    if db.startswith("postgres"):
        up = reachable(db, 5432)
        ok &= up
        print(f"database: PostgreSQL at {urlparse(db).hostname} ({'up' if up else 'DOWN'})")
    else:
        print("database: SQLite (set DATABASE_URL=postgres://… to test against PostgreSQL)")
    if redis:
        up = reachable(redis, 6379)
        ok &= up
        print(f"broker: Redis at {urlparse(redis).hostname} ({'up' if up else 'DOWN'})")
    else:
        print("broker: none configured; tests that need a real Redis worker are skipped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
