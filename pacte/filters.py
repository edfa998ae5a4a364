import django_filters
from django import forms

from .enums import Action
from .models import Commune, Event, Theme


def theme_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    """The shared « Thème » filter of the portal's lists, by slug in the URL."""
    return django_filters.ModelChoiceFilter(
        label="Thème",
        field_name=field_name,
        to_field_name="slug",
        queryset=Theme.objects.active(),
        empty_label="Tous les thèmes",
    )


def commune_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    """The shared « Commune » filter: one of the 71 communes, by slug in the URL."""
    return django_filters.ModelChoiceFilter(
        label="Commune",
        field_name=field_name,
        to_field_name="slug",
        queryset=Commune.objects.all(),
        empty_label="Toutes les communes",
    )


class EventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        label="Action", choices=Action.choices, empty_label="Toutes les actions"
    )
    theme = theme_filter("themes")
    commune = commune_filter("commune")
    date_from = django_filters.DateFilter(
        label="À partir du",
        field_name="starts_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label="Jusqu'au",
        field_name="starts_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    places_left = django_filters.BooleanFilter(
        label="Avec des places disponibles",
        method="filter_places_left",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Event
        fields = ["action", "theme", "commune", "date_from", "date_to", "places_left"]

    def filter_places_left(self, queryset, name, value):
        return queryset.with_places_left() if value else queryset
