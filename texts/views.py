from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets import languages
from tickets.models import Ticket

from . import actions, errors
from .backends import enabled


@require_POST
def ticket_texts(request, token):
    """The phone page's form: leave a number for texts about this ticket, or (``remove``) delete it."""
    if not enabled():
        raise Http404
    ticket = get_object_or_404(Ticket.objects.select_related("branch"), token=token)
    # Said in the ticket's language, as its page is (tickets/languages.py).
    with translation.override(languages.of_ticket(ticket)):
        return _texts(request, ticket)


def _texts(request, ticket):
    token = ticket.token
    if request.POST.get("remove"):
        actions.remove_number(ticket)
        messages.success(request, _("Your number is deleted: no texts will come."))
        return redirect("ticket", token=token)
    try:
        actions.leave_number(ticket, request.POST.get("number", ""))
    except errors.TextsError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("We will text you when you are next and when it is your turn."))
    return redirect("ticket", token=token)
