from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from pacte.documents import MAX_DOCUMENT_BYTES
from pacte.forms import MultipleFileInput, MultiplePhotoField
from pacte.models import Theme

from .enums import ActionStage
from .models.actions import MAX_BUDGET, MAX_DOCUMENTS, MAX_PHOTOS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MultipleDocumentField(forms.FileField):
    """Several documents in one input; the service checks each by its content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        from pacte.documents import sniff_document

        files = [f for f in (data if isinstance(data, list | tuple) else [data] if data else []) if f]
        if len(files) > MAX_DOCUMENTS:
            raise ValidationError(f"{MAX_DOCUMENTS} documents au plus : vous en avez choisi {len(files)}.")
        errors = []
        for uploaded in files:
            super().clean(uploaded, initial)
            try:
                sniff_document(uploaded)
            except ValidationError as error:
                errors.append(ValidationError(f"{uploaded.name} : {error.messages[0]}", code=error.code))
        if errors:
            raise ValidationError(errors)
        return [(uploaded.name.rsplit(".", 1)[0], uploaded) for uploaded in files]


class ActionForm(forms.Form):
    title = forms.CharField(
        label="Titre", max_length=150, help_text="Par exemple : extinction de l'éclairage public la nuit."
    )
    theme = forms.ModelChoiceField(
        label="Thème", queryset=Theme.objects.active(), empty_label="Choisir un thème"
    )
    stage = forms.ChoiceField(label="Statut", choices=ActionStage.choices)
    description = forms.CharField(
        label="Description",
        widget=forms.Textarea,
        max_length=10000,
        help_text="Ce que fait la commune, pourquoi, comment.",
    )
    is_experiment = forms.BooleanField(label="Expérimentation PACTE", required=False)
    starts_on = forms.DateField(label="Début", required=False, widget=DATE_WIDGET)
    ends_on = forms.DateField(label="Fin", required=False, widget=DATE_WIDGET)
    budget = forms.IntegerField(
        label="Budget (euros)",
        required=False,
        min_value=0,
        max_value=MAX_BUDGET,
        help_text="Montant total en euros, sans centimes.",
    )
    partners = forms.CharField(
        label="Partenaires", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000, required=False
    )
    public_reached = forms.CharField(
        label="Public touché",
        max_length=300,
        required=False,
        help_text="Par exemple : 450 élèves des trois écoles.",
    )
    results = forms.CharField(
        label="Résultats", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )
    photos = MultiplePhotoField(
        max_photos=MAX_PHOTOS,
        label="Ajouter des photos",
        required=False,
        help_text=f"Jusqu'à {MAX_PHOTOS} photos par action (JPEG, PNG, WebP ou GIF). "
        "Leurs métadonnées (position GPS, appareil) sont retirées.",
    )
    documents = MultipleDocumentField(
        label="Ajouter des documents",
        required=False,
        help_text=f"Jusqu'à {MAX_DOCUMENTS} documents par action : PDF, Word, Excel, PowerPoint ou "
        f"OpenDocument, {MAX_DOCUMENT_BYTES // (1024 * 1024)} Mo au plus chacun.",
    )

    FIELDS = (
        "title",
        "theme",
        "stage",
        "description",
        "is_experiment",
        "starts_on",
        "ends_on",
        "budget",
        "partners",
        "public_reached",
        "results",
    )

    def __init__(self, *args, action=None, **kwargs):
        if action is not None:
            kwargs.setdefault("initial", {name: getattr(action, name) for name in self.FIELDS})
        super().__init__(*args, **kwargs)
        self.action = action
        if action is not None:
            photos = list(action.photos.all())
            documents = list(action.documents.all())
            if photos:
                self.fields["remove_photos"] = forms.ModelMultipleChoiceField(
                    label="Retirer des photos",
                    queryset=action.photos.all(),
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
                self.fields["remove_photos"].label_from_instance = lambda p: f"Photo {p.position + 1}"
            if documents:
                self.fields["remove_documents"] = forms.ModelMultipleChoiceField(
                    label="Retirer des documents",
                    queryset=action.documents.all(),
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "La fin ne peut précéder le début.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        values = {name: data[name] for name in self.FIELDS}
        for text in ("partners", "public_reached", "results"):
            values[text] = values[text] or ""
        values["photos"] = data.get("photos") or []
        values["documents"] = data.get("documents") or []
        if self.action is not None:
            values["remove_photos"] = list(data.get("remove_photos") or [])
            values["remove_documents"] = list(data.get("remove_documents") or [])
        return values


class ReplicationForm(forms.Form):
    message = forms.CharField(
        label="Votre premier message à la commune",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="Il ouvre une conversation entre vos deux communes dans les échanges du réseau.",
    )

    def __init__(self, *args, own_actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"] = forms.ModelChoiceField(
            label="Votre action qui s'en inspire",
            queryset=own_actions,
            required=False,
            empty_label="Créer un projet à partir de cette action",
            help_text="Sans choix, un projet est créé pour votre commune ; il sera relu avant publication.",
        )
        self.order_fields(["action", "message"])


class CommitmentProgressForm(forms.Form):
    progress = forms.IntegerField(label="Avancement (%)", min_value=0, max_value=100)
    progress_note = forms.CharField(label="Où en est-on ?", max_length=300, required=False)


class TopicForm(forms.Form):
    title = forms.CharField(label="Sujet", max_length=150)
    body = forms.CharField(label="Message", widget=forms.Textarea, max_length=10000)


class ReplyForm(forms.Form):
    body = forms.CharField(label="Votre réponse", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)


class MeetingForm(forms.Form):
    title = forms.CharField(label="Titre de la rencontre", max_length=200)
    summary = forms.CharField(
        label="Résumé", max_length=300, required=False, help_text="Une phrase, pour l'agenda."
    )
    description = forms.CharField(
        label="Description", widget=forms.Textarea, required=False, max_length=10000
    )
    place = forms.CharField(
        label="Lieu", max_length=200, help_text="Par exemple : salle du conseil municipal."
    )
    address = forms.CharField(label="Adresse du lieu", max_length=250, required=False)
    starts_at = forms.DateTimeField(label="Début", widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label="Fin", widget=DATETIME_WIDGET)
    capacity = forms.IntegerField(
        label="Nombre de places",
        min_value=1,
        max_value=10000,
        required=False,
        help_text="Laisser vide pour une rencontre sans inscription.",
    )

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise ValidationError("La rencontre doit commencer dans le futur.")
        return starts_at

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "La fin doit être après le début.")
        return data
