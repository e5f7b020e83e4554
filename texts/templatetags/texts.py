from django import template

from ..backends import enabled
from ..models import Mobile

register = template.Library()


@register.simple_tag
def texts_for(ticket):
    """Whether the phone page offers texts, and the number the ticket has for them (or None)."""
    if not enabled():
        return {"enabled": False, "mobile": None}
    return {"enabled": True, "mobile": Mobile.objects.filter(ticket=ticket).first()}
