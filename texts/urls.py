from django.urls import path

from . import views

urlpatterns = [
    path("t/<token:token>/texts/", views.ticket_texts, name="ticket-texts"),
]
