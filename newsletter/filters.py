import django_filters
from django import forms
from django.db.models import Q

from pacte.filters import commune_filter, theme_filter

from .models import ExperienceSheet


class SheetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text="Un mot du titre, du résumé, de l'action ou des partenaires.",
    )
    theme = theme_filter("themes")
    commune = commune_filter("commune")

    class Meta:
        model = ExperienceSheet
        fields = ["q", "theme", "commune"]

    def search(self, queryset, name, value):
        words = value.split()[:6]
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(action__icontains=word)
                | Q(partners__icontains=word)
                | Q(context__icontains=word)
            )
        return queryset
