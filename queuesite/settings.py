"""Frontline's settings: every value comes from the environment, with a working default.

The defaults run one Daphne process on SQLite with Channels' in-memory layer (``make run``).
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS; the README lists every variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0 or true/false, not {value!r}")


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name, default):
    try:
        return int(env(name, str(default)))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number") from None


DEBUG = env_bool("DEBUG", False)

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For development, set DEBUG=1 (make run does)."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Daphne first: its runserver serves websockets in development too.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    # Installed for its static files: the API's docs page then loads Swagger UI from here, not from a CDN.
    "ninja",
    "tickets",
    "displays",
    "printing",
    "webhooks",
    "texts",
]

MIDDLEWARE = [
    "queuesite.middleware.RequestLogMiddleware",
    "queuesite.middleware.ApiAnswersJsonMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "queuesite.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Staff pages in the browser's (or the chosen) language; customers' pages choose their own (tickets/languages.py).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the exceptions of the views (and of the API, which re-raises what it does not know).
    "queuesite.middleware.DatabaseErrorMiddleware",
]

ROOT_URLCONF = "queuesite.urls"
ASGI_APPLICATION = "queuesite.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "displays.release.release",
            ],
        },
    },
]

# Database: a SQLite file beside manage.py unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite, with this process's writers taking turns (queuesite/sqlite/base.py says why).
    DATABASES["default"]["ENGINE"] = "queuesite.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction begins, so two counters pressing
        # "call next" queue up behind the busy timeout instead of failing with "database is locked"
        # when the second one tries to upgrade its read lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # WAL lets screens read while a teller writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_POOL_SIZE:
    # Daphne runs each request's database work in a thread of its own, so a connection kept per thread
    # (CONN_MAX_AGE) is seldom reused and a new one costs ~5 ms: each process keeps a pool instead
    # (bench/connections.py). A request waits at most `timeout` seconds for a free connection, then
    # gets the 503 of a database that is down.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DATABASE_POOL_SIZE), "max_size": DATABASE_POOL_SIZE, "timeout": 5,
    }

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # The pub/sub layer (see the README): each process's hub (displays/fanout.py) subscribes once per
    # group and writes each message to its own sockets; subscriptions never expire, and redis-py
    # re-subscribes after Redis restarts.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering (a machine gone, packets dropped) fails a call in seconds rather
            # than holding the request: the rate limit then counts per process, screens re-sync later.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # One channel per process carries every message its screens hear (displays/fanout.py): room for a burst.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 10000}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The languages Frontline speaks (README, "Languages"). A branch offers some of them to its customers
# (Branch.languages); staff pages follow the browser's choice or the language picked in the top bar.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fil", "Filipino"),
    ("zh-hant", "Traditional Chinese"),
    ("pt", "Portuguese"),
    # Right-to-left, carried as the proof that every screen lays out in both directions (a partial catalog).
    ("ar", "Arabic"),
]
LANG_INFO.setdefault("fil", {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"})
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our formats: Filipino's (Django has none), and English's with 24-hour times (queuesite/formats/).
FORMAT_MODULE_PATH = ["queuesite.formats"]
# Stored times are UTC; each branch's business day is computed in its own zone (Branch.business_day).
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic gathers the files for production (make run-prod sets it); without it WhiteNoise
# serves them straight from the static folders, so DEBUG=0 works without collectstatic too.
STATIC_ROOT = env("STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/"

# Behind a proxy that terminates HTTPS (see the README's deployment section).
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# How many proxies in front of Daphne append to X-Forwarded-For (the shipped nginx: 1). Only their entries
# are believed (queuesite/clients.py); 0 trusts none and takes the socket's peer as the client.
PROXY_HOPS = env_int("PROXY_HOPS", 0)
if PROXY_HOPS < 0:
    raise ImproperlyConfigured("PROXY_HOPS must be 0 or more")

# How often a screen's socket proves it is alive (and that this process still reaches the channel layer).
SCREEN_HEARTBEAT_SECONDS = float(env("SCREEN_HEARTBEAT_SECONDS", "20"))

# How many tickets one address may take per minute: a kiosk serves many people, a script should not.
TICKETS_PER_MINUTE_PER_ADDRESS = env_int("TICKETS_PER_MINUTE_PER_ADDRESS", 30)
# A kiosk registered with its device key (printing/) has its own count, not its address's: a busy
# entrance at opening time gives a ticket every few seconds.
KIOSK_TICKETS_PER_MINUTE = env_int("KIOSK_TICKETS_PER_MINUTE", 120)
# Phone tickets waiting at once in one branch: a script behind many addresses cannot fill the queue.
PHONE_TICKETS_WAITING_PER_BRANCH = env_int("PHONE_TICKETS_WAITING_PER_BRANCH", 200)
# Failed sign-ins allowed in 15 minutes before sign-in is refused (queuesite/signin.py).
SIGN_IN_FAILURES_PER_ACCOUNT = env_int("SIGN_IN_FAILURES_PER_ACCOUNT", 5)
SIGN_IN_FAILURES_PER_ADDRESS = env_int("SIGN_IN_FAILURES_PER_ADDRESS", 20)
# A staff session ends after this many minutes without a request (a counter PC left signed in), and when
# the browser closes.
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = STAFF_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Webhooks (webhooks/): how long one delivery may take, and for how many hours a failing one is retried.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_RETRY_HOURS = env_int("WEBHOOK_RETRY_HOURS", 24)
# Days the delivery log keeps what was delivered or failed (pending deliveries stay until they end).
WEBHOOK_LOG_DAYS = env_int("WEBHOOK_LOG_DAYS", 30)

# Text messages (texts/): "console" (the log), "http" (the gateway below), "off" (no number asked), or a
# dotted path to a backend class. A national number typed with a leading 0 takes TEXTS_COUNTRY_CODE (+351).
TEXTS_BACKEND = env("TEXTS_BACKEND", "console")
TEXTS_COUNTRY_CODE = env("TEXTS_COUNTRY_CODE")
TEXTS_GATEWAY_URL = env("TEXTS_GATEWAY_URL")
TEXTS_GATEWAY_TOKEN = env("TEXTS_GATEWAY_TOKEN")
TEXTS_GATEWAY_SENDER = env("TEXTS_GATEWAY_SENDER", "Frontline")
TEXTS_GATEWAY_TIMEOUT_SECONDS = env_int("TEXTS_GATEWAY_TIMEOUT_SECONDS", 10)
if TEXTS_BACKEND == "http" and not TEXTS_GATEWAY_URL:
    raise ImproperlyConfigured("TEXTS_BACKEND=http needs TEXTS_GATEWAY_URL (and usually TEXTS_GATEWAY_TOKEN)")
if TEXTS_COUNTRY_CODE and not (TEXTS_COUNTRY_CODE.startswith("+") and TEXTS_COUNTRY_CODE[1:].isdigit()):
    raise ImproperlyConfigured("TEXTS_COUNTRY_CODE must be + and digits, e.g. +351")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every line goes through this one handler, whose filter hides ticket tokens (queuesite/logs.py).
    "filters": {"hide_tokens": {"()": "queuesite.logs.HideTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["hide_tokens"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Django gives its own loggers handlers of their own (a console one with DEBUG on), which would write
    # request paths past that filter: send their lines to the root's handler instead.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
    },
}
