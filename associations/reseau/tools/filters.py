import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from pacte.cache import public_context
from pacte.models import Theme

from ...enums import TargetPublic
from .enums import ToolKind
from .models import Loan, Tool, ToolCopy


def theme_choices() -> list[tuple[str, str]]:
    """The active themes as (slug, name), as the portal's « Thème » filter lists them, read from the
    shared cache under the themes' area: a catalogue render that builds the form (a fragment miss)
    reads no table for it."""
    return public_context(
        "reseau_tools:theme-choices",
        lambda: list(Theme.objects.active().values_list("slug", "name")),
        areas=("agenda",),
    )


class ToolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Rechercher", method="filter_search")
    kind = django_filters.ChoiceFilter(label="Type", choices=ToolKind.choices, empty_label="Tous les types")
    # The portal's theme filter (pacte.filters.theme_filter: a theme by its slug), its choices
    # from the shared cache rather than a query per form.
    theme = django_filters.ChoiceFilter(
        label="Thème", field_name="themes__slug", choices=theme_choices, empty_label="Tous les thèmes"
    )
    public = django_filters.ChoiceFilter(
        label="Public visé", choices=TargetPublic.choices, empty_label="Tous les publics"
    )
    du = django_filters.DateFilter(
        label="Disponible du", method="filter_available", widget=forms.DateInput(attrs={"type": "date"})
    )
    au = django_filters.DateFilter(
        label="au", method="filter_available", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Tool
        fields = ["q", "kind", "theme", "public", "du", "au"]

    def filter_search(self, queryset, name, value):
        words = value.split()[:8]
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
            )
        return queryset

    def filter_available(self, queryset, name, value):
        # Both dates are read here once ("du" applies them; "au" alone counts as one day).
        if name == "au" and self.form.cleaned_data.get("du"):
            return queryset
        start = self.form.cleaned_data.get("du") or value
        end = self.form.cleaned_data.get("au") or start
        if end < start:
            start, end = end, start
        busy = Loan.objects.blocking().overlapping(start, end).filter(copy=OuterRef("pk"))
        free_copy = ToolCopy.objects.filter(tool=OuterRef("pk"), is_active=True).exclude(Exists(busy))
        return queryset.filter(Exists(free_copy))
