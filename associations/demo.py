"""Demo content of action 3, written through the services (so the journal, the e-mails in the
console and the derived states are those of real use). Idempotent: nothing is added once the demo
campaigns exist.

- asso@demo.pacte.fr, référent of "Les Jardins Partagés du Petit-Quevilly" (labelled): one
  application in correction (current campaign) and one accepted, paid, with its bilan due;
- "Atelier Vélo Solidaire rouennais" (labelled): a closed file (bilan accepted);
- "Seine Zéro Déchet" (labelled): a file waiting to be instructed; "Repair Café de Sotteville": a
  label request waiting for a decision;
- dacte@demo.pacte.fr instructs (group "Instruction des subventions").
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from pacte.enums import Action, MembershipRole, OrganisationKind, RegistrationStatus, StaffGroup
from pacte.models import Commune, Event, Membership, Organisation, Registration, Theme, User
from pacte.permissions import staff_for_operator_command
from pacte.validators import luhn_ok

from .enums import ApplicationStatus, BudgetCategory, TargetPublic
from .models import Campaign, CampaignDocument, CampaignQuestion, RelaisLabel, SubsidyApplication
from .services import applications as apply
from .services import bilans, instruction
from .services.campaigns import campaign_save
from .services.label import label_grant, label_request

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

DOCUMENTS = [
    ("Relevé d'identité bancaire", "Au nom de l'association, avec son adresse."),
    ("Derniers comptes approuvés", "Bilan et compte de résultat du dernier exercice clos."),
    ("Rapport d'activité", "Le dernier rapport présenté à l'assemblée générale."),
]
QUESTIONS = [
    "Comment votre programme touche-t-il des publics éloignés de la transition écologique ?",
    "Avec quels partenaires (communes, autres associations, structures sociales) le menez-vous ?",
]


def _pdf(name: str) -> ContentFile:
    return ContentFile(PDF, name=name)


def siret_for(seed: int) -> str:
    """A valid (Luhn) SIRET for demo data, from a 13-digit stem."""
    stem = f"8{seed:08d}0001"
    for last in range(10):
        if luhn_ok(stem + str(last)):
            return stem + str(last)
    raise ValueError(seed)


def _log(stdout, text):
    if stdout is not None:
        stdout.write(text)


def _campaign(year, opens_on, closes_on, envelope, by):
    campaign = Campaign(
        year=year,
        title=f"Campagne Relais COP21 {year}",
        opens_on=opens_on,
        closes_on=closes_on,
        envelope=Decimal(envelope),
        max_request=Decimal("8000"),
        is_published=True,
        rules=(
            f"La Métropole Rouen Normandie soutient en {year} les programmes d'actions des associations "
            "labellisées Relais COP21 pour la transition écologique, destinés à leurs adhérents et au grand "
            "public, sur le territoire des 71 communes.\n\n"
            "Le programme se déroule dans l'année ; la subvention couvre au plus 80 % de son budget. "
            "Le bilan est à déposer dans les six mois qui suivent la fin du programme.\n\n"
            "Critères : publics touchés, en particulier éloignés des questions de transition ; ancrage "
            "dans les communes ; partenariats ; sobriété du budget."
        ),
    )
    campaign = campaign_save(campaign=campaign, by=by)
    for position, (title, help_text) in enumerate(DOCUMENTS):
        CampaignDocument.objects.create(
            campaign=campaign, title=title, help_text=help_text, position=position
        )
    for position, label in enumerate(QUESTIONS):
        CampaignQuestion.objects.create(campaign=campaign, label=label, position=position)
    return campaign


def _labelled(organisation, referent, staff, *, rna, siret, until, motivation):
    if RelaisLabel.objects.current().filter(organisation=organisation).exists():
        return
    label = label_request(
        organisation=organisation,
        rna=rna,
        siret=siret,
        statutes=_pdf("statuts.pdf"),
        charter_accepted=True,
        motivation=motivation,
        by=referent,
    )
    label_grant(label=label, valid_from=date(2024, 1, 15), valid_until=until, by=staff)


def _full_application(
    campaign, organisation, referent, *, title, summary, start, end, actions, budget, communes, themes
):
    application = apply.application_start(campaign=campaign, organisation=organisation, by=referent)
    apply.application_update_programme(
        application=application,
        title=title,
        summary=summary,
        objectives=(
            "Faire découvrir des gestes simples et durables, donner envie de les adopter chez soi, "
            "et accueillir de nouveaux bénévoles."
        ),
        themes=themes,
        publics=sorted({action[1] for action in actions}),
        programme_start=start,
        programme_end=end,
        by=referent,
    )
    apply.application_set_actions(
        application=application,
        actions=[
            {
                "title": action_title,
                "public": public,
                "expected_participants": participants,
                "communes": [communes[slug] for slug in slugs],
                "starts_on": start,
                "ends_on": end,
            }
            for action_title, public, participants, slugs in actions
        ],
        by=referent,
    )
    apply.application_set_budget(
        application=application,
        lines=[
            {"category": category, "label": label, "amount": Decimal(amount)}
            for category, label, amount in budget
        ],
        by=referent,
    )
    for requirement in campaign.required_documents.all():
        apply.application_add_document(
            application=application, requirement=requirement, uploaded=_pdf("piece.pdf"), by=referent
        )
    apply.application_update_answers(
        application=application,
        answers={
            str(
                question.pk
            ): "Avec les centres sociaux de la commune et les bailleurs, par des ateliers au pied des immeubles."
            for question in campaign.questions.all()
        },
        certifies_accuracy=True,
        certifies_obligations=True,
        by=referent,
    )
    return apply.application_submit(application=application, by=referent)


def _past_events(organisation, communes, start: date, people):
    """The association's own events over the programme, with registrations and attendance."""
    theme = Theme.objects.filter(slug="biodiversite").first()
    titles = [
        "Atelier semis au jardin partagé",
        "Troc de graines et de plants",
        "Chantier compost collectif",
        "Fête des récoltes",
    ]
    for index, title in enumerate(titles):
        slug = f"{organisation.slug}-{index + 1}-{start.year}"
        if Event.objects.filter(slug=slug).exists():
            continue
        starts_at = timezone.make_aware(
            datetime.combine(start + timedelta(days=40 + 60 * index), time(14, 0))
        )
        event = Event.objects.create(
            title=title,
            slug=slug,
            action=Action.ASSOCIATIONS,
            organiser=organisation,
            commune=communes["le-petit-quevilly"],
            place="Jardin partagé Jean-Jaurès",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
            capacity=25,
            summary="Un rendez-vous du programme soutenu par la Métropole.",
            is_published=True,
            walk_in_count=4 + index,
            attendance_recorded_at=starts_at + timedelta(hours=4),
        )
        if theme:
            event.themes.add(theme)
        chosen = people[index * 3 : index * 3 + 12]
        Registration.objects.bulk_create(
            [
                Registration(
                    event=event, user=person, status=RegistrationStatus.CONFIRMED, attended=n % 5 != 0
                )
                for n, person in enumerate(chosen)
            ],
            ignore_conflicts=True,
        )
        Event.objects.filter(pk=event.pk).update(seats_taken=len(chosen))


@transaction.atomic
def seed_associations(stdout=None) -> None:
    if Campaign.objects.filter(title__startswith="Campagne Relais COP21").exists():
        return
    today = timezone.localdate()
    staff = staff_for_operator_command(User.objects.get(email="dacte@demo.pacte.fr"))
    staff.groups.add(Group.objects.get(name=StaffGroup.SUBSIDY))
    asso = User.objects.get(email="asso@demo.pacte.fr")
    communes = {c.slug: c for c in Commune.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    organisations = {o.slug: o for o in Organisation.objects.filter(kind=OrganisationKind.ASSOCIATION)}
    jardins = organisations["les-jardins-partages-du-petit-quevilly"]
    velo = organisations["atelier-velo-solidaire-rouennais"]
    repair = organisations["repair-cafe-de-sotteville"]
    zero = organisations["seine-zero-dechet"]

    # Référents of the other associations (demo people, password of the demo accounts).
    password = asso.password
    referents = {}
    for organisation, (first, last) in [
        (velo, ("Nadia", "Haddad")),
        (repair, ("Bernard", "Lemoine")),
        (zero, ("Élodie", "Renaud")),
    ]:
        email = f"{first.lower().replace('é', 'e')}.{last.lower()}@demo.pacte.fr"
        person, _ = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "password": password,
                "home_commune": organisation.commune,
            },
        )
        Membership.objects.get_or_create(
            user=person, organisation=organisation, defaults={"role": MembershipRole.REFERENT}
        )
        referents[organisation.pk] = person

    # Three campaigns: 2025 and 2026 are over, the next one is open. Past files are written while
    # their campaign is open, then the campaign gets its real dates.
    open_now = (today - timedelta(days=20), today + timedelta(days=60))
    c2025 = _campaign(today.year - 1, *open_now, "60000", staff)
    c2026 = _campaign(today.year, *open_now, "65000", staff)
    c_next = _campaign(today.year + 1, *open_now, "70000", staff)

    _labelled(
        jardins,
        asso,
        staff,
        rna="W763004512",
        siret=siret_for(1234567),
        until=today + timedelta(days=50),
        motivation="Trois jardins partagés en pied d'immeuble, ouverts aux habitants du quartier.",
    )
    _labelled(
        velo,
        referents[velo.pk],
        staff,
        rna="W763007781",
        siret=siret_for(2345678),
        until=today + timedelta(days=700),
        motivation="Atelier participatif et vélo-école pour adultes.",
    )
    _labelled(
        zero,
        referents[zero.pk],
        staff,
        rna="W763011203",
        siret=siret_for(3456789),
        until=today + timedelta(days=500),
        motivation="Ateliers zéro déchet et compostage partagé.",
    )
    if not RelaisLabel.objects.filter(organisation=repair).exists():
        label_request(
            organisation=repair,
            rna="W763009954",
            siret="",
            statutes=_pdf("statuts.pdf"),
            charter_accepted=True,
            motivation="Un repair café chaque mois à Sotteville-lès-Rouen.",
            by=referents[repair.pk],
        )

    people = list(User.objects.filter(email__endswith="@demo.pacte.fr").exclude(is_staff=True).order_by("pk"))

    # Atelier Vélo, 2025: the whole loop, closed.
    last = date(today.year - 1, 1, 1)
    velo_file = _full_application(
        c2025,
        velo,
        referents[velo.pk],
        title="Vélo-école et ateliers d'autoréparation dans les quartiers",
        summary="Apprendre à pédaler et à réparer son vélo, pour des adultes qui n'en ont jamais fait.",
        start=last.replace(month=2),
        end=last.replace(month=11, day=30),
        actions=[
            (
                "Vélo-école pour adultes (12 sessions)",
                TargetPublic.PRECARIOUS,
                40,
                ["rouen", "saint-etienne-du-rouvray"],
            ),
            (
                "Ateliers d'autoréparation au pied des immeubles",
                TargetPublic.GENERAL,
                150,
                ["rouen", "le-grand-quevilly"],
            ),
        ],
        budget=[
            (BudgetCategory.PURCHASES, "Pièces détachées et outillage", "3200"),
            (BudgetCategory.STAFF, "Animateur mécanicien (0,2 ETP)", "6800"),
            (BudgetCategory.REQUEST, "", "6000"),
            (BudgetCategory.MEMBERSHIP, "Adhésions et dons", "1500"),
            (BudgetCategory.OWN_FUNDS, "", "2500"),
        ],
        communes=communes,
        themes=[themes["mobilite"], themes["solidarite"]],
    )
    instruction.application_take_up(application=velo_file, by=staff)
    instruction.application_accept(
        application=velo_file,
        granted_amount=Decimal("5500"),
        decision_reference=f"C{today.year - 1}-0187",
        decision_date=last.replace(month=3, day=14),
        conditions="Versement unique à la signature de la convention.",
        by=staff,
    )
    instruction.application_sign_convention(
        application=velo_file,
        signed_on=last.replace(month=3, day=28),
        uploaded=_pdf("convention.pdf"),
        by=staff,
    )
    instruction.payment_record(
        application=velo_file,
        amount=Decimal("5500"),
        paid_on=last.replace(month=4, day=15),
        reference="Mandat 2025-04412",
        by=staff,
    )
    lines = list(velo_file.budget_lines.all())
    bilans.bilan_save(
        application=velo_file,
        actions_held=14,
        account="La vélo-école a accueilli 38 adultes, dont 26 femmes ; 31 roulent seuls aujourd'hui. "
        "Les ateliers d'autoréparation ont réuni 180 personnes sur 9 dates.",
        participations=[
            {"public": TargetPublic.PRECARIOUS, "commune": communes["rouen"], "participants": 24},
            {
                "public": TargetPublic.PRECARIOUS,
                "commune": communes["saint-etienne-du-rouvray"],
                "participants": 14,
            },
            {"public": TargetPublic.GENERAL, "commune": communes["le-grand-quevilly"], "participants": 180},
        ],
        actuals={line.pk: (line.amount, "") for line in lines},
        by=referents[velo.pk],
    )
    bilans.bilan_submit(application=velo_file, by=referents[velo.pk])
    bilans.bilan_accept(application=velo_file, by=staff)

    # Les Jardins Partagés, this year's campaign: accepted, paid, bilan due.
    _past_events(jardins, communes, date(today.year, 1, 15), people)
    jardins_file = _full_application(
        c2026,
        jardins,
        asso,
        title="Jardiner au naturel en pied d'immeuble",
        summary="Ateliers de jardinage au naturel, compost partagé et troc de graines dans trois jardins du Petit-Quevilly.",
        start=date(today.year, 1, 15),
        end=date(today.year, 10, 31),
        actions=[
            (
                "Ateliers de jardinage au naturel (2 par mois)",
                TargetPublic.FAMILIES,
                120,
                ["le-petit-quevilly"],
            ),
            (
                "Troc de graines et fête des récoltes",
                TargetPublic.GENERAL,
                200,
                ["le-petit-quevilly", "le-grand-quevilly"],
            ),
        ],
        budget=[
            (BudgetCategory.PURCHASES, "Semences, terreau, petit outillage", "1800"),
            (BudgetCategory.OTHER_SERVICES, "Intervenante en permaculture", "2400"),
            (BudgetCategory.REQUEST, "", "3500"),
            (BudgetCategory.OWN_FUNDS, "", "700"),
        ],
        communes=communes,
        themes=[themes["biodiversite"], themes["alimentation"]],
    )
    instruction.application_take_up(application=jardins_file, by=staff)
    instruction.application_accept(
        application=jardins_file,
        granted_amount=Decimal("3200"),
        decision_reference=f"C{today.year}-0093",
        decision_date=date(today.year, 2, 20),
        conditions="70 % à la signature, le solde après le bilan.",
        by=staff,
    )
    instruction.application_sign_convention(
        application=jardins_file, signed_on=date(today.year, 3, 5), uploaded=_pdf("convention.pdf"), by=staff
    )
    instruction.payment_record(
        application=jardins_file,
        amount=Decimal("3200"),
        paid_on=date(today.year, 3, 20),
        reference=f"Mandat {today.year}-01877",
        by=staff,
    )
    instruction.application_request_bilan(application=jardins_file, by=None)

    # Les Jardins Partagés, next campaign: sent back for a correction.
    next_file = _full_application(
        c_next,
        jardins,
        asso,
        title="Un jardin pour chaque école du quartier",
        summary="Créer des carrés potagers avec deux écoles élémentaires et les familles.",
        start=date(today.year + 1, 2, 1),
        end=date(today.year + 1, 11, 30),
        actions=[("Carrés potagers dans deux écoles", TargetPublic.PUPILS, 180, ["le-petit-quevilly"])],
        budget=[
            (BudgetCategory.PURCHASES, "Bois, terre, semences", "2600"),
            (BudgetCategory.REQUEST, "", "2000"),
            (BudgetCategory.OTHER_PUBLIC, "Commune du Petit-Quevilly", "600"),
        ],
        communes=communes,
        themes=[themes["biodiversite"]],
    )
    instruction.application_take_up(application=next_file, by=staff)
    instruction.application_request_correction(
        application=next_file,
        message="Merci de joindre l'accord écrit des deux écoles et de préciser le calendrier des séances avec les classes.",
        by=staff,
    )

    # Seine Zéro Déchet, next campaign: waiting to be instructed.
    _full_application(
        c_next,
        zero,
        referents[zero.pk],
        title="Zéro déchet en famille à Elbeuf",
        summary="Un défi « familles zéro déchet » de six mois, avec pesées, ateliers et compost.",
        start=date(today.year + 1, 1, 15),
        end=date(today.year + 1, 7, 15),
        actions=[("Défi familles zéro déchet", TargetPublic.FAMILIES, 30, ["elbeuf", "caudebec-les-elbeuf"])],
        budget=[
            (BudgetCategory.PURCHASES, "Balances, composteurs", "900"),
            (BudgetCategory.OTHER_SERVICES, "Ateliers cuisine anti-gaspi", "1300"),
            (BudgetCategory.REQUEST, "", "1800"),
            (BudgetCategory.OWN_FUNDS, "", "400"),
        ],
        communes=communes,
        themes=[themes["consommation-dechets"]],
    )

    # The past campaigns get their real dates.
    for campaign, year in ((c2025, today.year - 1), (c2026, today.year)):
        campaign.opens_on, campaign.closes_on = date(year - 1, 11, 1), date(year - 1, 12, 31)
        campaign_save(campaign=campaign, by=staff)
    _log(stdout, "Associations Relais COP21 : labels, campagnes et dossiers de démonstration créés.\n")


def seed_associations_scale(scale: int, stdout=None) -> None:
    """scale × 2 labelled associations with a closed, funded file each: for the directory, the
    funded programmes and the open data under load (bulk writes: this is load data, not history)."""
    rng = random.Random(7)
    communes = list(Commune.objects.all())
    themes = list(Theme.objects.all())
    today = timezone.localdate()
    campaign, _ = Campaign.objects.get_or_create(
        year=2019,
        defaults={
            "title": "Campagne Relais COP21 2019 (charge)",
            "opens_on": date(2018, 11, 1),
            "closes_on": date(2018, 12, 31),
            "envelope": Decimal("1000000"),
            "rules": "Campagne de charge.",
            "is_published": True,
        },
    )
    wanted = 2 * scale
    existing = Organisation.objects.filter(slug__startswith="charge-asso-").count()
    new = [
        Organisation(
            kind=OrganisationKind.ASSOCIATION,
            name=f"Association relais n° {i}",
            slug=f"charge-asso-{i}",
            summary="Une association relais pour mesurer le portail sous charge.",
            commune=rng.choice(communes),
            siret=siret_for(5_000_000 + i),
        )
        for i in range(existing, wanted)
    ]
    Organisation.objects.bulk_create(new)
    created = list(Organisation.objects.filter(slug__in=[o.slug for o in new]))
    Organisation.themes.through.objects.bulk_create(
        [Organisation.themes.through(organisation_id=o.pk, theme_id=rng.choice(themes).pk) for o in created]
    )
    now = timezone.now()
    RelaisLabel.objects.bulk_create(
        [
            RelaisLabel(
                organisation=o,
                status="granted",
                charter_version="2026.1",
                charter_accepted_at=now,
                valid_from=today - timedelta(days=30),
                valid_until=today + timedelta(days=1000),
                decided_at=now,
            )
            for o in created
        ]
    )
    SubsidyApplication.objects.bulk_create(
        [
            SubsidyApplication(
                campaign=campaign,
                organisation=o,
                status=ApplicationStatus.CLOSED,
                title=f"Programme de {o.name}",
                summary="Ateliers et animations pour la transition.",
                granted_amount=Decimal(rng.randrange(1000, 8000, 100)),
                decision_reference=f"C2019-{i:04d}",
                decision_date=date(2019, 3, 1),
                convention_signed_on=date(2019, 3, 15),
                programme_start=date(2019, 1, 15),
                programme_end=date(2019, 11, 30),
                submitted_at=now,
            )
            for i, o in enumerate(created)
        ]
    )
    _log(stdout, f"Associations relais de charge : {wanted} en base.\n")
