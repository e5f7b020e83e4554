from django import forms
from django.utils.translation import gettext_lazy as _

from . import text
from .models import Feedback, Service


class TicketForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), to_field_name="code", widget=forms.RadioSelect)
    priority = forms.BooleanField(required=False, label=_("Priority (seniors, disabled, pregnant)"))

    def __init__(self, branch, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(branch=branch, active=True)


class FeedbackForm(forms.Form):
    RATINGS = [(1, _("1 - very poor")), (2, _("2 - poor")), (3, _("3 - fair")), (4, _("4 - good")),
               (5, _("5 - excellent"))]

    rating = forms.TypedChoiceField(
        choices=RATINGS, coerce=int, empty_value=None, required=False, widget=forms.RadioSelect
    )
    # Kept exactly as typed: the note is the customer's own words.
    note = forms.CharField(
        max_length=Feedback.NOTE_MAX_LENGTH, required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "note-hint"})
    )

    # Optional, a few choices, the same bands as the dashboard's real waits (tickets/perceived.py compares them).
    perceived_wait = forms.ChoiceField(
        choices=Feedback.Felt.choices, required=False, widget=forms.RadioSelect, label=_("How long did your wait feel?")
    )

    def clean(self):
        data = super().clean()
        given = data.get("rating") is not None or text.is_visible(data.get("note") or "") or data.get("perceived_wait")
        if not given and not self.errors:
            raise forms.ValidationError(_("Choose a rating or write a note (or say how long the wait felt)."))
        return data
