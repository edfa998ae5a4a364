"""Questionnaires sent to the people who came to an event, their answers, and the follow-up
questionnaire months later that measures what changed.

Privacy is built into the tables: a response to an anonymous questionnaire has no person and no
invitation (the invitation only records that it was used, on which day), and both carry the day,
not the time, so that they cannot be matched by timestamps or by order. Results are shown only from `min_answers` answers.
"""

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.crypto import constant_time_compare, salted_hmac

from indicators.access import reads_indicators
from pacte.enums import Action
from pacte.models.base import TimeStampedModel

__all__ = [
    "Answer",
    "Invitation",
    "Question",
    "QuestionKind",
    "Response",
    "ResponseChannel",
    "Survey",
    "SurveyOptOut",
    "SurveyStatus",
]

MIN_ANSWERS_FLOOR = 3
MIN_ANSWERS_CEILING = 50
MAX_DELAY_DAYS = 60
MAX_FOLLOW_UP_MONTHS = 24
MAX_QUESTIONS_POSITION = 1000
MAX_TEXT_ANSWER = 2000
SCALE = range(1, 6)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    OPEN = "open", "Ouvert"
    CLOSED = "closed", "Clos"


class QuestionKind(models.TextChoices):
    SCALE = "scale", "Échelle de 1 à 5"
    YES_NO = "yes_no", "Oui / non"
    SINGLE = "single", "Choix unique"
    MULTIPLE = "multiple", "Choix multiples"
    TEXT = "text", "Réponse libre"


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def new_secret() -> str:
    return secrets.token_hex(16)  # 32 hex digits, 128 bits


def new_open_code() -> str:
    # 8 URL-safe characters from secrets: short enough to type from a poster, not enumerable.
    return secrets.token_urlsafe(6)


class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every questionnaire for those who read the indicators, none for anyone else."""
        return self if reads_indicators(user) else self.none()

    def for_listing(self):
        # Counts as subqueries: joining answers and invitations at once would multiply the rows.
        def count_of(model, condition=None):
            rows = model.objects.filter(condition or Q(), survey=OuterRef("pk")).order_by().values("survey")
            return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

        return (
            self.select_related("event", "follow_up_of")
            .annotate(
                response_count=count_of(Response),
                invitation_count=count_of(Invitation),
                used_count=count_of(Invitation, Q(used_at__isnull=False)),
            )
            .order_by("-created_at", "-id")
        )

    def open(self):
        return self.filter(status=SurveyStatus.OPEN)


class Survey(TimeStampedModel):
    title = models.CharField("titre", max_length=200)
    intro = models.TextField("introduction", blank=True, help_text="Affichée en haut du questionnaire.")
    action = models.CharField("action du PACTE", max_length=20, choices=Action.choices)
    event = models.ForeignKey(
        "pacte.Event",
        verbose_name="événement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text="Laisser vide pour tous les événements de l'action terminés après l'ouverture du "
        "questionnaire.",
    )
    delay_days = models.PositiveSmallIntegerField(
        "délai d'envoi (jours)",
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_DELAY_DAYS)],
        help_text=f"Nombre de jours après la fin de l'événement (0 à {MAX_DELAY_DAYS}).",
    )
    is_anonymous = models.BooleanField(
        "anonyme",
        default=True,
        help_text="Les réponses ne sont pas reliées aux personnes ; le suivi compare alors les "
        "ensembles de réponses, pas chaque personne.",
    )
    min_answers = models.PositiveSmallIntegerField(
        "nombre minimal de réponses",
        default=5,
        validators=[MinValueValidator(MIN_ANSWERS_FLOOR), MaxValueValidator(MIN_ANSWERS_CEILING)],
        help_text=f"Aucun résultat n'est affiché en dessous ({MIN_ANSWERS_FLOOR} à {MIN_ANSWERS_CEILING}), "
        "pour que personne ne puisse être reconnu.",
    )
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name="suivi du questionnaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        help_text="Questionnaire de suivi : mêmes questions, envoyé aux mêmes personnes des mois plus tard.",
    )
    follow_up_months = models.PositiveSmallIntegerField(
        "mois après le premier envoi",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_FOLLOW_UP_MONTHS)],
        help_text=f"Pour un questionnaire de suivi (1 à {MAX_FOLLOW_UP_MONTHS}).",
    )
    status = models.CharField(
        "statut", max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT, editable=False
    )
    opened_at = models.DateTimeField("ouvert le", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("clos le", null=True, blank=True, editable=False)
    open_code = models.CharField(
        "code du lien ouvert", max_length=16, unique=True, default=new_open_code, editable=False
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "questionnaire"
        verbose_name_plural = "questionnaires"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_answers__gte=MIN_ANSWERS_FLOOR, min_answers__lte=MIN_ANSWERS_CEILING),
                name="survey_min_answers_bounds",
            ),
            # A follow-up says when it leaves; a first questionnaire has no such delay.
            models.CheckConstraint(
                condition=Q(follow_up_of__isnull=True, follow_up_months__isnull=True)
                | Q(follow_up_of__isnull=False, follow_up_months__isnull=False),
                name="survey_follow_up_has_months",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.follow_up_of_id and not self.follow_up_months:
            errors["follow_up_months"] = "Indiquez combien de mois après le premier envoi part le suivi."
        if self.follow_up_months and not self.follow_up_of_id:
            errors["follow_up_of"] = "Choisissez le questionnaire dont celui-ci est le suivi."
        if self.follow_up_of_id and self.pk and self.follow_up_of_id == self.pk:
            errors["follow_up_of"] = "Un questionnaire ne peut pas être le suivi de lui-même."
        if self.event_id and self.action and self.event.action != self.action:
            errors["event"] = "Cet événement appartient à une autre action."
        if errors:
            raise ValidationError(errors)

    @property
    def is_follow_up(self) -> bool:
        return self.follow_up_of_id is not None


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name="questionnaire", on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(
        "ordre", default=0, validators=[MaxValueValidator(MAX_QUESTIONS_POSITION)]
    )
    kind = models.CharField("type", max_length=10, choices=QuestionKind.choices)
    label = models.CharField("question", max_length=300)
    help_text = models.CharField("aide", max_length=300, blank=True)
    required = models.BooleanField("obligatoire", default=True)
    choices = models.TextField(
        "choix", blank=True, help_text="Un choix par ligne (choix unique ou multiples)."
    )
    # The question of the first questionnaire this one repeats (follow-ups): results compare both.
    source = models.ForeignKey(
        "self",
        verbose_name="question d'origine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "question"
        verbose_name_plural = "questions"

    def __str__(self):
        return self.label

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind in CHOICE_KINDS and len(self.choice_list) < 2:
            raise ValidationError({"choices": "Indiquez au moins deux choix, un par ligne."})
        if self.kind not in CHOICE_KINDS and self.choices.strip():
            raise ValidationError({"choices": "Seules les questions à choix ont des choix."})
        if len(set(self.choice_list)) != len(self.choice_list):
            raise ValidationError({"choices": "Deux choix sont identiques."})
        if any(len(choice) > 200 for choice in self.choice_list):
            raise ValidationError({"choices": "Un choix fait au plus 200 caractères."})

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Invitation(models.Model):
    """A personal invitation: the link's token is derived from `secret` with the site's key, so
    the table alone gives no working link."""

    survey = models.ForeignKey(
        Survey, verbose_name="questionnaire", on_delete=models.CASCADE, related_name="invitations"
    )
    # Null once the person deleted their account: the invitation stays counted for the rate.
    user = models.ForeignKey(
        "pacte.User",
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_invitations",
    )
    event = models.ForeignKey(
        "pacte.Event",
        verbose_name="événement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secret = models.CharField(max_length=32, default=new_secret, editable=False)
    sent_at = models.DateTimeField("envoyée le")
    reminded_at = models.DateTimeField("relance envoyée le", null=True, blank=True)
    expires_at = models.DateTimeField("expire le")
    used_at = models.DateTimeField("répondu le", null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        constraints = [
            # Once per person and questionnaire, whichever task run or event brought them.
            models.UniqueConstraint(fields=["survey", "user"], name="survey_invitation_once_per_person"),
        ]

    def __str__(self):
        return f"{self.survey} → {self.user or 'compte supprimé'}"

    def _mac(self) -> str:
        return salted_hmac("indicators.surveys.invitation", f"{self.pk}:{self.secret}").hexdigest()[:32]

    @property
    def token(self) -> str:
        return f"{self.pk}.{self._mac()}"

    @classmethod
    def from_token(cls, token: str):
        """The invitation of a link, or None for anything that is not one of ours."""
        pk, _, mac = (token or "").partition(".")
        if not pk.isdigit() or len(pk) > 18 or not mac:
            return None
        invitation = cls.objects.select_related("survey", "event").filter(pk=int(pk)).first()
        if invitation is None or not constant_time_compare(invitation._mac(), mac):
            return None
        return invitation


class ResponseChannel(models.TextChoices):
    INVITATION = "invitation", "Invitation personnelle"
    OPEN = "open", "Lien ouvert ou QR code"


class Response(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name="questionnaire", on_delete=models.CASCADE, related_name="responses"
    )
    # Only for a non-anonymous questionnaire answered through a personal invitation.
    user = models.ForeignKey(
        "pacte.User",
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    # The event the person came to (its commune filters the free answers); kept when anonymous:
    # the threshold applies to every commune filter.
    event = models.ForeignKey(
        "pacte.Event",
        verbose_name="événement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField("canal", max_length=12, choices=ResponseChannel.choices)
    # The day only: a time could be matched with the invitation's use.
    submitted_on = models.DateField("reçue le", db_index=True)

    class Meta:
        ordering = ["-submitted_on", "-id"]
        verbose_name = "réponse"
        verbose_name_plural = "réponses"
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=Q(user__isnull=False),
                name="survey_response_once_per_person",
            ),
        ]

    def __str__(self):
        return f"Réponse n° {self.pk} à « {self.survey} »"


class Answer(models.Model):
    """One answer to one question; a multiple-choice question has one row per choice ticked."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # 1–5 for a scale, 1 (oui) / 0 (non) for yes-no.
    number = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(5)])
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True, max_length=MAX_TEXT_ANSWER)

    class Meta:
        ordering = ["id"]
        verbose_name = "réponse à une question"
        verbose_name_plural = "réponses aux questions"
        indexes = [models.Index(fields=["question", "number"]), models.Index(fields=["question", "choice"])]

    def __str__(self):
        return f"{self.question} : {self.text or self.choice or self.number}"


class SurveyOptOut(TimeStampedModel):
    """A person who asked not to receive questionnaires any more (link in every invitation)."""

    user = models.OneToOneField(
        "pacte.User", verbose_name="personne", on_delete=models.CASCADE, related_name="survey_opt_out"
    )

    class Meta:
        verbose_name = "refus des questionnaires"
        verbose_name_plural = "refus des questionnaires"

    def __str__(self):
        return str(self.user)
