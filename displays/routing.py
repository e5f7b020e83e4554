from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path, re_path

from tickets import converters  # noqa: F401 - registers the <token:...> converter

from . import consumers


class NoSuchScreen(AsyncWebsocketConsumer):
    """Any other websocket address (``/ws/nothing/``, a token that cannot be one): closed as an unknown
    branch or ticket is, instead of the router's ValueError, which Daphne answers with an HTTP 500 and logs
    as a traceback."""

    channel_layer_alias = None  # nothing to hear: no channel on the layer, so this works with Redis down too

    async def connect(self):
        # Accept first so the browser sees our close code rather than a failed handshake.
        await self.accept()
        await self.close(code=consumers.ScreenConsumer.close_code_unknown)


websocket_urlpatterns = [
    path("ws/branches/<slug:branch>/", consumers.BranchConsumer.as_asgi()),
    path("ws/tickets/<token:token>/", consumers.TicketConsumer.as_asgi()),
    re_path(r"", NoSuchScreen.as_asgi()),  # last: whatever the routes above do not match
]
