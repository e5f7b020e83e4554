"""The ASGI entry point: ``daphne queuesite.asgi:application`` serves both HTTP and the websockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "queuesite.settings")
# Build Django first: it sets up the apps the websocket routing imports.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from displays.broadcast import ServedFrom  # noqa: E402
from displays.routing import websocket_urlpatterns  # noqa: E402
from queuesite.logs import hide_tokens_in_daphne_access_log  # noqa: E402

hide_tokens_in_daphne_access_log()

# ServedFrom: changes made by requests are told to the screens from the loop serving them (broadcast.py).
application = ServedFrom(
    ProtocolTypeRouter(
        {
            "http": django_application,
            "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        }
    )
)
