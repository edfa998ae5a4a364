from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from pacte.forms import CommuneSelect, MultiplePhotoField
from pacte.models import Commune, Theme
from pacte.models.events import MAX_PEOPLE

from .models.practices import MAX_PHOTOS

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def themes_field(**kwargs):
    return forms.ModelMultipleChoiceField(
        label="Thèmes",
        queryset=Theme.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


class ClubPresentationForm(forms.Form):
    summary = forms.CharField(
        label="Présentation courte",
        max_length=300,
        required=False,
        help_text="Une phrase, affichée dans la liste des clubs.",
    )
    description = forms.CharField(label="Présentation", widget=forms.Textarea, required=False)
    themes = themes_field()
    commune = forms.ModelChoiceField(
        widget=CommuneSelect,
        label="Commune",
        queryset=Commune.objects.all(),
        required=False,
        empty_label="Plusieurs communes",
    )
    meeting_place = forms.CharField(
        label="Lieu de rencontre habituel",
        max_length=200,
        required=False,
        help_text="Un lieu public, jamais une adresse personnelle.",
    )
    meeting_schedule = forms.CharField(
        label="Rythme des rencontres",
        max_length=200,
        required=False,
        help_text="Par exemple : le premier jeudi du mois à 18 h.",
    )
    email = forms.EmailField(label="E-mail de contact du club", required=False)
    mail_reply_to = forms.EmailField(
        label="Adresse de réponse aux e-mails du club",
        required=False,
        help_text="Les réponses des membres aux e-mails du club arriveront à cette adresse.",
    )
    mail_signature = forms.CharField(
        label="Signature des e-mails du club",
        max_length=200,
        required=False,
        help_text="Par exemple : Camille, pour le club.",
    )

    @classmethod
    def initial_for(cls, club):
        organisation = club.organisation
        return {
            "summary": organisation.summary,
            "description": organisation.description,
            "themes": list(organisation.themes.all()),
            "commune": organisation.commune,
            "email": organisation.email,
            "meeting_place": club.meeting_place,
            "meeting_schedule": club.meeting_schedule,
            "mail_reply_to": club.mail_reply_to,
            "mail_signature": club.mail_signature,
        }


class MeetingForm(forms.Form):
    title = forms.CharField(label="Titre de la rencontre", max_length=200)
    summary = forms.CharField(
        label="Résumé", max_length=300, required=False, help_text="Une phrase, affichée dans l'agenda."
    )
    description = forms.CharField(label="Description", widget=forms.Textarea, required=False)
    themes = themes_field()
    commune = forms.ModelChoiceField(
        widget=CommuneSelect,
        label="Commune",
        queryset=Commune.objects.all(),
        empty_label="Choisir une commune",
    )
    place = forms.CharField(
        label="Lieu", max_length=200, help_text="Par exemple : salle des fêtes, jardin partagé…"
    )
    address = forms.CharField(label="Adresse du lieu", max_length=250, required=False)
    starts_at = forms.DateTimeField(
        label="Début", widget=DATETIME_WIDGET, help_text="Date et heure, par exemple 14/05/2026 18:00."
    )
    ends_at = forms.DateTimeField(label="Fin", widget=DATETIME_WIDGET)
    registration_required = forms.BooleanField(label="Sur inscription", required=False, initial=True)
    capacity = forms.IntegerField(
        label="Nombre de places",
        min_value=1,
        max_value=MAX_PEOPLE,
        required=False,
        help_text="Laisser vide pour un nombre illimité.",
    )
    registration_opens_at = forms.DateTimeField(
        label="Ouverture des inscriptions",
        widget=DATETIME_WIDGET,
        required=False,
        help_text="Laisser vide : dès maintenant.",
    )
    registration_closes_at = forms.DateTimeField(
        label="Clôture des inscriptions",
        widget=DATETIME_WIDGET,
        required=False,
        help_text="Laisser vide : au début de la rencontre.",
    )

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise ValidationError("La rencontre doit commencer dans le futur.")
        return starts_at

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        opens_at, closes_at = data.get("registration_opens_at"), data.get("registration_closes_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "La fin doit être après le début.")
        if data.get("registration_required"):
            if starts_at and closes_at and closes_at > starts_at:
                self.add_error(
                    "registration_closes_at",
                    "Les inscriptions doivent fermer au plus tard au début de la rencontre.",
                )
            if opens_at and closes_at and closes_at <= opens_at:
                self.add_error(
                    "registration_closes_at", "La clôture doit suivre l'ouverture des inscriptions."
                )
            if opens_at and starts_at and opens_at >= starts_at:
                self.add_error("registration_opens_at", "Les inscriptions doivent ouvrir avant la rencontre.")
        return data


class MailingForm(forms.Form):
    subject = forms.CharField(label="Objet", max_length=150)
    message = forms.CharField(
        label="Message",
        widget=forms.Textarea,
        max_length=10000,
        help_text="Texte simple. « Bonjour Prénom » et votre signature sont ajoutés si vous ne les écrivez pas ; "
        "les réponses des membres vous arrivent. Chaque e-mail porte un lien pour ne plus recevoir les e-mails du club.",
    )


class PracticeForm(forms.Form):
    title = forms.CharField(
        label="Titre", max_length=150, help_text="Par exemple : un composteur en pied d'immeuble."
    )
    text = forms.CharField(
        label="Description",
        widget=forms.Textarea,
        max_length=10000,
        help_text="Ce que vous faites, comment, ce qu'il faut pour commencer.",
    )
    themes = themes_field()
    photos = MultiplePhotoField(
        max_photos=MAX_PHOTOS,
        label="Photos",
        required=False,
        help_text=f"Jusqu'à {MAX_PHOTOS} photos (JPEG, PNG, WebP ou GIF, 8 Mo au plus chacune). "
        "Leurs métadonnées (position GPS, appareil) sont retirées.",
    )


class PracticeEditForm(forms.Form):
    title = PracticeForm.base_fields["title"]
    text = PracticeForm.base_fields["text"]
    themes = themes_field()


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Il est envoyé à l'auteur si la pratique est masquée, et gardé dans le journal.",
    )


class PracticeReplyForm(forms.Form):
    text = forms.CharField(label="Votre réponse", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class PracticeReportForm(forms.Form):
    reason = forms.CharField(
        label="Motif du signalement",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Pourquoi cette pratique ne devrait-elle pas être publiée ? Les animateurs du club la relisent.",
    )


class TopicForm(forms.Form):
    title = forms.CharField(label="Sujet", max_length=150)
    body = forms.CharField(label="Message", widget=forms.Textarea, max_length=10000)


class ReplyForm(forms.Form):
    body = forms.CharField(label="Votre réponse", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
