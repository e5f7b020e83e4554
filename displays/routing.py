from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/branches/<slug:branch>/", consumers.BranchConsumer.as_asgi()),
    path("ws/tickets/<str:token>/", consumers.TicketConsumer.as_asgi()),
]
