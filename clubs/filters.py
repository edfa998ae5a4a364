import django_filters

from pacte.enums import OrganisationKind
from pacte.filters import commune_filter, theme_filter
from pacte.models import Organisation

from .enums import ClubType
from .models import Club, Practice


class ClubFilter(django_filters.FilterSet):
    club_type = django_filters.ChoiceFilter(
        label="Type de club", choices=ClubType.choices, empty_label="Tous les types"
    )
    theme = theme_filter("organisation__themes")
    commune = commune_filter("organisation__commune")

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
    theme = theme_filter("themes")
    commune = commune_filter("club__organisation__commune")

    class Meta:
        model = Practice
        fields = ["club", "theme", "commune"]
