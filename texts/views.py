from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_POST

from tickets.models import Ticket

from . import actions, errors
from .backends import enabled


@require_POST
def ticket_texts(request, token):
    """The phone page's form: leave a number for texts about this ticket, or (``remove``) delete it."""
    if not enabled():
        raise Http404
    ticket = get_object_or_404(Ticket, token=token)
    if request.POST.get("remove"):
        actions.remove_number(ticket)
        messages.success(request, _("Your number is deleted: no texts will come."))
        return redirect("ticket", token=token)
    try:
        actions.leave_number(ticket, request.POST.get("number", ""), language=get_language() or "")
    except errors.TextsError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("We will text you when you are next and when it is your turn."))
    return redirect("ticket", token=token)
