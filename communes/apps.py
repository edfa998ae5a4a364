from pacte import portal


class CommunesConfig(portal.PortalApp):
    """Action 6: the network of PACTE communes — conventions and commitments, the actions and
    experiments communes post, "nous aussi" replications, the network's exchanges and meetings.

    The communes are the kernel's (`pacte.Commune`); who speaks for one is a member of its
    organisation of kind commune (`pacte.Organisation.commune`), see `communes/models/access.py`.
    """

    name = "communes"
    verbose_name = "Réseau des communes"

    urls = "communes.urls"
    url_prefix = "communes/"
    nav = (portal.NavEntry("Réseau des communes", "communes:map", "/communes/", position=60),)
    stylesheets = ("css/communes.css",)
    watched_models = (
        "communes.Convention",
        "communes.Commitment",
        "communes.CommuneAction",
        "communes.ActionPhoto",
        "communes.ActionDocument",
        "communes.Replication",
    )
    exchange_networks = ("communes",)
    staff_permissions = {
        "DACTE administration": "all",
        "Lecture des indicateurs": [
            "view_convention",
            "view_commitment",
            "view_communeaction",
            "view_replication",
        ],
    }
    audit_verbs = {
        "convention.create": "Convention PACTE enregistrée",
        "convention.update": "Convention PACTE modifiée",
        "commitment.create": "Engagement ajouté",
        "commitment.update": "Engagement mis à jour",
        "commitment.delete": "Engagement supprimé",
        "commune_action.create": "Action de commune déposée",
        "commune_action.update": "Action de commune modifiée",
        "commune_action.publish": "Action de commune publiée",
        "commune_action.refuse": "Action de commune refusée",
        "commune_action.delete": "Action de commune supprimée",
        "replication.create": "« Nous aussi » déclaré",
    }
    audit_states = {
        "commune_action:pending": "en attente de relecture",
        "commune_action:published": "publiée",
        "commune_action:refused": "refusée",
    }

    def ready(self):
        super().ready()
        from pacte.admin_french import register_feminine_nouns
        from pacte.services.audit import register_states, register_verbs

        register_verbs(self.audit_verbs)
        register_states(self.audit_states)
        # "reprise « nous aussi »": the admin says "une reprise", "la reprise".
        register_feminine_nouns("reprise")

    def home_card(self):
        return portal.HomeCard(
            action="communes",
            number=6,
            title="Réseau des communes",
            text="Les communes du PACTE montrent leurs actions et leurs expérimentations, "
            "reprennent les bonnes idées des autres et échangent.",
            url_name="communes:map",
        )

    def key_figures(self):
        from .models import CommuneAction

        published = CommuneAction.objects.published().count()
        return [portal.KeyFigure(published, "action de commune publiée", "actions de communes publiées", 60)]

    def my_space_sections(self, request):
        from django.urls import reverse

        from .models import CommuneAction
        from .models.access import communes_of

        communes = list(communes_of(request.user).order_by("sort_name"))
        if not communes:
            return []
        refused = CommuneAction.objects.filter(commune__in=communes, status="refused").count()
        todo = [
            portal.TodoItem(
                refused,
                "action refusée à reprendre",
                "actions refusées à reprendre",
                reverse("communes:manage", args=[communes[0].slug]),
            )
        ]
        return [
            portal.MySpaceSection(
                title="Réseau des communes",
                template="communes/includes/_my_space.html",
                context={"communes": communes},
                todo=[item for item in todo if item.count],
                position=60,
            )
        ]

    def export_personal_data(self, user):
        from .services import communes_export

        return {"reseau_des_communes": communes_export(user)}

    def erase_personal_data(self, user):
        from .services import communes_erase

        communes_erase(user)

    def open_data(self):
        return [
            portal.OpenDataFile(
                title="Actions des communes du PACTE",
                description="Les actions et expérimentations publiées par les communes du réseau : "
                "commune et code Insee, thème, statut, dates, budget, partenaires, public touché, "
                "résultats et nombre de communes qui les ont reprises (« nous aussi »).",
                url_name="communes:actions_csv",
                position=60,
            )
        ]

    def personal_data_sections(self):
        return [
            portal.PageSection(
                title="Réseau des communes",
                template="communes/includes/_personal_data.html",
                position=60,
            )
        ]

    def metrics(self):
        from .indicators import METRICS

        return METRICS

    def participations(self):
        from .indicators import participations

        return participations()

    def seed_demo(self, stdout=None):
        from .demo import seed_communes

        seed_communes(stdout)

    def seed_scale(self, scale, stdout=None):
        from .demo import seed_scale

        seed_scale(scale, stdout)

    def topic_url(self, topic):
        from django.urls import reverse

        return reverse("communes:topic_detail", args=[topic.pk])

    def organisation_url(self, organisation):
        from django.urls import reverse

        if organisation.kind == "commune" and organisation.commune_id:
            return reverse("communes:commune", args=[organisation.commune.slug])
        return None

    def admin_todo(self, request):
        from django.urls import reverse

        from .enums import ModerationStatus
        from .models import CommuneAction

        if not request.user.has_perm("communes.change_communeaction"):
            return []
        pending = CommuneAction.objects.filter(status=ModerationStatus.PENDING).count()
        return [
            portal.TodoItem(
                pending,
                "action de commune à relire",
                "actions de communes à relire",
                reverse("admin:communes_communeaction_changelist")
                + f"?status__exact={ModerationStatus.PENDING}",
                group="Réseau des communes",
            )
        ]
