from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation

from tickets.models import Branch
from tickets.qr import qr_svg
from tickets.state import branch_state


def display(request, slug):
    """The lobby screen, rendered with the current state so it shows the truth before its socket connects."""
    branch = get_object_or_404(Branch, slug=slug)
    join_url = request.build_absolute_uri(f"/b/{branch.slug}/join/")
    now = timezone.now()
    context = {"branch": branch, "state": branch_state(branch, now), "now": now, "join_url": join_url,
               "qr": qr_svg(join_url), "screen_languages": branch.language_codes}
    # Every label in each of the branch's languages, in its order; the page itself is in the first.
    with translation.override(branch.default_language):
        return render(request, "displays/display.html", context)
