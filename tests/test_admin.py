import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError

from tickets.models import ApiToken, Branch, Counter, Feedback, Service, StaffMembership, Ticket


def test_every_model_is_in_the_admin():
    for model in (Branch, Service, Counter, Ticket, Feedback, StaffMembership, ApiToken):
        assert admin.site.is_registered(model)


def test_admin_pages_open_for_a_superuser(client, superuser, deposits, counter, teller):
    from tickets import actions

    ticket = actions.cancel(actions.issue_ticket(deposits))
    actions.record_feedback(ticket, rating=3, note="ok")
    client.force_login(superuser)
    for url in [
        "/admin/tickets/branch/", "/admin/tickets/service/", "/admin/tickets/counter/", "/admin/tickets/ticket/",
        f"/admin/tickets/ticket/{ticket.pk}/change/", "/admin/tickets/feedback/", "/admin/tickets/staffmembership/",
        "/admin/tickets/apitoken/", "/admin/tickets/apitoken/add/", "/admin/tickets/ticket/?status=waiting",
        "/admin/tickets/feedback/?q=ok",
    ]:
        assert client.get(url).status_code == 200, url


def test_admin_makes_an_api_token_and_shows_its_key_once(client, superuser, teller):
    client.force_login(superuser)
    response = client.post("/admin/tickets/apitoken/add/", {"user": teller.pk, "name": "board"}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    key = next(m for m in shown if "shown only this once" in m).rsplit(" ", 1)[-1]
    assert ApiToken.hash_key(key) == token.key_hash
    # The key is not shown anywhere again.
    assert key not in client.get(f"/admin/tickets/apitoken/{token.pk}/change/").content.decode()


@pytest.mark.parametrize("field, value, message", [
    ("code", "a", "One capital letter, A to Z"),
    ("code", "1", "One capital letter, A to Z"),
    ("target_wait_minutes", 0, "A target of at least 1 minute."),
])
def test_a_service_is_refused_in_words_an_administrator_can_act_on(branch, field, value, message):
    service = Service(branch=branch, name="Care", **{"code": "C", "target_wait_minutes": 10, field: value})
    with pytest.raises(ValidationError) as refused:
        service.full_clean()
    assert message in str(refused.value.message_dict[field])


def test_the_service_list_names_the_counters_calling_each_and_warns_of_none(client, superuser, deposits, loans, counter):
    client.force_login(superuser)
    page = client.get("/admin/tickets/service/").content.decode()
    assert "Counter 1" in page  # deposits
    assert "No counter: its tickets are never called" in page  # loans, until counter 2 serves it


def test_the_ticket_list_says_each_status_in_the_dashboards_words(client, superuser, deposits, counter):
    from tickets import actions

    actions.cancel(actions.issue_ticket(deposits))
    actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.mark_no_show(counter)
    client.force_login(superuser)
    page = client.get("/admin/tickets/ticket/").content.decode()
    assert '<td class="field-outcome">Cancelled</td>' in page and '<td class="field-outcome">No-show</td>' in page
    assert "no_show" not in page.replace("?status=no_show", "")  # the filter's link keeps the API's value
    only = client.get("/admin/tickets/ticket/?status=no_show").content.decode()
    assert '<td class="field-outcome">No-show</td>' in only and "field-outcome\">Cancelled" not in only
    ticket = deposits.tickets.get(status="cancelled")
    detail = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert "Cancelled" in detail and detail.count("field-outcome") == 1
