"""Kiosks and their printers are set up in the admin, refused in words when incomplete, and the manager's
dashboard says how each printer did: when it last printed, when it last failed, and why."""

import datetime as dt

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import ValidationError

from printing.models import Kiosk

from .test_printing import KIOSK, closed_port, networked
from .escpos import FakePrinter
from .visible import visible_text

UTC = dt.timezone.utc
MORNING = dt.datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # 09:00 in Lisbon


def test_kiosks_are_in_the_admin(client, superuser, kiosk):
    assert admin.site.is_registered(Kiosk)
    client.force_login(superuser)
    for url in ["/admin/printing/kiosk/", "/admin/printing/kiosk/add/", f"/admin/printing/kiosk/{kiosk.pk}/change/"]:
        assert client.get(url).status_code == 200, url
    # The change page shows the address to open in the kiosk's browser.
    assert "/b/main/kiosk/entrance/" in client.get(f"/admin/printing/kiosk/{kiosk.pk}/change/").content.decode()


def test_an_administrator_sets_up_a_network_printer(client, superuser, branch):
    client.force_login(superuser)
    response = client.post("/admin/printing/kiosk/add/", {
        "branch": branch.pk, "name": "Entrance", "slug": "entrance", "printer": "network",
        "paper_width": 58, "host": "10.1.2.30", "port": 9100, "usb_device": "",
    })
    assert response.status_code == 302
    kiosk = Kiosk.objects.get()
    assert (kiosk.printer, kiosk.address, kiosk.paper_width) == ("network", "10.1.2.30:9100", 58)


@pytest.mark.parametrize("fields, field, message", [
    ({"printer": "network"}, "host", "A network printer needs its IP address or host name."),
    ({"printer": "usb"}, "usb_device", "A USB printer needs its vendor:product id"),
    ({"printer": "usb", "usb_device": "epson"}, "usb_device", "Vendor and product id in hex"),
    ({"printer": "network", "host": "10.1.2.30", "port": 70000}, "port", "less than or equal to 65535"),
])
def test_an_incomplete_printer_is_refused_in_words(branch, fields, field, message):
    kiosk = Kiosk(branch=branch, name="Entrance", slug="entrance", **fields)
    with pytest.raises(ValidationError) as refused:
        kiosk.full_clean()
    assert message in str(refused.value.message_dict[field])


def test_a_refused_kiosk_in_the_admin_changes_nothing(client, superuser, branch):
    client.force_login(superuser)
    response = client.post("/admin/printing/kiosk/add/", {
        "branch": branch.pk, "name": "Entrance", "slug": "entrance", "printer": "network",
        "paper_width": 80, "host": "", "port": 9100, "usb_device": "",
    })
    assert response.status_code == 200
    assert "A network printer needs its IP address or host name." in response.content.decode()
    assert not Kiosk.objects.exists()


def test_two_kiosks_of_a_branch_cannot_share_an_address(branch, kiosk):
    with pytest.raises(ValidationError):
        Kiosk(branch=branch, name="Door", slug="entrance").full_clean()


def test_a_usb_device_is_read_as_lsusb_prints_it(branch):
    kiosk = Kiosk(branch=branch, name="Entrance", slug="entrance", printer="usb", usb_device="04B8:0e15")
    kiosk.full_clean()
    assert kiosk.usb_ids == (0x04B8, 0x0E15)


def test_the_dashboard_shows_a_failing_printer_with_when_and_why(client, kiosk, deposits, manager):
    networked(kiosk, closed_port())
    with time_machine.travel(MORNING + dt.timedelta(minutes=32), tick=False):
        client.post(KIOSK, {"service": "A"})
    client.force_login(manager)
    with time_machine.travel(MORNING + dt.timedelta(minutes=40), tick=False):
        page = visible_text(client.get("/b/main/stats/").content.decode())
    assert "Kiosk printers" in page
    assert "Entrance" in page and f"127.0.0.1:{kiosk.port}, 80 mm" in page
    assert "Not printing" in page
    assert "09:32" in page, "the failure's time, in the branch's zone"
    assert "connection refused" in page


def test_the_dashboard_shows_when_a_printer_last_printed(client, kiosk, deposits, manager):
    with FakePrinter() as fake:
        networked(kiosk, fake.port)
        with time_machine.travel(MORNING + dt.timedelta(minutes=5), tick=False):
            client.post(KIOSK, {"service": "A"})
        fake.wait_for_job()
    client.force_login(manager)
    with time_machine.travel(MORNING + dt.timedelta(minutes=10), tick=False):
        page = visible_text(client.get("/b/main/stats/").content.decode())
    assert "Printing" in page and "09:05" in page
    assert "Not printing" not in page


def test_a_failure_of_an_earlier_day_says_its_date(client, kiosk, manager):
    kiosk.record_print(MORNING - dt.timedelta(days=1), failure="out of paper")
    networked(kiosk, closed_port())
    client.force_login(manager)
    with time_machine.travel(MORNING, tick=False):
        page = visible_text(client.get("/b/main/stats/").content.decode())
    assert "9 Jun 09:00" in page and "out of paper" in page


def test_a_branch_whose_kiosks_print_through_their_browsers_shows_no_printers(client, kiosk, manager):
    client.force_login(manager)
    page = client.get("/b/main/stats/").content.decode()
    assert 'id="printers"' not in page


def test_the_admin_prints_a_test_page_and_says_how_it_went(client, superuser, kiosk, branch):
    from .escpos import decode

    refusing = Kiosk.objects.create(branch=branch, name="Door", slug="door", printer="network",
                                    host="127.0.0.1", port=closed_port())
    client.force_login(superuser)
    with FakePrinter() as fake:
        networked(kiosk, fake.port)
        response = client.post("/admin/printing/kiosk/", {
            "action": "print_test_page", "_selected_action": [kiosk.pk, refusing.pk],
        }, follow=True)
        paper = decode(fake.wait_for_job())
    said = [str(message) for message in response.context["messages"]]
    assert f"Entrance: the test page went to 127.0.0.1:{kiosk.port}." in said
    assert any(m.startswith("Door: the test page did not print: no connection") for m in said)
    assert "TEST" in paper.text and paper.kinds()[-1] == "cut"
    assert paper.qr_codes == ["http://testserver/b/main/kiosk/entrance/"]
    assert "-" * 48 in paper.text
    refusing.refresh_from_db()
    assert refusing.printer_failing
