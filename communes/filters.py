import django_filters
from django import forms
from django.db.models import Q

from pacte.filters import commune_filter, theme_filter

from .enums import ActionStage
from .models import CommuneAction


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Rechercher", method="search")
    theme = theme_filter("theme")
    stage = django_filters.ChoiceFilter(
        label="Statut", choices=ActionStage.choices, empty_label="Tous les statuts"
    )
    commune = commune_filter("commune")
    experiment = django_filters.BooleanFilter(
        label="Expérimentations PACTE seulement",
        field_name="is_experiment",
        method="only_experiments",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = CommuneAction
        fields = ["q", "theme", "stage", "commune", "experiment"]

    def search(self, queryset, name, value):
        words = value.split()[:6]
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(description__icontains=word) | Q(commune__name__icontains=word)
            )
        return queryset

    def only_experiments(self, queryset, name, value):
        return queryset.filter(is_experiment=True) if value else queryset


class MapFilter(django_filters.FilterSet):
    """The map's filters: which actions are counted per commune."""

    theme = theme_filter("theme")
    stage = django_filters.ChoiceFilter(
        label="Statut", choices=ActionStage.choices, empty_label="Tous les statuts"
    )

    class Meta:
        model = CommuneAction
        fields = ["theme", "stage"]
