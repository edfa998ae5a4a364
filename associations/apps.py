from celery.schedules import crontab

from pacte import portal


class AssociationsConfig(portal.PortalApp):
    """Action 3: the Relais COP21 label, the yearly subsidy campaigns, their instruction, payments
    and bilans, and the grants published as open data.

    Action 4 (the relais network) will be the `associations.reseau` sub-package of this app.
    """

    name = "associations"
    verbose_name = "Associations Relais COP21"

    urls = "associations.urls"
    url_prefix = "associations/"
    stylesheets = ("css/associations.css", "css/reseau-outils.css")
    nav = (portal.NavEntry("Associations", "associations:directory", "/associations/", position=30),)
    watched_models = (
        "associations.RelaisLabel",
        "associations.Campaign",
        "associations.SubsidyApplication",
        "associations.Payment",
        "associations.ShowcaseAction",
        "associations.ShowcasePhoto",
        # Action 4's tool library: the catalogue and the tool pages.
        "associations.Tool",
        "associations.ToolPhoto",
        "associations.ToolFile",
        "associations.ToolCopy",
        "associations.Loan",
    )
    # Action 4: the relais network's topics (kernel exchanges) live in its space.
    exchange_networks = ("relais",)
    staff_permissions = {
        "DACTE administration": "all",
        "Instruction des subventions": "all",
        # Not the applications: their notes, messages and documents are the instruction's only
        # (the indicators read the figures through the metrics).
        "Lecture des indicateurs": [
            "view_relaislabel",
            "view_campaign",
            "view_showcaseaction",
            "view_tool",
            "view_loan",
        ],
    }
    audit_verbs = {
        "label.request": "Demande de label",
        "label.grant": "Label accordé",
        "label.refuse": "Label refusé",
        "label.remind": "Rappel d'expiration du label",
        "campaign.create": "Campagne créée",
        "campaign.update": "Campagne modifiée",
        "campaign.publish": "Campagne publiée",
        "campaign.delete": "Campagne supprimée",
        "campaign.document.add": "Document demandé ajouté à une campagne",
        "campaign.document.update": "Document demandé d'une campagne modifié",
        "campaign.document.delete": "Document demandé retiré d'une campagne",
        "campaign.question.add": "Question de l'année ajoutée à une campagne",
        "campaign.question.update": "Question de l'année modifiée",
        "campaign.question.delete": "Question de l'année retirée d'une campagne",
        "application.start": "Dossier ouvert",
        "application.save": "Brouillon enregistré",
        "application.document_add": "Pièce ajoutée",
        "application.document_remove": "Pièce retirée",
        "application.submit": "Dossier déposé",
        "application.resubmit": "Dossier corrigé et redéposé",
        "application.take_up": "Dossier pris en instruction",
        "application.request_correction": "Correction demandée",
        "application.accept": "Subvention accordée",
        "application.refuse": "Demande refusée",
        "application.dismiss": "Dossier classé sans suite",
        "application.sign_convention": "Convention signée",
        "application.paid": "Subvention versée",
        "payment.record": "Versement enregistré",
        "application.request_bilan": "Bilan attendu",
        "bilan.save": "Bilan enregistré",
        "bilan.photo_add": "Photo ajoutée au bilan",
        "bilan.submit": "Bilan déposé",
        "bilan.accept": "Bilan validé, dossier clôturé",
        "bilan.request_correction": "Correction du bilan demandée",
        "bilan.remind": "Rappel du bilan",
        "message.post": "Message",
        "note.add": "Note privée",
        "organisation.identifiers": "Identifiants de l'association modifiés",
        # Action 4: the showcase of the relais network
        "showcase.create": "Action partagée dans la vitrine",
        "showcase.update": "Action de la vitrine corrigée",
        "showcase.publish": "Action de la vitrine publiée",
        "showcase.refuse": "Action de la vitrine refusée",
        "showcase.withdraw": "Action retirée de la vitrine par l'association",
        "showcase.report": "Action de la vitrine signalée",
        "showcase.reported": "Action de la vitrine retirée après signalements",
        # Action 4: the tool library and its loans.
        "tool.create": "Outil d'animation ajouté",
        "tool.update": "Outil d'animation modifié",
        "tool.withdraw": "Outil retiré du catalogue",
        "tool.restore": "Outil remis au catalogue",
        "tool.photo.delete": "Photo d'outil retirée",
        "tool.file.add": "Fichier d'outil ajouté",
        "tool.file.delete": "Fichier d'outil retiré",
        "tool.copy.add": "Exemplaire ajouté",
        "tool.copy.update": "Exemplaire modifié",
        "loan.request": "Prêt d'outil demandé",
        "loan.accept": "Prêt d'outil accepté",
        "loan.refuse": "Prêt d'outil refusé",
        "loan.cancel": "Prêt d'outil annulé",
        "loan.pickup": "Exemplaire sorti",
        "loan.return": "Exemplaire rendu",
        "loan.handoff.giver": "Passage de relais : remise confirmée",
        "loan.handoff.receiver": "Passage de relais : réception confirmée",
        "loan.handoff": "Exemplaire passé à l'emprunteur suivant",
        "loan.remind.start": "Rappel avant le début du prêt",
        "loan.remind.end": "Rappel de retour de l'exemplaire",
    }
    beat_schedule = {
        "associations-label-reminders": {
            "task": "associations.tasks.send_label_reminders",
            "schedule": crontab(hour=8, minute=30),
            "options": {"expires": 60 * 60},
        },
        "associations-bilan-reminders": {
            "task": "associations.tasks.send_bilan_reminders",
            "schedule": crontab(hour=8, minute=45),
            "options": {"expires": 60 * 60},
        },
        "associations-reseau-loan-reminders": {
            "task": "associations.reseau.tools.tasks.send_loan_reminders",
            "schedule": crontab(hour=7, minute=45),
            "options": {"expires": 60 * 60},
        },
    }

    def home_card(self):
        return portal.HomeCard(
            action="associations",
            number=3,
            title="Associations Relais COP21",
            text="Le label Relais COP21, les campagnes de subvention annuelles et le bilan des actions.",
            url_name="associations:directory",
        )

    def key_figures(self):
        from .services.label import labelled_organisations

        count = labelled_organisations().count()
        return [portal.KeyFigure(count, "association Relais COP21", "associations Relais COP21", 40)]

    def my_space_sections(self, request):
        from .reseau.my_space import reseau_section
        from .reseau.tools.my_space import my_space_sections as tools_sections
        from .views.my_space import my_space_section

        section = my_space_section(request)
        return [s for s in (section, reseau_section(request)) if s] + list(tools_sections(request))

    def export_personal_data(self, user):
        from .reseau.services import reseau_export
        from .reseau.tools.services import tools_export
        from .services.personal_data import associations_export

        return {
            "associations": associations_export(user),
            "reseau_relais": reseau_export(user),
            "reseau_outils": tools_export(user),
        }

    def erase_personal_data(self, user):
        from .reseau.services import reseau_erase
        from .reseau.tools.services import tools_erase
        from .services.personal_data import associations_erase

        associations_erase(user)
        reseau_erase(user)
        tools_erase(user)

    def metrics(self):
        from .indicators import METRICS
        from .reseau.indicators import METRICS as RESEAU_METRICS
        from .reseau.tools.indicators import METRICS as TOOL_METRICS

        return METRICS + RESEAU_METRICS + TOOL_METRICS

    def participations(self):
        from .indicators import participations
        from .reseau.indicators import participations as network_participations
        from .reseau.tools.indicators import participations as loan_participations

        return [*participations(), *network_participations(), *loan_participations()]

    def qualitative_reports(self, period):
        from .indicators import qualitative_reports

        return qualitative_reports(period)

    def seed_demo(self, stdout=None):
        from .demo import seed_associations
        from .reseau.demo import seed_reseau
        from .reseau.tools.demo import seed_tools

        seed_associations(stdout)
        seed_reseau(stdout)
        seed_tools(stdout)

    def seed_scale(self, scale, stdout=None):
        from .demo import seed_associations_scale
        from .reseau.demo import seed_reseau_scale
        from .reseau.tools.demo import seed_tools_scale

        seed_associations_scale(scale, stdout)
        seed_reseau_scale(scale, stdout)
        seed_tools_scale(scale, stdout)

    def admin_todo(self, request):
        from .admin.board import board_todo
        from .reseau.my_space import showcase_todo
        from .reseau.tools.my_space import admin_todo as tools_todo

        return board_todo(request) + showcase_todo(request) + list(tools_todo(request))

    def topic_url(self, topic):
        from django.urls import reverse

        return reverse("associations:reseau_topic_detail", args=[topic.pk])

    def open_data(self):
        return [
            portal.OpenDataFile(
                title="Subventions aux associations Relais COP21",
                description="Les subventions accordées par la Métropole aux associations Relais COP21 "
                "dont la convention est signée : bénéficiaire, objet, montant, décision, versements.",
                url_name="associations:grants_csv",
                format="CSV",
                schema="SCDL subventions 2.0.2",
                position=20,
            )
        ]

    def personal_data_sections(self):
        return [
            portal.PageSection(
                title="Associations Relais COP21 : label et subventions",
                template="associations/includes/_personal_data.html",
                position=30,
            ),
            portal.PageSection(
                title="Réseau Relais COP21 : prêts d'outils",
                template="associations/reseau/tools/includes/_personal_data.html",
                position=31,
            ),
        ]

    def commune_sections(self, request, commune):
        """The labelled Relais COP21 associations located in the commune, for its page (one query)."""
        from .services.label import labelled_organisations

        associations = list(labelled_organisations().filter(commune=commune).order_by("name"))
        return [
            portal.PageSection(
                title="Associations Relais COP21",
                template="associations/includes/_commune_section.html",
                context={"associations": associations, "commune": commune},
                position=35,
            )
        ]

    def organisation_sections(self, request, organisation):
        from .views.sections import organisation_sections

        return organisation_sections(request, organisation)
