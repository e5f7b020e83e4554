from django.urls import path

from tickets import converters  # noqa: F401 - registers the <token:...> converter

from . import consumers

websocket_urlpatterns = [
    path("ws/branches/<slug:branch>/", consumers.BranchConsumer.as_asgi()),
    path("ws/tickets/<token:token>/", consumers.TicketConsumer.as_asgi()),
]
