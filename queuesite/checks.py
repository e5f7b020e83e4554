"""System checks for settings that work on a laptop but fail a bank branch in production.

Each has a stable id, so a deployment can see (or deliberately silence) exactly one of them.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.compatibility)
def production_settings(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    problems = []
    layer = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    if layer == "channels.layers.InMemoryChannelLayer":
        problems.append(Warning(
            "The in-memory channel layer only reaches screens connected to this same process.",
            hint="Set REDIS_URL so every Daphne process hears every call.",
            id="frontline.W001",
        ))
    cache = settings.CACHES.get("default", {}).get("BACKEND", "")
    if cache == "django.core.cache.backends.locmem.LocMemCache":
        problems.append(Warning(
            "The local-memory cache keeps rate limits and screen sequence numbers per process.",
            hint="Set REDIS_URL so every process shares one cache.",
            id="frontline.W002",
        ))
    if "sqlite" in settings.DATABASES["default"]["ENGINE"] and settings.REDIS_URL:
        # Redis is only worth having with several processes, and several processes must not share SQLite.
        problems.append(Warning(
            "SQLite with Redis suggests several processes sharing one SQLite file.",
            hint="Run several Daphne processes on PostgreSQL (DATABASE_URL=postgres://...), or one on SQLite.",
            id="frontline.W003",
        ))
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        problems.append(Error(
            "The development secret key is in use with DEBUG off.",
            hint="Set SECRET_KEY to a long random value.",
            id="frontline.E001",
        ))
    return problems
