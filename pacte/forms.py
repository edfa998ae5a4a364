from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from .enums import MembershipRole, PublicCategory
from .images import process_image
from .models import Commune, Event, Organisation, Theme, User
from .models.events import MAX_PEOPLE


class CommuneSelect(forms.Select):
    """The list of the 71 communes; static/js/pacte.js lets people type into it (datalist)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-combobox": "", **(attrs or {})}, choices)


class CommuneChoiceField(forms.ModelChoiceField):
    """One of the 71 communes, in French order (Commune.sort_name), typed into with pacte.js."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", CommuneSelect)
        kwargs.setdefault("queryset", Commune.objects.all())
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "Hors de la Métropole ou non précisée")
        kwargs.setdefault("label", "Commune de résidence")
        super().__init__(**kwargs)


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form gains: only what the programme needs (RGPD minimisation).

    allauth builds its sign-up form on top of this class; `field_order` puts the account fields
    (allauth's) before the profile fields (ours).
    """

    field_order = ["email", "password1", "password2", "first_name", "last_name", "home_commune", "category"]

    first_name = forms.CharField(label="Prénom", max_length=150, required=True)
    last_name = forms.CharField(label="Nom", max_length=150, required=True)
    home_commune = CommuneChoiceField()
    category = forms.ChoiceField(
        label="Vous êtes", choices=PublicCategory.choices, initial=PublicCategory.HABITANT
    )

    def signup(self, request, user):
        """allauth hook; the adapter already copied the fields."""


class ProfileForm(forms.ModelForm):
    home_commune = CommuneChoiceField()

    class Meta:
        model = User
        fields = ["first_name", "last_name", "home_commune", "category"]


class AccountDeletionForm(forms.Form):
    confirm = forms.BooleanField(
        label="Je comprends que mon compte sera supprimé définitivement.",
        required=True,
        error_messages={"required": "Cochez la case pour confirmer la suppression."},
    )


class AttendanceForm(forms.Form):
    walk_in_count = forms.IntegerField(
        label="Personnes venues sans inscription", min_value=0, max_value=MAX_PEOPLE, initial=0
    )

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"] = forms.MultipleChoiceField(
            label="Personnes inscrites présentes",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(r.pk, r.user.display_name if r.user_id else "Compte supprimé") for r in registrations],
        )


# --- Ma structure -----------------------------------------------------------------------------


def _themes_field():
    return forms.ModelMultipleChoiceField(
        label="Thèmes",
        queryset=Theme.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class LogoField(forms.FileField):
    """An image checked by content and re-encoded without metadata (pacte.images)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded or uploaded is initial:
            return None
        return process_image(uploaded)


class OrganisationPageForm(forms.ModelForm):
    """What a référent edits on the organisation's public page."""

    themes = _themes_field()
    commune = CommuneChoiceField(label="Commune", empty_label="Hors de la Métropole")
    logo = LogoField(
        label="Logo",
        required=False,
        help_text="JPEG, PNG, WebP ou GIF. Les métadonnées de l'image (position GPS…) sont retirées.",
    )
    remove_logo = forms.BooleanField(label="Retirer le logo actuel", required=False)

    class Meta:
        model = Organisation
        fields = ["summary", "description", "email", "phone", "website", "commune", "themes"]
        # Text inputs with an input mode rather than type=email/url: a wrong address typed is shown
        # back as typed, and a type=url input holding "x" would not be valid HTML.
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "email": forms.TextInput(attrs={"inputmode": "email", "autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "website": forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
        }
        help_texts = {
            "summary": "Une ou deux phrases, reprises dans les listes.",
            "website": "Adresse complète, par exemple https://exemple.fr.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.logo:
            del self.fields["remove_logo"]
        self.fields["description"].max_length = 10000
        self.fields["description"].validators.append(MaxLengthValidator(10000))


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail",
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "off"}),
        help_text="Si la personne a déjà un compte, elle est ajoutée tout de suite ; sinon elle reçoit "
        "une invitation par e-mail pour créer son compte et rejoindre la structure.",
    )
    role = forms.ChoiceField(label="Rôle", choices=MembershipRole.choices, initial=MembershipRole.MEMBER)


class EventProposalForm(forms.ModelForm):
    """A référent's event: the DACTE publishes it, unless the organisation publishes directly."""

    themes = _themes_field()
    commune = CommuneChoiceField(label="Commune", empty_label="Non précisée")
    capacity = forms.IntegerField(
        label="Places",
        required=False,
        min_value=1,
        max_value=MAX_PEOPLE,
        help_text="Laisser vide pour un nombre illimité.",
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "action",
            "summary",
            "description",
            "themes",
            "starts_at",
            "ends_at",
            "place",
            "address",
            "commune",
            "registration_required",
            "audience",
            "capacity",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"starts_at": "Date et heure, par exemple 14/03/2027 18:30."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and starts_at <= timezone.now():
            self.add_error("starts_at", "La date de début doit être dans le futur.")
        if starts_at and ends_at and ends_at < starts_at:
            self.add_error("ends_at", "La fin doit venir après le début.")
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input, at most `max_photos`; each goes through
    pacte.images.process_image, and the photos of one form share a pixel budget
    (PACTE_IMAGE_FORM_PIXELS) so that one request decodes a bounded amount whatever the number
    of files. Cleans to a list of ProcessedImage."""

    def __init__(self, *args, max_photos: int = 6, **kwargs):
        self.max_photos = max_photos
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [f for f in files if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_photos:
            raise ValidationError(
                f"{self.max_photos} photos au plus : vous en avez choisi {len(files)}.", code="too_many"
            )
        processed, errors = [], []
        # The photos of one form share a pixel budget, so one request decodes a bounded amount.
        budget = settings.PACTE_IMAGE_FORM_PIXELS
        for uploaded in files:
            uploaded = super().clean(uploaded, initial)
            together = ValidationError(
                f"{uploaded.name} : les photos envoyées ensemble sont trop grandes ; "
                "envoyez-en moins à la fois.",
                code="form_pixels",
            )
            if budget <= 0:
                errors.append(together)
                continue
            try:
                image = process_image(uploaded, max_pixels=budget)
                processed.append(image)
                budget -= image.source_pixels
            except ValidationError as error:
                if error.code == "image_too_many_pixels" and budget < settings.PACTE_IMAGE_MAX_PIXELS:
                    errors.append(together)
                    continue
                errors.append(ValidationError(f"{uploaded.name} : {error.messages[0]}", code=error.code))
        if errors:
            raise ValidationError(errors)
        return processed
