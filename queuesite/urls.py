from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from displays.views import display
from queuesite.health import healthz, readyz
from queuesite.signin import AdminSignInForm, SignInForm
from tickets import audit, dashboard, staff, views
from tickets.api import api
from tickets import converters  # noqa: F401 - registers the <token:...> converter

admin.site.login_form = AdminSignInForm
# The admin is the product's, not Django's.
admin.site.site_header = _("Frontline administration")
admin.site.site_title = _("Frontline admin")
admin.site.index_title = _("Branches, counters, kiosks and people")

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("b/<slug:slug>/kiosk/", views.kiosk, name="kiosk"),
    path("b/<slug:slug>/join/", views.join, name="join"),
    path("b/<slug:slug>/display/", display, name="display"),
    path("b/<slug:slug>/look.css", views.branch_look, name="branch-look"),
    path("b/<slug:slug>/logo", views.branch_logo, name="branch-logo"),
    path("b/<slug:slug>/stats/", dashboard.dashboard, name="dashboard"),
    path("b/<slug:slug>/stats/tickets.csv", dashboard.tickets_csv, name="dashboard-tickets-csv"),
    path("b/<slug:slug>/stats/summary.csv", dashboard.summary_csv, name="dashboard-summary-csv"),
    path("b/<slug:slug>/stats/notes/<int:feedback_id>/hold-back/", dashboard.hold_back_note, name="dashboard-hold-back"),
    path("b/<slug:slug>/stats/notes/<int:feedback_id>/export.json", dashboard.feedback_export, name="dashboard-feedback-export"),
    path("b/<slug:slug>/stats/notes/<int:feedback_id>/delete/", dashboard.feedback_delete, name="dashboard-feedback-delete"),
    path("b/<slug:slug>/audit/", audit.audit_page, name="audit"),
    path("b/<slug:slug>/audit/trail.csv", audit.audit_csv, name="audit-csv"),
    path("t/<token:token>/", views.ticket, name="ticket"),
    path("t/<token:token>/print/", views.ticket_print, name="ticket-print"),
    path("t/<token:token>/cancel/", views.ticket_cancel, name="ticket-cancel"),
    path("t/<token:token>/feedback/", views.ticket_feedback, name="ticket-feedback"),
    path("t/<token:token>/language/", views.ticket_language, name="ticket-language"),
    path("", include("printing.urls")),  # a kiosk's own address and confirmation (printing/urls.py)
    path("", include("texts.urls")),  # the phone page's number for texts (texts/urls.py)
    path("staff/", staff.choose_counter, name="staff"),
    path("staff/counters/<int:counter_id>/", staff.console, name="staff-console"),
    path("staff/counters/<int:counter_id>/leave/", staff.leave, name="staff-leave"),
    path("staff/counters/<int:counter_id>/<str:operation>/", staff.operate, name="staff-operate"),
    # Django's sign-in page, with the limits of queuesite/signin.py (the admin's uses them too, below).
    path("accounts/login/", LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: a member of staff's own language
    path("api/v1/", api.urls),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
]
