"""Exchanges: topics and replies for the three networks (clubs, relais, communes), scoped to the
network or to one organisation, with e-mail notifications to the topic's participants.

The kernel does not know the action apps' URLs: each app's portal declaration says how to link
to a topic of its networks (`PortalApp.exchange_networks` and `topic_url`).
"""

from django.db import models
from django.db.models import Count, Q

from ..enums import MembershipRole
from ..permissions import acts_as_staff
from .base import TimeStampedModel


class ExchangeNetwork(models.TextChoices):
    CLUBS = "clubs", "Clubs COP21 et jardiniers"
    RELAIS = "relais", "Réseau des associations relais COP21"
    COMMUNES = "communes", "Réseau des communes"


def _referent_of_scope(user) -> Q:
    return Q(
        organisation__memberships__user=user,
        organisation__memberships__role=MembershipRole.REFERENT,
    )


class TopicQuerySet(models.QuerySet):
    def in_scope(self, network, organisation=None):
        """Topics of one organisation, or (organisation=None) the network-wide ones."""
        return self.filter(network=network, organisation=organisation)

    def visible(self):
        return self.filter(is_hidden=False)

    def moderatable_by(self, user):
        """Staff moderate everything; an organisation's référents moderate its topics."""
        if not user.is_authenticated:
            return self.none()
        if acts_as_staff(user):
            return self
        return self.filter(pk__in=Topic.objects.filter(_referent_of_scope(user)).values("pk"))

    def visible_to(self, user):
        """Visible topics for everyone; hidden ones too for those who may restore them."""
        if not user.is_authenticated:
            return self.visible()
        if acts_as_staff(user):
            return self
        return self.filter(
            Q(is_hidden=False) | Q(pk__in=Topic.objects.filter(_referent_of_scope(user)).values("pk"))
        )

    def for_listing(self):
        # Meta.ordering does not apply to GROUP BY queries: the annotation needs it explicit.
        return (
            self.select_related("author", "organisation")
            .annotate(reply_count=Count("replies", filter=Q(replies__is_hidden=False)))
            .order_by("-last_activity_at", "-id")
        )


class Topic(TimeStampedModel):
    network = models.CharField("réseau", max_length=20, choices=ExchangeNetwork.choices, db_index=True)
    # NULL: a topic of the whole network; otherwise a topic of that organisation (a club...).
    organisation = models.ForeignKey(
        "pacte.Organisation",
        verbose_name="structure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="topics",
    )
    title = models.CharField("sujet", max_length=150)
    body = models.TextField("message")
    author = models.ForeignKey(
        "pacte.User",
        verbose_name="ouvert par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchange_topics",
    )
    is_hidden = models.BooleanField("masqué", default=False, db_index=True)
    hidden_at = models.DateTimeField("masqué le", null=True, blank=True)
    # Bumped by each reply: lists show the liveliest topics first without counting replies.
    last_activity_at = models.DateTimeField("dernière activité", db_index=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        verbose_name = "sujet d'échange"
        verbose_name_plural = "sujets d'échange"
        indexes = [models.Index(fields=["network", "organisation", "is_hidden", "last_activity_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from ..portal import topic_url

        return topic_url(self)


class ReplyQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)

    def for_topic_page(self, topic, user):
        """The replies a topic page shows: hidden ones only to those who may restore them."""
        replies = self.filter(topic=topic).select_related("author")
        if Topic.objects.moderatable_by(user).filter(pk=topic.pk).exists():
            return replies
        return replies.visible()


class Reply(TimeStampedModel):
    topic = models.ForeignKey(Topic, verbose_name="sujet", on_delete=models.CASCADE, related_name="replies")
    body = models.TextField("réponse")
    author = models.ForeignKey(
        "pacte.User",
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchange_replies",
    )
    is_hidden = models.BooleanField("masquée", default=False, db_index=True)
    hidden_at = models.DateTimeField("masquée le", null=True, blank=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "réponse"
        verbose_name_plural = "réponses"
        indexes = [models.Index(fields=["topic", "is_hidden", "created_at"])]

    def __str__(self):
        return f"Réponse à « {self.topic} »"


class ExchangeOptOut(models.Model):
    """A person who wants no e-mail about new replies: to one topic, or (topic NULL) to any topic."""

    user = models.ForeignKey(
        "pacte.User", verbose_name="personne", on_delete=models.CASCADE, related_name="exchange_opt_outs"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name="sujet",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opt_outs",
        help_text="Vide : aucune notification pour aucun sujet.",
    )
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "refus de notifications"
        verbose_name_plural = "refus de notifications"
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="exchange_opt_out_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(topic__isnull=True), name="exchange_opt_out_one_global"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.topic or 'tous les sujets'}"
