"""The small forms of the admin's decisions; the services check the rules again."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from ..forms import DATE_WIDGET, amount_field, clean_document_size, document_field

TEXTAREA = forms.Textarea(attrs={"rows": 5, "cols": 80})


class ConfirmForm(forms.Form):
    pass


class MessageToAssociationForm(forms.Form):
    message = forms.CharField(label="Message à l'association", widget=TEXTAREA, max_length=5000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Motif (envoyé à l'association)", widget=TEXTAREA, max_length=5000)


class AcceptForm(forms.Form):
    granted_amount = amount_field("Montant accordé (€)")
    decision_reference = forms.CharField(
        label="Référence de la décision",
        max_length=60,
        help_text="Délibération ou arrêté, par exemple C2026-0412.",
    )
    decision_date = forms.DateField(label="Date de la décision", widget=DATE_WIDGET)
    conditions = forms.CharField(
        label="Conditions de versement", widget=TEXTAREA, max_length=2000, required=False
    )


class ConventionForm(forms.Form):
    signed_on = forms.DateField(label="Signée le", widget=DATE_WIDGET)
    convention = document_field("Convention signée")

    def clean_convention(self):
        return clean_document_size(self.cleaned_data.get("convention"))


class PaymentForm(forms.Form):
    amount = amount_field("Montant versé (€)")
    paid_on = forms.DateField(label="Versé le", widget=DATE_WIDGET, initial=timezone.localdate)
    reference = forms.CharField(label="Référence du mandat", max_length=60, required=False)


class InstructorMessageForm(forms.Form):
    body = forms.CharField(label="Message à l'association", widget=TEXTAREA, max_length=5000)
    attachment = document_field("Pièce jointe", required=False)

    def clean_attachment(self):
        return clean_document_size(self.cleaned_data.get("attachment"))


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Note privée (jamais montrée à l'association)", widget=TEXTAREA, max_length=5000
    )


class LabelGrantForm(forms.Form):
    valid_from = forms.DateField(label="Valable du", widget=DATE_WIDGET, initial=timezone.localdate)
    valid_until = forms.DateField(
        label="Valable jusqu'au",
        widget=DATE_WIDGET,
        initial=lambda: timezone.localdate() + timedelta(days=3 * 365),
    )
