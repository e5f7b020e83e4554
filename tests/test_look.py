"""The bank's own look: its name, logo and colour on the kiosk, ticket, TV and phone (tickets/look.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import actions, look
from tickets.models import Logo

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'


def test_the_colour_reaches_the_pages_as_a_stylesheet_with_text_that_reads_on_it(client, branch, deposits):
    assert "look.css" not in client.get("/b/main/kiosk/").content.decode()
    branch.brand_colour = "#ffd400"  # a yellow: white would not read on it
    branch.save()
    assert '<link rel="stylesheet" href="/b/main/look.css?v=ffd400">' in client.get("/b/main/kiosk/").content.decode()
    sheet = client.get("/b/main/look.css")
    assert sheet["Content-Type"] == "text/css"
    assert sheet.content.decode() == ":root { --brand: #ffd400; --brand-ink: #111111; }\n"
    assert look.ink_for("#0a4d8c") == "#ffffff"
    assert look.contrast("#ffd400", look.ink_for("#ffd400")) >= 4.5


def test_a_colour_not_written_as_rrggbb_is_refused(branch):
    branch.brand_colour = "red; background: url(x)"
    with pytest.raises(ValidationError, match="#RRGGBB"):
        branch.full_clean()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _change_branch(admin_client, branch, **extra):
    data = {"name": branch.name, "slug": branch.slug, "time_zone": branch.time_zone, "languages": "en",
            "speak_calls": "on", "bank_name": "Banco Atlântico", "brand_colour": "", "feedback_retention_days": "180",
            "services-TOTAL_FORMS": "0", "services-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0", **extra}
    return admin_client.post(f"/admin/tickets/branch/{branch.pk}/change/", data)


def test_a_logo_uploaded_in_the_admin_shows_on_the_kiosk_ticket_tv_and_phone(admin_client, branch, deposits):
    answer = _change_branch(admin_client, branch, logo_file=SimpleUploadedFile("logo.png", PNG, "image/png"))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    logo = Logo.objects.get(branch=branch)
    image = admin_client.get("/b/main/logo")
    assert (image["Content-Type"], image.content) == ("image/png", PNG)
    ticket = actions.issue_ticket(deposits)
    tag = f'<img src="/b/main/logo?v={logo.version}" alt="Banco Atlântico">'
    for path in ("/b/main/kiosk/", "/b/main/join/", "/b/main/display/", f"/t/{ticket.token}/", f"/t/{ticket.token}/print/"):
        assert tag in admin_client.get(path).content.decode(), path


def test_a_new_logo_is_a_new_address_and_it_can_be_removed(admin_client, branch):
    _change_branch(admin_client, branch, logo_file=SimpleUploadedFile("logo.png", PNG, "image/png"))
    first = Logo.objects.get(branch=branch).version
    _change_branch(admin_client, branch, logo_file=SimpleUploadedFile("logo.svg", SVG, "image/svg+xml"))
    logo = Logo.objects.get(branch=branch)
    assert logo.version != first and logo.content_type == "image/svg+xml"
    _change_branch(admin_client, branch, remove_logo="on")
    assert not Logo.objects.exists()
    assert admin_client.get("/b/main/logo").status_code == 404


@pytest.mark.parametrize("name, data, said", [
    ("notes.txt", b"hello", "must be a PNG, JPEG or SVG"),
    ("huge.png", PNG + b"\x00" * look.LOGO_MAX_BYTES, "at most 200 KB"),
])
def test_a_file_that_is_no_logo_is_refused_and_nothing_changes(admin_client, branch, name, data, said):
    answer = _change_branch(admin_client, branch, logo_file=SimpleUploadedFile(name, data))
    assert answer.status_code == 200 and said in answer.content.decode()
    assert not Logo.objects.exists()
    branch.refresh_from_db()
    assert branch.bank_name == ""  # the form was refused whole


def test_a_bank_name_without_a_logo_is_written(client, branch, deposits):
    branch.bank_name = "Banco Atlântico"
    branch.save()
    assert '<p class="bank"><span class="bank-name">Banco Atlântico</span></p>' in client.get("/b/main/kiosk/").content.decode()
