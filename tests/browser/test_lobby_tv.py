"""The lobby TV read from the seats: at 1280x720, 1920x1080 and 3840x2160 the waiting counts and estimates
are large and contrasted enough for 10 m, no service name loses its end, the branch names itself, and the
offline mark is seen across the room without covering the clock."""

import pytest
from playwright.sync_api import expect

from tickets.models import Service

from .conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"720p": {"width": 1280, "height": 720}, "1080p": {"width": 1920, "height": 1080},
         "4k": {"width": 3840, "height": 2160}}

MEASURE = """() => {
  const luminance = (color) => {
    const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map((v) => {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (node) => {
    const a = luminance(getComputedStyle(node).color), b = luminance(getComputedStyle(document.body).backgroundColor);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const part = (selector) => {
    const node = document.querySelector(selector);
    return {size: parseFloat(getComputedStyle(node).fontSize) / innerHeight, contrast: contrast(node),
            cut: node.scrollWidth > node.clientWidth + 1, box: node.getBoundingClientRect().toJSON()};
  };
  return {count: part("#waiting li .count"), estimate: part("#waiting li .estimate"),
          names: [...document.querySelectorAll("#waiting li .name")].map((n) => n.scrollWidth > n.clientWidth + 1
                  || n.getBoundingClientRect().right > n.parentElement.getBoundingClientRect().right + 1),
          branch: part(".branch-name"), clock: part("#clock")};
}"""


def overlap(a, b):
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize("size", SIZES)
def test_the_tv_is_read_from_the_seats_at_every_size(open_page, floor, branch, counter, size):
    Service.objects.create(branch=branch, code="D", name="Mortgages, insurance, pensions and investments", position=9)
    floor.take("A")
    tv = open_page(SIZES[size], "/b/main/display/")
    expect(tv.locator("#waiting li")).to_have_count(3)
    seen = tv.evaluate(MEASURE)
    # A count's letters some 4 % of the screen's height or more, its estimate 3.5 %, both over 7:1.
    assert seen["count"]["size"] >= 0.04 and seen["estimate"]["size"] >= 0.035, seen
    assert seen["count"]["contrast"] >= 7 and seen["estimate"]["contrast"] >= 7, seen
    assert seen["names"] == [False, False, False], "a service's name is cut off"
    assert tv.locator(".branch-name").inner_text() == branch.name and not seen["branch"]["cut"]
    shot(tv, f"display-{size}")

    # Offline: the mark is large, on the screen, and leaves the clock in view. Marked and measured in one
    # go: the page's socket, connecting meanwhile, would take the mark away again.
    box = tv.evaluate("""() => {
      document.documentElement.classList.add('offline');
      const mark = document.querySelector('.offline-mark');
      const box = mark.getBoundingClientRect().toJSON();
      return {...box, size: parseFloat(getComputedStyle(mark).fontSize) / innerHeight};
    }""")
    assert box["size"] >= 0.03 and box["width"] > 0
    assert not overlap(box, seen["clock"]["box"])
    assert box["bottom"] <= SIZES[size]["height"] and box["right"] <= SIZES[size]["width"]
    shot(tv, f"display-offline-{size}")
