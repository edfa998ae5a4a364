from celery.schedules import crontab

from pacte import portal
from pacte.enums import StaffGroup


class NewsletterConfig(portal.PortalApp):
    """Action 5: the monthly letter to social workers, experience sheets, subscriptions."""

    name = "newsletter"
    verbose_name = "Lettre aux travailleurs sociaux"

    urls = "newsletter.urls"
    url_prefix = "lettre/"
    nav = (portal.NavEntry("Lettre aux travailleurs sociaux", "newsletter:home", "/lettre/", position=50),)
    # Subscribers and deliveries are not shown on public pages: their writes renew nothing.
    # Subscriber: not shown publicly, but a signed-in person's subscription state on the letter's
    # page is cached under this area's version (pacte.prepared): a subscription renews it.
    watched_models = (
        "newsletter.Issue",
        "newsletter.Section",
        "newsletter.ExperienceSheet",
        "newsletter.Subscriber",
    )
    staff_permissions = {
        StaffGroup.DACTE_ADMIN.value: "all",
        StaffGroup.LETTER.value: [
            "view_issue",
            "add_issue",
            "change_issue",
            "send_issue",
            "view_section",
            "add_section",
            "change_section",
            "delete_section",
            "view_experiencesheet",
            "add_experiencesheet",
            "change_experiencesheet",
            "view_subscriber",
            "view_delivery",
        ],
        StaffGroup.INDICATORS.value: ["view_issue", "view_experiencesheet"],
    }
    audit_verbs = {
        "newsletter.subscriber.request": "demande d'abonnement à la lettre",
        "newsletter.subscriber.subscribe_account": "abonnement à la lettre avec son compte",
        "newsletter.subscriber.confirm": "confirmation de l'abonnement à la lettre",
        "newsletter.subscriber.preferences": "préférences de la lettre modifiées",
        "newsletter.subscriber.unsubscribe": "désabonnement de la lettre",
        "newsletter.subscriber.deactivate": "adresse de la lettre désactivée",
        "newsletter.sheet.create": "fiche créée",
        "newsletter.sheet.update": "fiche modifiée",
        "newsletter.sheet.submit": "fiche envoyée en relecture",
        "newsletter.sheet.publish": "fiche publiée",
        "newsletter.sheet.unpublish": "fiche remise en brouillon",
        "newsletter.issue.create": "numéro créé",
        "newsletter.issue.update": "numéro modifié",
        "newsletter.section.create": "article ajouté",
        "newsletter.section.update": "article modifié",
        "newsletter.section.delete": "article supprimé",
        "newsletter.issue.test_send": "essai envoyé",
        "newsletter.issue.schedule": "envoi programmé",
        "newsletter.issue.unschedule": "programmation annulée",
        "newsletter.issue.send": "envoi commencé",
        "newsletter.issue.sent": "envoi terminé",
    }
    beat_schedule = {
        "newsletter-sendings": {
            "task": "newsletter.tasks.resume_sendings",
            # Starts scheduled issues and takes back deliveries of a worker that died.
            "schedule": crontab(minute="*"),
            "options": {"expires": 50},
        },
    }

    def home_card(self):
        return portal.HomeCard(
            action="lettre",
            number=5,
            title="Lettre aux travailleurs sociaux",
            text="Chaque mois, une lettre thématique sur les dispositifs, aides et formations de la "
            "transition, et des fiches retours d'expériences.",
            url_name="newsletter:home",
        )

    def key_figures(self):
        from .models import ExperienceSheet

        count = ExperienceSheet.objects.published().count()
        return [portal.KeyFigure(count, "fiche retour d'expériences", "fiches retours d'expériences", 60)]

    def my_space_sections(self, request):
        from .models import Subscriber

        user = request.user
        subscriber = Subscriber.objects.filter(email=user.email.strip().lower()).first()
        return [
            portal.MySpaceSection(
                title="Lettre aux travailleurs sociaux",
                template="newsletter/includes/_my_space.html",
                context={"subscriber": subscriber},
                position=60,
            )
        ]

    def export_personal_data(self, user):
        from .services import subscribers_export

        return {"lettre": subscribers_export(user)}

    def erase_personal_data(self, user):
        from .services import subscribers_erase

        subscribers_erase(user)

    def metrics(self):
        from .indicators import METRICS

        return METRICS

    def participations(self):
        from .indicators import participations

        return participations()

    def seed_demo(self, stdout=None):
        from .demo import seed_demo

        seed_demo(stdout)

    def seed_scale(self, scale, stdout=None):
        from .demo import seed_scale

        seed_scale(scale, stdout)

    def admin_todo(self, request):
        from django.urls import reverse

        from .enums import SheetStatus
        from .models import ExperienceSheet

        if not request.user.has_perm("newsletter.change_experiencesheet"):
            return []
        count = ExperienceSheet.objects.filter(status=SheetStatus.REVIEW).count()
        return [
            portal.TodoItem(
                count,
                "fiche en relecture",
                "fiches en relecture",
                reverse("admin:newsletter_experiencesheet_changelist")
                + f"?status__exact={SheetStatus.REVIEW}",
                group="Lettre aux travailleurs sociaux",
            )
        ]

    def personal_data_sections(self):
        return [
            portal.PageSection(
                title="Lettre aux travailleurs sociaux",
                template="newsletter/includes/_personal_data.html",
                position=50,
            )
        ]
