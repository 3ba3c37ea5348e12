import pytest
from django.contrib.auth import get_user_model

from foia.api.services import token_create
from foia.webhooks.models import WebhookDelivery
from foia.webhooks.services import emit

pytestmark = pytest.mark.django_db


def test_the_admin_lists_tokens_endpoints_and_deliveries_without_their_secrets(
    client, org, owner, endpoint
):
    _token, raw = token_create(user=owner, organization=org, name="t")
    emit(organization_id=org.pk, kind="event.recorded", data={}, key="k")
    delivery = WebhookDelivery.objects.get()
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw-123-xyz!")
    client.force_login(root)
    pages = [
        "/admin/api/apitoken/",
        "/admin/webhooks/webhookendpoint/",
        f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/",
        "/admin/webhooks/webhookdelivery/",
        f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert endpoint.secret not in response.content.decode()
        assert raw not in response.content.decode()
