from django import template

register = template.Library()


@register.filter
def minutes(seconds):
    """Seconds as a person says them: "under 1 min", "12 min", "1 h 05 min"; a dash when unknown."""
    if seconds is None or seconds == "":
        return "–"
    seconds = int(seconds)
    if seconds < 60:
        return "under 1 min"
    total = round(seconds / 60)
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


@register.filter
def about(seconds):
    """An estimate as said aloud: "about 12 min", "under 1 min", or a dash when nobody can tell."""
    said = minutes(seconds)
    return f"about {said}" if said[0].isdigit() else said


@register.filter
def percent(fraction):
    return "–" if fraction is None else f"{fraction * 100:.0f}%"


@register.filter
def since(moment, now):
    """Seconds from ``moment`` to ``now``."""
    return (now - moment).total_seconds() if moment and now else None


@register.filter
def get_key(row, key):
    return row.get(key)
