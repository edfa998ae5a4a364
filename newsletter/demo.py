"""Demo content of the letter (run by seed_demo through the app's declaration; idempotent).

- redaction@demo.pacte.fr (Claire Dupont, ANBDD) edits the letter: staff, group « Édition de la
  lettre » (password of the demo accounts);
- commune@demo.pacte.fr is subscribed for the CCAS of Darnétal, asso@demo.pacte.fr for her association;
- three issues sent in the past three months (in the archive), a draft issue for next month,
  published sheets and sheets in draft or in review, subscribers in real communes.
"""

import random
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from pacte.demo import DEMO_PASSWORD
from pacte.enums import PublicCategory, StaffGroup
from pacte.models import Commune, Theme, User
from pacte.permissions import staff_for_operator_command

from .enums import DeliveryStatus, IssueStatus, SectionKind, SheetStatus, SubscriberRole, SubscriberStatus
from .models import Delivery, ExperienceSheet, Issue, Section, Subscriber
from .rendering import next_month
from .services import CONSENT_TEXT, issue_save, section_save, sheet_publish, sheet_save, sheet_submit

EDITOR_EMAIL = "redaction@demo.pacte.fr"

SUBSCRIBERS = [
    # email, name, structure, role, commune slug, theme slugs
    (
        "commune@demo.pacte.fr",
        "Sophie Marchand",
        "CCAS de Darnétal",
        SubscriberRole.CCAS,
        "darnetal",
        ["solidarite", "energie-habitat"],
    ),
    (
        "asso@demo.pacte.fr",
        "Karim Benali",
        "Les Jardins Partagés du Petit-Quevilly",
        SubscriberRole.ASSOCIATION,
        "le-petit-quevilly",
        ["alimentation", "biodiversite"],
    ),
    (
        "m.leroy@ccas-sotteville.example.fr",
        "Martine Leroy",
        "CCAS de Sotteville-lès-Rouen",
        SubscriberRole.CCAS,
        "sotteville-les-rouen",
        ["energie-habitat"],
    ),
    (
        "n.haddad@caf76.example.fr",
        "Nadia Haddad",
        "CAF de la Seine-Maritime, antenne de Rouen",
        SubscriberRole.CAF,
        "rouen",
        ["solidarite"],
    ),
    (
        "p.lambert@seinemaritime.example.fr",
        "Pierre Lambert",
        "Centre médico-social d'Elbeuf",
        SubscriberRole.DEPARTEMENT,
        "elbeuf",
        ["sante-environnement", "alimentation"],
    ),
    (
        "a.diallo@centre-social.example.fr",
        "Aminata Diallo",
        "Centre social Crèvecœur",
        SubscriberRole.SOCIAL_WORKER,
        "rouen",
        ["mobilite", "solidarite"],
    ),
    (
        "j.bertin@ccas-canteleu.example.fr",
        "Julie Bertin",
        "CCAS de Canteleu",
        SubscriberRole.CCAS,
        "canteleu",
        ["energie-habitat", "eau"],
    ),
    (
        "t.roussel@epicerie-solidaire.example.fr",
        "Thibault Roussel",
        "Épicerie solidaire de Grand-Quevilly",
        SubscriberRole.ASSOCIATION,
        "le-grand-quevilly",
        ["alimentation"],
    ),
    (
        "c.moreau@mairie-oissel.example.fr",
        "Chantal Moreau",
        "Service des solidarités d'Oissel",
        SubscriberRole.OTHER,
        "oissel",
        ["solidarite"],
    ),
    (
        "l.garnier@seinemaritime.example.fr",
        "Lucie Garnier",
        "Unité territoriale d'action sociale de Rouen",
        SubscriberRole.DEPARTEMENT,
        "rouen",
        ["mobilite"],
    ),
    (
        "s.nguyen@ccas-saint-etienne.example.fr",
        "Sarah Nguyen",
        "CCAS de Saint-Étienne-du-Rouvray",
        SubscriberRole.CCAS,
        "saint-etienne-du-rouvray",
        ["energie-habitat", "solidarite"],
    ),
    ("en.attente@exemple.fr", "Marc Petit", "Mission locale", SubscriberRole.SOCIAL_WORKER, "maromme", []),
]

SHEETS = [
    {
        "title": "Des ateliers « petits gestes, grosses économies » au CCAS de Darnétal",
        "commune": "darnetal",
        "themes": ["energie-habitat", "solidarite"],
        "summary": "Le CCAS a proposé quatre ateliers pour réduire les factures d'énergie. Les familles sont reparties avec un kit d'économie d'eau et d'énergie. Plusieurs ont baissé leur facture dès l'hiver suivant.",
        "context": "Hausse des impayés d'énergie signalés par les travailleurs sociaux du CCAS depuis 2022, surtout chez les locataires du parc privé.",
        "public": "Familles accompagnées par le CCAS, locataires, dont beaucoup de familles monoparentales.",
        "action": "Quatre ateliers collectifs de deux heures animés avec l'Espace Conseil France Rénov' de la Métropole : lire sa facture, régler son chauffage, chasser les consommations cachées. Un kit (mousseurs, thermomètre, multiprise à interrupteur) remis à chaque participant.",
        "partners": "Espace Conseil France Rénov' de la Métropole, bailleur social, fournisseur d'énergie (chèque énergie).",
        "results": "38 familles participantes, 24 kits posés à domicile avec un bénévole, 12 demandes de chèque énergie débloquées.",
        "contact": "CCAS de Darnétal, pôle accompagnement social.",
        "status": SheetStatus.PUBLISHED,
    },
    {
        "title": "Un vestiaire et un atelier couture solidaires à Sotteville-lès-Rouen",
        "commune": "sotteville-les-rouen",
        "themes": ["consommation-dechets", "solidarite"],
        "summary": "Une association et le CCAS ont ouvert un vestiaire où l'on répare autant qu'on donne. Les personnes accompagnées y viennent aussi comme bénévoles.",
        "context": "Des dons de vêtements abondants mais souvent abîmés, et des personnes isolées en recherche d'activité.",
        "public": "Personnes accompagnées par le CCAS, bénéficiaires du RSA, habitants du quartier.",
        "action": "Un vestiaire ouvert deux demi-journées par semaine, un atelier couture et réparation animé par une couturière bénévole, des temps d'échange sur le réemploi.",
        "partners": "CCAS de Sotteville-lès-Rouen, association de quartier, ressourcerie voisine.",
        "results": "1,2 tonne de textile réemployée en un an ; dix personnes accompagnées devenues bénévoles régulières.",
        "contact": "Association du vestiaire solidaire, via le CCAS.",
        "status": SheetStatus.PUBLISHED,
    },
    {
        "title": "Apprendre le vélo pour aller au travail : la vélo-école d'Elbeuf",
        "commune": "elbeuf",
        "themes": ["mobilite"],
        "summary": "Des adultes qui ne savaient pas faire de vélo ont appris en dix séances. La moitié se rend désormais au travail ou en formation à vélo.",
        "context": "Des offres d'emploi refusées faute de moyen de transport aux horaires décalés.",
        "public": "Adultes en insertion orientés par les travailleurs sociaux et la mission locale.",
        "action": "Dix séances en petit groupe avec un moniteur, prêt d'un vélo pendant trois mois, atelier d'entretien.",
        "partners": "Centre médico-social d'Elbeuf, mission locale, atelier vélo associatif.",
        "results": "22 personnes formées, 11 trajets domicile-travail à vélo, 6 vélos achetés d'occasion à l'issue du prêt.",
        "contact": "Atelier vélo associatif d'Elbeuf.",
        "status": SheetStatus.PUBLISHED,
    },
    {
        "title": "Cuisiner les paniers de l'épicerie solidaire au Grand-Quevilly",
        "commune": "le-grand-quevilly",
        "themes": ["alimentation", "sante-environnement"],
        "summary": "Des ateliers cuisine pour tirer parti des fruits et légumes de saison de l'épicerie solidaire. Moins de gaspillage, et des recettes échangées entre familles.",
        "context": "Des légumes frais peu choisis à l'épicerie solidaire, faute d'idées de recettes et de temps.",
        "public": "Familles bénéficiaires de l'épicerie solidaire.",
        "action": "Un atelier cuisine par mois avec une diététicienne, un carnet de recettes de saison écrit par les participantes.",
        "partners": "Épicerie solidaire, CCAS, maraîchers du marché.",
        "results": "Part des fruits et légumes dans les paniers passée de 18 % à 31 % en six mois.",
        "contact": "Épicerie solidaire de Grand-Quevilly.",
        "status": SheetStatus.PUBLISHED,
    },
    {
        "title": "Une permanence « eau et énergie » dans les locaux de la CAF à Rouen",
        "commune": "rouen",
        "themes": ["energie-habitat", "eau"],
        "summary": "Une permanence mensuelle pour aider les allocataires à comprendre et réduire leurs factures.",
        "context": "Des allocataires en difficulté face à des régularisations de charges élevées.",
        "public": "Allocataires de la CAF reçus à l'antenne de Rouen.",
        "action": "Une permanence d'une demi-journée par mois, avec un conseiller énergie et une travailleuse sociale.",
        "partners": "CAF de la Seine-Maritime, Espace Conseil France Rénov'.",
        "results": "Premier bilan en cours de rédaction.",
        "contact": "CAF, antenne de Rouen.",
        "status": SheetStatus.REVIEW,
    },
    {
        "title": "Des jardins en pied d'immeuble avec les locataires de Canteleu",
        "commune": "canteleu",
        "themes": ["biodiversite", "alimentation"],
        "summary": "Brouillon : un jardin partagé créé avec les locataires accompagnés.",
        "context": "À compléter.",
        "public": "Locataires du quartier.",
        "action": "À compléter.",
        "partners": "",
        "results": "À compléter.",
        "contact": "",
        "status": SheetStatus.DRAFT,
    },
]

ISSUES = [
    # months ago, title, theme slug, editorial, sections, sheet titles
    (
        3,
        "Précarité énergétique : repérer et orienter",
        "energie-habitat",
        "L'hiver approche et, avec lui, les factures qui inquiètent. Ce numéro rassemble les dispositifs qui aident les ménages à payer et à consommer moins, et les formations pour repérer les situations de précarité énergétique lors d'un entretien.",
        [
            (
                SectionKind.WATCH,
                "Le chèque énergie : qui le reçoit, comment l'utiliser",
                "Envoyé automatiquement selon le revenu fiscal de référence, il paie une facture d'énergie ou des travaux. Beaucoup de ménages ne l'utilisent pas : vérifiez-le lors de vos entretiens.",
                "https://www.chequeenergie.gouv.fr/",
            ),
            (
                SectionKind.AIDS,
                "Le fonds de solidarité logement (FSL)",
                "Le Département aide au paiement des factures d'énergie et d'eau des ménages en difficulté ; la demande se fait avec un travailleur social.",
                "",
            ),
            (
                SectionKind.TRAININGS,
                "Repérer la précarité énergétique en entretien",
                "Une demi-journée de formation pour les travailleurs sociaux, à Rouen, avec l'Espace Conseil France Rénov'.",
                "",
            ),
            (
                SectionKind.ANIMATIONS,
                "Kit « petits gestes » à prêter",
                "Le CCAS de Darnétal prête son kit d'animation aux structures qui veulent lancer des ateliers.",
                "",
            ),
        ],
        ["Des ateliers « petits gestes, grosses économies » au CCAS de Darnétal"],
    ),
    (
        2,
        "Se déplacer sans voiture pour accéder à l'emploi",
        "mobilite",
        "Sans moyen de transport, une offre d'emploi peut être hors de portée. Voici les aides à la mobilité du territoire et une vélo-école qui a fait ses preuves.",
        [
            (
                SectionKind.WATCH,
                "La tarification solidaire du réseau Astuce",
                "Réductions sur les abonnements selon le quotient familial : à rappeler aux personnes que vous accompagnez.",
                "",
            ),
            (
                SectionKind.AIDS,
                "Aide au permis et location de véhicules à petit prix",
                "Plusieurs plateformes de mobilité proposent des locations solidaires et un accompagnement au permis.",
                "",
            ),
            (
                SectionKind.TRAININGS,
                "Le conseil en mobilité inclusive",
                "Une journée pour construire un diagnostic mobilité avec la personne accompagnée.",
                "",
            ),
        ],
        ["Apprendre le vélo pour aller au travail : la vélo-école d'Elbeuf"],
    ),
    (
        1,
        "Bien manger avec un petit budget",
        "alimentation",
        "L'alimentation est souvent la variable d'ajustement des budgets serrés. Épiceries solidaires, ateliers cuisine, jardins partagés : des pistes concrètes, près de chez vous.",
        [
            (
                SectionKind.WATCH,
                "Les épiceries solidaires de la Métropole",
                "Une carte des épiceries solidaires et de leurs conditions d'accès est tenue à jour par les CCAS.",
                "",
            ),
            (
                SectionKind.ANIMATIONS,
                "Ateliers cuisine de saison",
                "Des ateliers clé en main, avec fiches recettes, à organiser avec votre public.",
                "",
            ),
        ],
        [
            "Cuisiner les paniers de l'épicerie solidaire au Grand-Quevilly",
            "Un vestiaire et un atelier couture solidaires à Sotteville-lès-Rouen",
        ],
    ),
]


def _editor(stdout=None) -> User:
    user, created = User.objects.get_or_create(
        email=EDITOR_EMAIL,
        defaults={
            "first_name": "Claire",
            "last_name": "Dupont",
            "category": PublicCategory.PARTNER,
            "home_commune": Commune.objects.filter(slug="rouen").first(),
            "password": make_password(DEMO_PASSWORD),
            "is_staff": True,
        },
    )
    EmailAddress.objects.get_or_create(
        user=user, email=EDITOR_EMAIL, defaults={"verified": True, "primary": True}
    )
    user.groups.add(Group.objects.get(name=StaffGroup.LETTER.value))
    if created and stdout:
        stdout.write(f"  {EDITOR_EMAIL} : rédaction de la lettre")
    # The seed is an operator command: the editor acts with staff powers for the services below.
    return staff_for_operator_command(User.objects.get(pk=user.pk))


def _month(months_ago: int):
    first = timezone.localdate().replace(day=1)
    for _ in range(months_ago):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


@transaction.atomic
def seed_demo(stdout=None) -> None:
    editor = _editor(stdout)
    communes = {c.slug: c for c in Commune.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    now = timezone.now()

    for email, name, structure, role, commune, theme_slugs in SUBSCRIBERS:
        if Subscriber.objects.filter(email=email).exists():
            continue
        pending = email.startswith("en.attente")
        subscriber = Subscriber.objects.create(
            email=email,
            name=name,
            structure=structure,
            role=role,
            commune=communes.get(commune),
            status=SubscriberStatus.PENDING if pending else SubscriberStatus.ACTIVE,
            consent_text=CONSENT_TEXT,
            consent_at=now - timedelta(days=120),
            confirmed_at=None if pending else now - timedelta(days=120),
            user=User.objects.filter(email=email).first(),
        )
        subscriber.themes.set([themes[slug] for slug in theme_slugs if slug in themes])

    sheets = {}
    for data in SHEETS:
        sheet = ExperienceSheet.objects.filter(title=data["title"]).first()
        if sheet is None:
            fields = {k: v for k, v in data.items() if k not in {"themes", "commune", "status"}}
            sheet = sheet_save(
                sheet=ExperienceSheet(**fields, commune=communes.get(data["commune"])),
                themes=[themes[slug] for slug in data["themes"] if slug in themes],
                by=editor,
            )
            if data["status"] in (SheetStatus.REVIEW, SheetStatus.PUBLISHED):
                sheet = sheet_submit(sheet=sheet, by=editor)
            if data["status"] == SheetStatus.PUBLISHED:
                sheet = sheet_publish(sheet=sheet, by=editor)
        sheets[sheet.title] = sheet

    active = list(Subscriber.objects.active())
    for number, (months_ago, title, theme, editorial, sections, sheet_titles) in enumerate(ISSUES, start=1):
        if Issue.objects.filter(number=number).exists():
            continue
        issue = issue_save(
            issue=Issue(
                number=number,
                month=_month(months_ago),
                title=title,
                theme=themes.get(theme),
                editorial=editorial,
            ),
            sheets=[sheets[t] for t in sheet_titles if t in sheets],
            by=editor,
        )
        for position, (kind, section_title, body, link) in enumerate(sections):
            section_save(
                section=Section(
                    issue=issue, kind=kind, title=section_title, body=body, link=link, position=position
                ),
                by=editor,
            )
        # Past issues are history: recorded as sent on their date, without mailing anyone now.
        sent_at = timezone.make_aware(datetime.combine(issue.month.replace(day=5), time(9, 0)))
        Issue.objects.filter(pk=issue.pk).update(
            status=IssueStatus.SENT, sending_started_at=sent_at, sent_at=sent_at + timedelta(minutes=3)
        )
        Delivery.objects.bulk_create(
            [
                Delivery(issue=issue, subscriber=s, status=DeliveryStatus.SENT, attempts=1, sent_at=sent_at)
                for s in active
            ],
            ignore_conflicts=True,
        )

    if not Issue.objects.filter(number=len(ISSUES) + 1).exists():
        draft = issue_save(
            issue=Issue(
                number=len(ISSUES) + 1,
                month=next_month(timezone.localdate()),
                title="L'eau, un bien commun à préserver",
                theme=themes.get("eau"),
                editorial="Brouillon — factures d'eau, fuites, récupération : ce que les travailleurs sociaux peuvent proposer.",
            ),
            by=editor,
        )
        section_save(
            section=Section(
                issue=draft,
                kind=SectionKind.AIDS,
                title="Le volet eau du fonds de solidarité logement",
                body="Le FSL aide aussi au paiement des factures d'eau : conditions et démarche.",
                position=0,
            ),
            by=editor,
        )


def seed_scale(scale: int, stdout=None) -> None:
    """scale × (10 published sheets, 100 subscribers) and min(scale, 120) sent issues, for the bench."""
    rng = random.Random(5)
    communes = list(Commune.objects.all())
    theme_ids = list(Theme.objects.values_list("pk", flat=True))
    now = timezone.now()
    n_sheets, n_subscribers, n_issues = 10 * scale, 100 * scale, min(scale, 120)
    existing = ExperienceSheet.objects.filter(slug__startswith="charge-").count()
    new = [
        ExperienceSheet(
            title=f"Retour d'expériences n° {i}",
            slug=f"charge-{i}",
            summary="Une action menée avec les publics accompagnés, racontée simplement.",
            context="Contexte de l'action.",
            public="Publics accompagnés.",
            action="Ce qui a été fait, avec qui, à quel rythme.",
            results="Ce qui a changé.",
            commune=rng.choice(communes),
            status=SheetStatus.PUBLISHED,
            published_at=now - timedelta(days=rng.randint(1, 700)),
        )
        for i in range(existing, n_sheets)
    ]
    ExperienceSheet.objects.bulk_create(new, batch_size=2000)
    Through = ExperienceSheet.themes.through
    Through.objects.bulk_create(
        [
            Through(experiencesheet_id=pk, theme_id=rng.choice(theme_ids))
            for pk in ExperienceSheet.objects.filter(slug__in=[s.slug for s in new]).values_list(
                "pk", flat=True
            )
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    existing = Subscriber.objects.filter(email__startswith="charge-").count()
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"charge-{i}@abonnes.example.fr",
                role=rng.choice(SubscriberRole.values),
                commune=rng.choice(communes),
                status=SubscriberStatus.ACTIVE,
                consent_text=CONSENT_TEXT,
                consent_at=now,
                confirmed_at=now,
            )
            for i in range(existing, n_subscribers)
        ],
        batch_size=5000,
    )
    top = Issue.objects.order_by("-number").values_list("number", flat=True).first() or 0
    have = Issue.objects.filter(title__startswith="Numéro de charge").count()
    for i in range(have, n_issues):
        issue = Issue.objects.create(
            number=top + 1 + i - have,
            month=_month(0),
            title=f"Numéro de charge {i}",
            editorial="Éditorial du numéro.",
            status=IssueStatus.SENT,
            sent_at=now,
        )
        Section.objects.bulk_create(
            [
                Section(issue=issue, kind=rng.choice(SectionKind.values), title=f"Article {k}", body="Texte.")
                for k in range(6)
            ]
        )
