from django import forms
from django.utils import timezone

from pacte.forms import LogoField, MultiplePhotoField
from pacte.models import Event, Theme

from ..access import labelled_organisations, referent_organisations
from .enums import CopyCondition
from .models import MAX_AGE, MAX_LOAN_DAYS, MAX_PHOTOS, Tool

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class ToolForm(forms.ModelForm):
    themes = forms.ModelMultipleChoiceField(
        label="Thèmes", queryset=Theme.objects.active(), required=False, widget=forms.CheckboxSelectMultiple
    )
    age_min = forms.IntegerField(label="Âge minimum", required=False, min_value=0, max_value=MAX_AGE)
    age_max = forms.IntegerField(label="Âge maximum", required=False, min_value=0, max_value=MAX_AGE)
    photos = MultiplePhotoField(
        label="Photos",
        required=False,
        max_photos=MAX_PHOTOS,
        help_text=f"{MAX_PHOTOS} au plus, JPEG, PNG, WebP ou GIF. Les métadonnées (position GPS…) sont retirées.",
    )

    class Meta:
        model = Tool
        fields = ["title", "kind", "summary", "description", "themes", "public", "age_min", "age_max"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # The owner is chosen once, at creation: a référent's labelled associations; staff may
            # also file a tool for the Métropole (the empty choice) or any labelled association.
            staff = user is not None and _is_staff(user)
            queryset = labelled_organisations() if staff else referent_organisations(user)
            self.fields["owner"] = forms.ModelChoiceField(
                label="Propriétaire",
                queryset=queryset.order_by("name"),
                required=not staff,
                empty_label="Métropole Rouen Normandie" if staff else None,
            )
            self.order_fields(["owner", *self.Meta.fields])

    def clean(self):
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and high < low:
            self.add_error("age_max", "L'âge maximum doit être supérieur ou égal à l'âge minimum.")
        return data

    def service_fields(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("title", "kind", "summary", "description", "public", "age_min", "age_max")
        }


def _is_staff(user) -> bool:
    from pacte.permissions import acts_as_staff

    return acts_as_staff(user)


class ToolFileForm(forms.Form):
    title = forms.CharField(label="Titre du fichier", max_length=150)
    file = forms.FileField(
        label="Fichier", help_text="PDF, Word, Excel, PowerPoint ou OpenDocument, 10 Mo au plus."
    )
    is_public = forms.BooleanField(label="Public (sinon réservé aux membres du réseau)", required=False)


class CopyForm(forms.Form):
    label = forms.CharField(label="Nom de l'exemplaire", max_length=80, initial="Exemplaire 1")
    location = forms.CharField(label="Lieu de retrait", max_length=200)
    condition = forms.ChoiceField(label="État", choices=CopyCondition.choices, initial=CopyCondition.GOOD)


class LoanRequestForm(forms.Form):
    copy = forms.ModelChoiceField(label="Exemplaire", queryset=None, empty_label=None)
    borrower = forms.ModelChoiceField(label="Pour l'association", queryset=None, empty_label=None)
    start_on = forms.DateField(label="Du", widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    end_on = forms.DateField(
        label="Au (inclus)",
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        help_text=f"Un prêt dure {MAX_LOAN_DAYS} jours au plus.",
    )
    event = forms.ModelChoiceField(
        label="Événement servi",
        queryset=None,
        required=False,
        empty_label="Aucun événement de l'agenda",
        help_text="Un événement à venir de votre association, s'il y en a un.",
    )
    message = forms.CharField(
        label="Message pour l'association qui prête",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, tool, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = referent_organisations(user).order_by("name")
        self.fields["copy"].queryset = tool.copies.filter(is_active=True).order_by("label")
        self.fields["borrower"].queryset = organisations
        self.fields["event"].queryset = (
            Event.objects.filter(organiser__in=organisations, ends_at__gte=timezone.now())
            .select_related("organiser")
            .order_by("starts_at")
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", "La fin du prêt doit venir après son début.")
        return data


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    condition = forms.ChoiceField(
        label="État au retour", choices=CopyCondition.choices, initial=CopyCondition.GOOD
    )
    note = forms.CharField(
        label="Remarques sur l'état",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HandoffForm(forms.Form):
    note = forms.CharField(
        label="État de l'exemplaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = LogoField(
        label="Photo (facultative)",
        required=False,
        help_text="JPEG, PNG, WebP ou GIF ; les métadonnées sont retirées.",
    )
