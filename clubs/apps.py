from pacte import portal


class ClubsConfig(portal.PortalApp):
    """Action 1: clubs COP21 and gardeners, and the "jardiniers de la nature" network.

    Everything the clubs bring to the portal is declared here, the gardens' part included (the
    gardens are a sub-package of this app: they share its members and its page-cache area).
    """

    name = "clubs"
    verbose_name = "Clubs COP21 et jardiniers"

    urls = "clubs.urls"
    url_prefix = "clubs/"
    nav = (portal.NavEntry("Clubs et jardiniers", "clubs:list", "/clubs/", position=20),)
    stylesheets = ("css/clubs.css",)
    watched_models = (
        "clubs.Club",
        "clubs.ClubMembershipRecord",
        "clubs.Practice",
        "clubs.PracticePhoto",
        "clubs.PracticeAdoption",
        "clubs.PracticeReply",
        "clubs.PracticeReport",
        "clubs.Garden",
        "clubs.GardenChecklistVersion",
        "clubs.CharterSignature",
        "clubs.Charter",
        "clubs.GardenPractice",
    )
    exchange_networks = ("clubs",)
    staff_permissions = {
        "DACTE administration": "all",
        "Lecture des indicateurs": ["view_club", "view_practice", "view_garden", "view_clubmembershiprecord"],
    }

    # The change journal's words for what the clubs write (pacte.services.audit).
    audit_verbs = {
        "club.create": "Club créé",
        "club.update": "Club modifié",
        "club.presentation": "Présentation du club modifiée",
        "club.join": "Adhésion au club",
        "club.leave": "Départ du club",
        "club.mailing.create": "E-mail aux membres écrit",
        "club.mailing.sent": "E-mail aux membres envoyé",
        "club.mailing.resume": "Envoi aux membres relancé",
        "club.mailing.test": "Essai d’e-mail aux membres envoyé à soi-même",
        "club.mailings.subscribe": "Réabonnement aux e-mails du club",
        "club.mailings.unsubscribe": "Désabonnement des e-mails du club",
        "practice.create": "Pratique partagée",
        "practice.update": "Pratique corrigée",
        "practice.delete": "Pratique supprimée",
        "practice.reply.update": "Réponse à une pratique corrigée",
        "practice.reply.delete": "Réponse à une pratique supprimée",
        "practice.hide": "Pratique masquée",
        "practice.restore": "Pratique rétablie",
        "practice.report": "Signalement d'une pratique",
        "practice.reported": "Pratique retirée après signalements",
        "moderation.settings": "Réglages de la modération modifiés",
        "practice.adopt": "Pratique adoptée",
        "practice.unadopt": "Adoption retirée",
        "practice.reply": "Réponse à une pratique",
        "practice.reply.hide": "Réponse à une pratique masquée",
        "practice.reply.restore": "Réponse à une pratique rétablie",
        "practice.photo.delete": "Photo d'une pratique retirée",
        "garden.register": "Jardin inscrit au réseau",
        "garden.update": "Jardin modifié",
        "garden.withdraw": "Jardin retiré du réseau",
        "garden.charter_sign": "Charte signée",
        "charter.publish": "Charte publiée",
        "charter.draft.create": "Version de la charte préparée",
        "charter.draft.update": "Version de la charte en préparation modifiée",
        "charter.draft.delete": "Version de la charte en préparation supprimée",
        "garden_practice.create": "Pratique ajoutée à la liste des jardiniers",
        "garden_practice.update": "Pratique de la liste des jardiniers modifiée",
    }
    audit_states = {
        "practice:published": "publiée",
        "practice:reported": "signalée",
        "practice:hidden": "masquée",
        "garden_practice:active": "proposée",
        "garden_practice:retired": "retirée de la liste",
    }

    def ready(self):
        super().ready()
        from pacte.services.audit import register_states
        from pacte.services.memberships import register_membership_listener

        from .services import club_membership_closed, club_membership_opened

        # A membership added or removed anywhere (join button, admin) keeps the clubs' history in step.
        register_membership_listener(added=club_membership_opened, removed=club_membership_closed)
        register_states(self.audit_states)

    def home_card(self):
        return portal.HomeCard(
            action="clubs",
            number=1,
            title="Club COP21 et Club des jardiniers",
            text="Des groupes d'habitants pour échanger, partager et valoriser leurs pratiques, "
            "et le réseau des jardiniers de la nature.",
            url_name="clubs:list",
        )

    def key_figures(self):
        from .models import Club

        return [portal.KeyFigure(Club.objects.active().count(), "club d'habitants", "clubs d'habitants", 30)]

    def my_space_sections(self, request):
        from django.urls import reverse
        from django.utils import timezone

        from pacte.enums import MembershipRole
        from pacte.models import Event

        from .enums import PracticeStatus
        from .models import Club, Garden, Practice

        user = request.user
        animated = list(
            Club.objects.active()
            .filter(
                organisation__memberships__user=user, organisation__memberships__role=MembershipRole.REFERENT
            )
            .select_related("organisation")
        )
        todo = []
        if animated:
            organisations = [club.organisation_id for club in animated]
            reported = Practice.objects.filter(club__in=animated, status=PracticeStatus.REPORTED).count()
            to_record = Event.objects.filter(
                organiser__in=organisations, ends_at__lt=timezone.now(), attendance_recorded_at__isnull=True
            ).count()
            manage_url = reverse("clubs:manage", args=[animated[0].slug])
            todo = [
                portal.TodoItem(reported, "pratique signalée", "pratiques signalées", manage_url),
                portal.TodoItem(to_record, "rencontre à pointer", "rencontres à pointer", manage_url),
            ]
        return [
            portal.MySpaceSection(
                title="Clubs et jardiniers de la nature",
                template="clubs/includes/_my_space.html",
                context={"animated": animated, "has_garden": Garden.objects.of_owner(user).active().exists()},
                todo=[item for item in todo if item.count],
                position=20,
            )
        ]

    def export_personal_data(self, user):
        from .gardens.services import gardens_export
        from .services import clubs_export

        return {"clubs": clubs_export(user), "jardins": gardens_export(user)}

    def erase_personal_data(self, user):
        from .gardens.services import gardens_erase
        from .services import clubs_erase

        clubs_erase(user)
        gardens_erase(user)

    def metrics(self):
        from .gardens.indicators import METRICS as GARDEN_METRICS
        from .indicators import METRICS

        return [*METRICS, *GARDEN_METRICS]

    def participations(self):
        from .gardens.indicators import participations as garden_participations
        from .indicators import participations

        return [*participations(), *garden_participations()]

    def seed_demo(self, stdout=None):
        from .demo import seed_clubs
        from .gardens.services import gardens_seed_demo

        seed_clubs(stdout)
        gardens_seed_demo(stdout)

    def topic_url(self, topic):
        from django.urls import reverse

        if topic.organisation_id:
            return reverse("clubs:topic_detail", args=[topic.organisation.slug, topic.pk])
        return reverse("clubs:list")

    def organisation_url(self, organisation):
        from django.urls import reverse

        return reverse("clubs:detail", args=[organisation.slug]) if organisation.kind == "club" else None

    def admin_todo(self, request):
        from django.urls import reverse

        from .enums import PracticeStatus
        from .models import Practice

        if not request.user.has_perm("clubs.change_practice"):
            return []
        reported = Practice.objects.filter(status=PracticeStatus.REPORTED).count()
        return [
            portal.TodoItem(
                reported,
                "pratique signalée à modérer",
                "pratiques signalées à modérer",
                reverse("admin:clubs_practice_changelist") + f"?status__exact={PracticeStatus.REPORTED}",
                group="Clubs",
            )
        ]

    def commune_sections(self, request, commune):
        """The clubs located in the commune, for the commune's page (one query)."""
        from .models import Club

        clubs = list(
            Club.objects.active()
            .filter(organisation__commune=commune)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        return [
            portal.PageSection(
                title="Clubs COP21 et jardiniers",
                template="clubs/includes/_commune_section.html",
                context={"clubs": clubs, "commune": commune},
                position=30,
            )
        ]
