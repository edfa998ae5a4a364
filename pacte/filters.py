import django_filters
from django import forms

from .enums import Action
from .forms import CommuneSelect
from .models import Commune, Event, Theme
from .prepared import PreparedQuery


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
        widget=CommuneSelect,
    )


# The person's home commune, by a statement compiled once per process (pacte.prepared): through
# `user.home_commune` the ORM built the query anew on every signed-in list page (about 1 ms).
_COMMUNE = PreparedQuery(lambda pk: Commune.objects.filter(pk=pk).order_by()[:1], pk=int)


def _home_commune(user):
    field = user._meta.get_field("home_commune")
    if field.is_cached(user):
        return user.home_commune
    commune = _COMMUNE.first(pk=user.home_commune_id)
    if commune is not None:
        field.set_cached_value(user, commune)  # as if read through user.home_commune
    return commune


def with_home_commune(request, param: str = "commune"):
    """A list's filters: the visitor's own, or, when they chose none, their home commune.

    Returns (data, applied). An explicit empty `commune=` is the "toutes les communes" switch and
    is kept as is. Anonymous visitors (the cached pages) are never filtered.
    """
    user = request.user
    if request.GET or not user.is_authenticated or not getattr(user, "home_commune_id", None):
        return request.GET, False
    commune = _home_commune(user)
    if commune is None:
        return request.GET, False
    data = request.GET.copy()
    data[param] = commune.slug
    return data, True


def commune_switch(filterset, query, home_applied: bool, param: str = "commune") -> dict | None:
    """What components/commune_switch.html shows when a list is filtered on one commune."""
    form = filterset.form
    commune = form.cleaned_data.get(param) if filterset.is_bound and form.is_valid() else None
    if commune is None:
        return None
    everywhere = query.copy()
    everywhere[param] = ""
    everywhere.pop("page", None)
    return {"commune": commune, "home_applied": home_applied, "all_query": everywhere.urlencode()}


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
