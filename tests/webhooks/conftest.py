import pytest

from foia.webhooks.services import endpoint_create
from tests.notifications.test_worker import (  # noqa: F401 - the real-worker harness's fixtures
    mail_dir,
    redis_server,
    start_worker,
)
from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def allow_private(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_RETRY_BASE_SECONDS = 1
    return settings


@pytest.fixture
def endpoint(org, owner, receiver, allow_private):
    return endpoint_create(
        organization=org,
        user=owner,
        url=receiver.url,
        kinds=["event.recorded", "request.sent"],
    )


@pytest.fixture
def enqueued(monkeypatch):
    """The delivery ids handed to the broker (the broker itself is not needed here)."""
    from foia.webhooks import tasks

    calls: list[int] = []
    monkeypatch.setattr(tasks.deliver_webhook_task, "delay", lambda pk: calls.append(pk))
    return calls
