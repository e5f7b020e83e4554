from django import forms

from .models import Feedback, Service


class TicketForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), to_field_name="code", widget=forms.RadioSelect)
    priority = forms.BooleanField(required=False, label="Priority (seniors, disabled, pregnant)")

    def __init__(self, branch, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(branch=branch, active=True)


class FeedbackForm(forms.Form):
    RATINGS = [(1, "1 - very poor"), (2, "2 - poor"), (3, "3 - fair"), (4, "4 - good"), (5, "5 - excellent")]

    rating = forms.TypedChoiceField(
        choices=RATINGS, coerce=int, empty_value=None, required=False, widget=forms.RadioSelect
    )
    # Kept exactly as typed: the note is the customer's own words.
    note = forms.CharField(
        max_length=Feedback.NOTE_MAX_LENGTH, required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "note-hint"})
    )

    def clean(self):
        data = super().clean()
        if data.get("rating") is None and not (data.get("note") or "").strip() and not self.errors:
            raise forms.ValidationError("Choose a rating or write a note.")
        return data
