"""Forms of the relais network space: the showcase's post, its report, and the network's topics."""

import django_filters
from django import forms

from pacte.filters import commune_filter, theme_filter
from pacte.forms import CommuneChoiceField, MultiplePhotoField
from pacte.models import Event, Theme

from ..enums import TargetPublic
from .models import MAX_HEADCOUNT, MAX_PHOTOS, ShowcaseAction


class ShowcaseForm(forms.Form):
    """A labelled association's action, as its referent tells it. `organisations`: the labelled
    associations the referent may post for; events are those they organise."""

    organisation = forms.ModelChoiceField(label="Association", queryset=None, empty_label=None)
    title = forms.CharField(
        label="Titre", max_length=150, help_text="Par exemple : atelier de réparation de vélos au marché."
    )
    text = forms.CharField(
        label="Récit de l'action",
        widget=forms.Textarea,
        max_length=5000,
        help_text="Ce que vous avez fait, avec qui, ce que cela a donné, ce qu'il faut pour le refaire.",
    )
    themes = forms.ModelMultipleChoiceField(
        label="Thèmes", queryset=Theme.objects.active(), required=False, widget=forms.CheckboxSelectMultiple
    )
    commune = CommuneChoiceField(
        label="Commune", required=True, empty_label=None, help_text="Où l'action a eu lieu."
    )
    public_category = forms.ChoiceField(label="Public touché", choices=TargetPublic.choices)
    headcount = forms.IntegerField(
        label="Nombre de personnes touchées",
        required=False,
        min_value=1,
        max_value=MAX_HEADCOUNT,
        help_text=f"Une estimation suffit (de 1 à {MAX_HEADCOUNT:_}).".replace("_", " "),
    )
    event = forms.ModelChoiceField(
        label="Événement de l'agenda",
        queryset=Event.objects.none(),
        required=False,
        empty_label="Aucun",
        help_text="Si l'action était un événement de votre association dans l'agenda du PACTE.",
    )
    photos = MultiplePhotoField(
        max_photos=MAX_PHOTOS,
        label="Photos",
        required=False,
        help_text=f"Jusqu'à {MAX_PHOTOS} photos (JPEG, PNG, WebP ou GIF). "
        "Leurs métadonnées (position GPS, appareil) sont retirées.",
    )

    def __init__(self, *args, organisations, action: ShowcaseAction | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["event"].queryset = (
            Event.objects.filter(organiser__in=organisations)
            .select_related("organiser")
            .order_by("-starts_at")
        )
        if action is not None:
            # The post stays its association's: only its content changes.
            del self.fields["organisation"]
            self.fields["remove_photos"] = forms.ModelMultipleChoiceField(
                label="Photos à retirer",
                queryset=action.photos.all(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        elif organisations.count() == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = organisations.first()

    def clean(self):
        data = super().clean()
        event, organisation = data.get("event"), data.get("organisation")
        if event and organisation and event.organiser_id != organisation.pk:
            self.add_error("event", "Cet événement n'est pas organisé par cette association.")
        return data


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="Motif du signalement",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Pourquoi cette action ne devrait-elle pas être dans la vitrine ? L'équipe du PACTE la relit.",
    )


class TopicForm(forms.Form):
    title = forms.CharField(label="Sujet", max_length=150)
    body = forms.CharField(label="Message", widget=forms.Textarea, max_length=10000)


class ReplyForm(forms.Form):
    body = forms.CharField(label="Votre réponse", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)


class ShowcaseFilter(django_filters.FilterSet):
    theme = theme_filter("themes")
    commune = commune_filter("commune")

    class Meta:
        model = ShowcaseAction
        fields = ["theme", "commune"]
