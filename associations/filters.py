import django_filters

from pacte.filters import commune_filter, theme_filter
from pacte.models import Organisation


class AssociationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom", field_name="name", lookup_expr="icontains")
    theme = theme_filter("themes")
    commune = commune_filter("commune")

    class Meta:
        model = Organisation
        fields = ["q", "theme", "commune"]
