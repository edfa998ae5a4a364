from django import forms
from django.db.models import Q

from pacte.forms import CommuneSelect
from pacte.models import Commune

from .models import Charter, Garden, GardenPractice, GardenSize, GardenType


class GardenForm(forms.ModelForm):
    """Register or update a garden. The charter box appears when the current charter version has
    not been accepted for this garden yet (always for a new garden) and is then required."""

    garden_type = forms.ChoiceField(
        label="Type de jardin",
        choices=GardenType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le type de jardin."},
    )
    commune = forms.ModelChoiceField(
        widget=CommuneSelect,
        label="Commune du jardin",
        queryset=Commune.objects.all(),
        empty_label="Choisissez une commune",
        help_text="Seule la commune est demandée : ni adresse, ni position.",
        error_messages={
            "required": "Choisissez la commune où se trouve le jardin.",
            "invalid_choice": "Choisissez une des 71 communes de la Métropole.",
        },
    )
    size = forms.ChoiceField(
        label="Surface approximative",
        choices=GardenSize.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez la surface approximative du jardin."},
    )
    name = forms.CharField(
        label="Nom ou courte description",
        required=False,
        max_length=120,
        help_text=Garden._meta.get_field("name").help_text,
        error_messages={"max_length": "120 caractères au plus (vous en avez saisi %(show_value)d)."},
    )
    practices = forms.ModelMultipleChoiceField(
        label="Les pratiques de mon jardin",
        queryset=GardenPractice.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez ce que vous faites déjà ; vous pourrez mettre la liste à jour à tout moment.",
        error_messages={
            "invalid_choice": "Une des pratiques cochées n'est plus proposée : rechargez la page."
        },
    )
    accept_charter = forms.BooleanField(
        label="J'ai lu et j'accepte la charte",
        required=True,
        error_messages={"required": "Cochez la case pour accepter la charte des jardiniers de la nature."},
    )
    # The version the person read: if staff publish a new one meanwhile, they must read it first.
    charter_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=1000
    )

    class Meta:
        model = Garden
        fields = ["garden_type", "commune", "size", "name", "practices"]

    def __init__(self, *args, charter: Charter | None, ask_charter: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.charter = charter
        current = set(self.instance.practices.values_list("pk", flat=True)) if self.instance.pk else set()
        # Retired practices stay listed for a garden that already has them, so saving keeps them.
        self.fields["practices"].queryset = GardenPractice.objects.filter(
            Q(is_active=True) | Q(pk__in=current)
        ).order_by("position", "name")
        self.ask_charter = ask_charter and charter is not None
        if self.ask_charter:
            self.fields["charter_version"].initial = charter.version
            self.fields[
                "accept_charter"
            ].help_text = f"{charter.title}, version {charter.version}, reproduite ci-dessus."
        else:
            del self.fields["accept_charter"]
            del self.fields["charter_version"]

    def clean(self):
        cleaned = super().clean()
        if self.ask_charter and cleaned.get("accept_charter"):
            read = cleaned.get("charter_version")
            if read is not None and read != self.charter.version:
                self.add_error(
                    "accept_charter",
                    "La charte a été mise à jour pendant que vous remplissiez le formulaire : "
                    "relisez la nouvelle version ci-dessus et cochez à nouveau la case.",
                )
                # The box must be ticked again for the new text: show it unticked, tied to it.
                self.data = self.data.copy()
                self.data[self.add_prefix("accept_charter")] = ""
                self.data[self.add_prefix("charter_version")] = str(self.charter.version)
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "garden_type": data["garden_type"],
            "commune": data["commune"],
            "size": data["size"],
            "name": data.get("name", ""),
            "practices": list(data.get("practices") or []),
        }


class GardenWithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label="Je retire ce jardin du réseau des jardiniers de la nature.",
        required=True,
        error_messages={"required": "Cochez la case pour confirmer le retrait."},
    )
