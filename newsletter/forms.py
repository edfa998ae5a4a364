from django import forms

from pacte.forms import CommuneSelect
from pacte.models import Commune, Theme

from .enums import SubscriberRole
from .models import Subscriber


class _SubscriberFields(forms.ModelForm):
    commune = forms.ModelChoiceField(
        label="Commune de votre structure",
        queryset=Commune.objects.all(),  # French order (Commune.sort_name)
        widget=CommuneSelect,
        to_field_name="slug",
        required=False,
        empty_label="Hors Métropole ou non précisée",
    )
    themes = forms.ModelMultipleChoiceField(
        label="Thèmes qui vous intéressent",
        queryset=Theme.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    role = forms.ChoiceField(label="Fonction", choices=[("", "Choisissez…"), *SubscriberRole.choices])

    class Meta:
        model = Subscriber
        fields = ["name", "structure", "role", "commune", "themes"]
        labels = {"name": "Prénom et nom", "structure": "Structure (CCAS, association, service…)"}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "structure": forms.TextInput(attrs={"autocomplete": "organization"}),
        }


class SubscribeForm(_SubscriberFields):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="Nous vous écrivons une seule fois pour confirmer ; la lettre ne part qu'après.",
    )
    consent = forms.BooleanField(
        label="J'accepte de recevoir la lettre à cette adresse (texte ci-dessus)",
        error_messages={"required": "Cochez cette case pour vous abonner."},
    )

    class Meta(_SubscriberFields.Meta):
        fields = ["email", "name", "structure", "role", "commune", "themes"]

    def validate_unique(self):
        # An address already on the list is not an error to show: the service answers by e-mail,
        # so the form never tells who is subscribed.
        pass


class PreferencesForm(_SubscriberFields):
    pass


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label="Date et heure d'envoi",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
