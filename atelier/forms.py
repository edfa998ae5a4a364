from datetime import datetime, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from pacte.models import Theme

from .enums import Frequency
from .models import Application, Space
from .models.calls import MAX_SCORE

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")


class ProjectStepForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["project_title", "project"]
        widgets = {"project": forms.Textarea(attrs={"rows": 8})}


class NeedsStepForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["needed_spaces", "frequency", "hours_per_week"]
        widgets = {"needed_spaces": forms.CheckboxSelectMultiple, "frequency": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needed_spaces"].queryset = Space.objects.active()
        self.fields["frequency"].choices = Frequency.choices
        self.fields["frequency"].required = False


class PublicStepForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["partners", "themes", "expected_public", "expected_attendance"]
        widgets = {"themes": forms.CheckboxSelectMultiple, "partners": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.active()


STEPS = {
    # slug: (title, form class)
    "projet": ("Le projet", ProjectStepForm),
    "besoins": ("Besoins en espaces", NeedsStepForm),
    "public": ("Partenaires et public", PublicStepForm),
}
# Where each field is filled in, for the completeness check's links.
FIELD_STEP = {name: slug for slug, (_title, form_class) in STEPS.items() for name in form_class._meta.fields}


class DocumentsForm(forms.Form):
    """One file field per document the call asks for (a file already given may stay)."""

    def __init__(self, *args, required_documents=(), attached=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.required_documents = list(required_documents)
        for required in self.required_documents:
            already = required.pk in attached
            self.fields[f"document-{required.pk}"] = forms.FileField(
                label=required.label,
                required=False,
                help_text=(required.help_text + " " if required.help_text else "")
                + ("Déjà joint : choisissez un fichier pour le remplacer. " if already else "")
                + "PDF, Word, Excel ou OpenDocument, 10 Mo au plus.",
            )


class BookingForm(forms.Form):
    space = forms.ModelChoiceField(label="Espace", queryset=Space.objects.none(), empty_label=None)
    day = forms.DateField(label="Jour", widget=DATE_WIDGET)
    start = forms.TimeField(label="Début", widget=TIME_WIDGET)
    end = forms.TimeField(label="Fin", widget=TIME_WIDGET)
    title = forms.CharField(label="Objet", max_length=200, help_text="Par exemple : réunion du bureau.")
    expected_people = forms.IntegerField(label="Personnes attendues", min_value=1, max_value=500, initial=1)
    repeat = forms.BooleanField(label="Répéter chaque semaine", required=False)
    until = forms.DateField(
        label="Jusqu'au (inclus)",
        required=False,
        widget=DATE_WIDGET,
        help_text="Pour une série : chaque occurrence est vérifiée, les conflits listés avant de confirmer.",
    )

    def __init__(self, *args, spaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = spaces if spaces is not None else Space.objects.none()

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            data["starts_at"] = timezone.make_aware(datetime.combine(day, start))
            data["ends_at"] = timezone.make_aware(datetime.combine(day, end))
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", "La fin doit venir après le début.")
        if data.get("repeat"):
            until = data.get("until")
            if not until:
                self.add_error("until", "Indiquez jusqu'à quand répéter la réservation.")
            elif day and until < day:
                self.add_error("until", "La fin de la série vient avant le premier jour.")
            elif day and until > day + timedelta(days=365):
                self.add_error("until", "Une série dure au plus un an.")
        return data


class PublishEventForm(forms.Form):
    title = forms.CharField(label="Titre de l'événement", max_length=200)
    summary = forms.CharField(label="Résumé", max_length=300, required=False)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    registration_required = forms.BooleanField(label="Sur inscription", required=False, initial=True)
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=500,
        required=False,
        help_text="Au plus la capacité de l'espace.",
    )
    themes = forms.ModelMultipleChoiceField(
        label="Thèmes", queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.active()


class RefusalForm(forms.Form):
    reason = forms.CharField(label="Motif du refus", max_length=300)


def review_form_class(criteria):
    """A form with one 0–5 score per criterion of the call, and the reviewer's private note."""
    fields = {
        f"criterion-{criterion.pk}": forms.IntegerField(
            label=f"{criterion.label} (pondération {criterion.weight})",
            min_value=0,
            max_value=MAX_SCORE,
            validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)],
            help_text=criterion.description,
        )
        for criterion in criteria
    }
    fields["note"] = forms.CharField(
        label="Note privée",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Lue par l'équipe seulement, jamais par l'association.",
    )
    return type("ReviewForm", (forms.Form,), fields)
