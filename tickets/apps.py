from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from queuesite import checks  # noqa: F401 - registers the production checks

        user_logged_out.connect(leave_counter_on_sign_out, dispatch_uid="frontline-leave-counter")

        # The admin's settings changes join the audit trail where the admin logs them (tickets/audit.py).
        from django.contrib.admin.models import LogEntryManager

        from . import audit

        LogEntryManager.log_actions = audit.log_actions


def leave_counter_on_sign_out(sender, user, **kwargs):
    """A teller who signs out has left their counter (actions.leave_counter)."""
    from .actions import leave_counter
    from .models import Counter

    if user is None:
        return
    for counter in Counter.objects.filter(teller=user):
        leave_counter(counter, user)
