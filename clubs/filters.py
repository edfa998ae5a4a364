import django_filters

from pacte.enums import OrganisationKind
from pacte.models import Commune, Organisation, Theme

from .enums import ClubType
from .models import Club, Practice


class ClubFilter(django_filters.FilterSet):
    club_type = django_filters.ChoiceFilter(
        label="Type de club", choices=ClubType.choices, empty_label="Tous les types"
    )
    theme = django_filters.ModelChoiceFilter(
        label="Thème",
        field_name="organisation__themes",
        to_field_name="slug",
        queryset=Theme.objects.active(),
        empty_label="Tous les thèmes",
    )
    commune = django_filters.ModelChoiceFilter(
        label="Commune",
        field_name="organisation__commune",
        to_field_name="slug",
        queryset=Commune.objects.all(),
        empty_label="Toutes les communes",
    )

    class Meta:
        model = Club
        fields = ["club_type", "theme", "commune"]


class PracticeFilter(django_filters.FilterSet):
    club = django_filters.ModelChoiceFilter(
        label="Club",
        field_name="club__organisation",
        to_field_name="slug",
        queryset=Organisation.objects.active().filter(kind=OrganisationKind.CLUB, club__isnull=False),
        empty_label="Tous les clubs",
    )
    theme = django_filters.ModelChoiceFilter(
        label="Thème",
        field_name="themes",
        to_field_name="slug",
        queryset=Theme.objects.active(),
        empty_label="Tous les thèmes",
    )
    commune = django_filters.ModelChoiceFilter(
        label="Commune",
        field_name="club__organisation__commune",
        to_field_name="slug",
        queryset=Commune.objects.all(),
        empty_label="Toutes les communes",
    )

    class Meta:
        model = Practice
        fields = ["club", "theme", "commune"]
