""" "Nous aussi": a commune replicates another commune's action, and the two communes talk."""

from django.conf import settings
from django.db import IntegrityError, transaction

from pacte.cache import invalidate
from pacte.emails import send_templated_email
from pacte.models import ExchangeNetwork, User
from pacte.ratelimit import rate_limit
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError
from pacte.services.exchanges import topic_create

from ..enums import ActionStage, ModerationStatus
from ..models import CommuneAction, Replication
from .common import AREA, check_acts_for, organisation_for


@transaction.atomic
def replication_create(
    *, source: CommuneAction, commune, message: str, by, action: CommuneAction | None = None
):
    """`commune` (for which `by` acts) replicates `source`.

    `action` is the commune's own action that follows the example; without one, a project action
    is drafted for the commune (it waits for review like any action). A network topic opens the
    conversation between the two communes with `message`, and the source commune's référents get
    an e-mail after commit.
    """
    check_acts_for(
        user=by, commune=commune, message="Seuls les référents de la commune peuvent dire « nous aussi »."
    )
    rate_limit(by=by, action="communes.replication", limit="10/h")
    source = CommuneAction.objects.select_for_update(of=("self",)).select_related("commune").get(pk=source.pk)
    if source.status != ModerationStatus.PUBLISHED:
        raise RefusedError("Seule une action publiée peut être reprise.", code="not_published")
    if source.commune_id == commune.pk:
        raise RefusedError("Cette action est déjà celle de votre commune.", code="own_action")
    if Replication.objects.filter(source=source, commune=commune).exists():
        raise RefusedError("Votre commune a déjà dit « nous aussi » pour cette action.", code="duplicate")
    if action is not None and action.commune_id != commune.pk:
        raise RefusedError("Choisissez une action de votre commune.", code="foreign_action")
    message = (message or "").strip()
    if not message:
        raise RefusedError("Écrivez un premier message à la commune.", code="message_required")
    if action is None:
        action = CommuneAction(
            commune=commune,
            organisation=organisation_for(user=by, commune=commune),
            author=by,
            title=source.title,
            theme=source.theme,
            description=f"Projet inspiré de l'action de {source.commune.name} « {source.title} ».",
            stage=ActionStage.PROJECT,
            is_experiment=source.is_experiment,
            status=ModerationStatus.PENDING,
        )
        action.full_clean()
        action.save()
        audit_log(
            target=action,
            verb="commune_action.create",
            by=by,
            to_state=ModerationStatus.PENDING,
            data={"commune": commune.pk, "inspired_by": source.pk},
        )
    topic = topic_create(
        network=ExchangeNetwork.COMMUNES,
        organisation=None,
        title=f"Nous aussi : {commune.name} reprend « {source.title} »"[:150],
        body=message,
        author=by,
        by=by,
    )
    replication = Replication(source=source, commune=commune, action=action, topic=topic, created_by=by)
    replication.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            replication.save()
    except IntegrityError:  # a colleague of the same commune did it at the same moment
        raise RefusedError(
            "Votre commune a déjà dit « nous aussi » pour cette action.", code="duplicate"
        ) from None
    audit_log(
        target=replication,
        verb="replication.create",
        by=by,
        data={"source": source.pk, "commune": commune.pk, "action": action.pk, "topic": topic.pk},
    )
    _notify_source_commune(replication)
    invalidate(AREA)
    return replication


def _notify_source_commune(replication: Replication) -> None:
    source = replication.source
    people = (
        User.objects.filter(_contacts_of(source.commune))
        .filter(is_active=True, anonymised_at__isnull=True)
        .distinct()
    )
    topic_url = settings.SITE_URL + replication.topic.get_absolute_url() if replication.topic_id else ""
    for person in people:
        send_templated_email(
            to=person.email,
            template="communes_replication",
            context={
                "user": person,
                "replication": replication,
                "source": source,
                "action_url": settings.SITE_URL + source.get_absolute_url(),
                "topic_url": topic_url,
            },
        )


def _contacts_of(commune):
    from django.db.models import Q

    from pacte.enums import OrganisationKind

    return Q(
        memberships__organisation__kind=OrganisationKind.COMMUNE,
        memberships__organisation__is_active=True,
        memberships__organisation__commune=commune,
    )
