from django import forms

from pacte.enums import Action, PublicCategory
from pacte.models import Commune

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def month_label(month) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def period_choices(months) -> list[tuple[str, str]]:
    """Each year with a computed month, then each month, newest first ("2026", "2026-03")."""
    years = sorted({month.year for month in months}, reverse=True)
    choices = [(str(year), f"Année {year}") for year in years]
    choices += [(f"{month:%Y-%m}", month_label(month).capitalize()) for month in sorted(months, reverse=True)]
    return choices


class DashboardFilters(forms.Form):
    """The dashboard's GET filters: every value is checked against its choices, so an unknown
    value is a form error (and the page falls back to its default), never a 500."""

    periode = forms.ChoiceField(label="Période", required=False)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Toutes les actions"), *Action.choices]
    )
    commune = forms.ModelChoiceField(
        label="Commune",
        required=False,
        queryset=Commune.objects.all(),
        to_field_name="slug",
        empty_label="Toutes les communes",
    )
    public = forms.ChoiceField(
        label="Public", required=False, choices=[("", "Tous les publics"), *PublicCategory.choices]
    )

    def __init__(self, data, *, months):
        super().__init__(data)
        self.fields["periode"].choices = period_choices(months) or [("", "Aucun mois calculé")]

    def values(self) -> dict:
        """The valid filters; a field in error reads as its default."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or None for name in self.fields if name not in self.errors}
