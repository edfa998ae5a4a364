from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class AuditEntry(models.Model):
    """Who changed what, when, from which state to which, and why (docs/architecture.md)."""

    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "pacte.User",
        verbose_name="par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField("action", max_length=60, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=40)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField("objet", max_length=250)
    from_state = models.CharField("état avant", max_length=40, blank=True)
    to_state = models.CharField("état après", max_length=40, blank=True)
    reason = models.TextField("motif", blank=True)
    data = models.JSONField("détails", default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal des changements"
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} · {self.verb} · {self.object_repr}"

    @property
    def actor_label(self) -> str:
        return self.actor.audit_label if self.actor_id else "Le portail (tâche automatique)"
