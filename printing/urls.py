from django.urls import path

from . import views

urlpatterns = [
    path("b/<slug:slug>/kiosk/<slug:kiosk>/", views.kiosk, name="kiosk-at"),
    path("b/<slug:slug>/kiosk/<slug:kiosk>/register/", views.register, name="kiosk-register"),
    # Under /t/<token>/, so the log filter hides the token as it does for every ticket's address.
    path("t/<token:token>/kiosk/<slug:kiosk>/", views.kiosk_ticket, name="kiosk-ticket"),
]
