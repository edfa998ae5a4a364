from celery.schedules import crontab

from pacte import portal
from pacte.enums import StaffGroup


class IndicatorsConfig(portal.PortalApp):
    """The programme's indicators: what every app declares (`PortalApp.metrics()`), the people
    mobilised counted once across the six actions, monthly snapshots, surveys after the actions,
    the dashboard `/indicateurs/` and its exports.

    It reads the action apps only through their declarations (pacte/portal.py), never by importing
    them: removing an action app removes its figures, nothing else.
    """

    name = "indicators"
    verbose_name = "Indicateurs"

    urls = "indicators.urls"
    url_prefix = "indicateurs/"
    stylesheets = ("css/indicators.css",)

    # --- Surveys (indicators/surveys) ---
    staff_permissions = {
        StaffGroup.DACTE_ADMIN.value: "all",
        StaffGroup.INDICATORS.value: ["view_survey", "view_question"],
    }
    audit_verbs = {
        "survey.create": "questionnaire créé",
        "survey.update": "questionnaire modifié",
        "survey.delete": "questionnaire supprimé",
        "survey.question_create": "question ajoutée",
        "survey.question_update": "question modifiée",
        "survey.question_delete": "question supprimée",
        "survey.open": "questionnaire ouvert",
        "survey.close": "questionnaire clos",
        "survey.invite": "invitation au questionnaire envoyée",
        "survey.answer": "réponse au questionnaire reçue",
        "survey.opt_out": "refus des questionnaires",
    }
    beat_schedule = {
        "indicators-survey-invitations": {
            "task": "indicators.surveys.tasks.send_survey_invitations",
            # Hourly: invitations leave the morning after the delay, reminders once.
            "schedule": crontab(minute=17),
            "options": {"expires": 3000},
        },
    }

    def metrics(self):
        from .surveys.indicators import METRICS as SURVEY_METRICS

        return [*SURVEY_METRICS]

    def my_space_sections(self, request):
        from .access import reads_indicators

        if not reads_indicators(request.user):
            return []
        return [
            portal.MySpaceSection(
                title="Questionnaires après les actions",
                template="indicators/surveys/includes/_my_space.html",
                position=90,
            )
        ]

    def export_personal_data(self, user):
        from .surveys.services import personal_data_export

        return {"questionnaires": personal_data_export(user)}

    def erase_personal_data(self, user):
        from .surveys.services import personal_data_erase

        personal_data_erase(user)

    def admin_todo(self, request):
        from django.urls import reverse
        from django.utils import timezone

        from .surveys.models import Survey, SurveyStatus

        if not request.user.has_perm("indicators.change_survey"):
            return []
        # Drafts whose event is over: the invitations wait for someone to open them.
        count = Survey.objects.filter(status=SurveyStatus.DRAFT, event__ends_at__lt=timezone.now()).count()
        return [
            portal.TodoItem(
                count,
                "questionnaire à ouvrir (événement passé)",
                "questionnaires à ouvrir (événements passés)",
                reverse("admin:indicators_survey_changelist") + "?status__exact=draft",
                group="Indicateurs",
            )
        ]

    def personal_data_sections(self):
        return [
            portal.PageSection(
                title="Questionnaires après les événements",
                template="indicators/surveys/includes/_personal_data.html",
                position=80,
            )
        ]

    def seed_demo(self, stdout=None):
        from .surveys.demo import seed_demo

        seed_demo(stdout)
