from django.conf import settings
from django.core.checks import Warning, register


@register()
def console_texts_in_production(app_configs, **kwargs):
    """Customers would leave their numbers for texts that only reach the server's log."""
    if settings.DEBUG or settings.TEXTS_BACKEND != "console":
        return []
    return [Warning(
        "Text messages go to the console backend: customers may leave a number, and no text reaches them.",
        hint="Set TEXTS_BACKEND=http with the TEXTS_GATEWAY_* variables, or TEXTS_BACKEND=off to offer no texts.",
        id="texts.W001",
    )]
