"""Fixtures shared by the reminder tests: the frozen clock and the real-worker harness (defined
beside the tests that introduced them, registered here for the newer modules)."""

from tests.notifications.test_reminders import clock  # noqa: F401
from tests.notifications.test_worker import mail_dir, redis_server, start_worker  # noqa: F401
