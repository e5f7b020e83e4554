"""The administrator's side of webhooks: an endpoint's secret is shown once, at creation; its delivery log
says how each event went, and sends any of them again."""

from django.utils import timezone

from tickets import actions
from webhooks.models import Delivery, Endpoint


def test_the_secret_is_shown_once_when_the_endpoint_is_made(client, superuser, branch):
    client.force_login(superuser)
    page = client.post("/admin/webhooks/endpoint/add/", {"name": "CRM", "url": "https://crm.example/hooks",
                                                         "branch": branch.pk, "active": "on"})
    endpoint = Endpoint.objects.get()
    assert page.status_code == 200 and endpoint.secret in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert endpoint.secret not in client.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in client.get("/admin/webhooks/endpoint/").content.decode()


def test_a_new_secret_replaces_the_old_and_is_shown_once(client, superuser, branch):
    endpoint = Endpoint.objects.create(name="CRM", url="https://crm.example/hooks")
    old = endpoint.secret
    client.force_login(superuser)
    page = client.post("/admin/webhooks/endpoint/", {"action": "new_secret", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in page.content.decode()


def test_the_delivery_log_sends_again(client, superuser, branch, deposits):
    Endpoint.objects.create(name="CRM", url="https://crm.example/hooks")
    actions.issue_ticket(deposits)
    Delivery.objects.update(status=Delivery.Status.FAILED, last_error="answered 500", last_status_code=500)
    client.force_login(superuser)
    log = client.get("/admin/webhooks/delivery/").content.decode()
    assert "ticket.issued" in log and "answered 500" in log
    delivery = Delivery.objects.get()
    client.post("/admin/webhooks/delivery/", {"action": "send_again", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING and delivery.next_attempt_at <= timezone.now()
