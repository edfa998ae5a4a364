"""Demo content of the tool library (AssociationsConfig.seed_demo, after the associations' demo):

- asso@demo.pacte.fr, référent of "Les Jardins Partagés du Petit-Quevilly", owns a giant game, a
  kit and a guide. Its game is out at "Atelier Vélo Solidaire rouennais" (Rouen) and passes
  straight to "Seine Zéro Déchet" next: the Vélo side confirmed the hand-off, Seine Zéro Déchet
  (elodie.renaud@demo.pacte.fr) has still to confirm the receiving. A request of Vélo for the kit
  waits for asso's decision, and asso asks for the Métropole's exhibition;
- dacte@demo.pacte.fr manages the Métropole's tools (an exhibition, a video, a kit), decides the
  requests for them and sees an exhibition copy overdue.

Current requests go through the services; loans already under way or past are history, written
directly (the services refuse dates in the past, rightly).
"""

import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from pacte.enums import OrganisationKind
from pacte.models import Event, Organisation, Theme, User
from pacte.permissions import staff_for_operator_command

from ...enums import TargetPublic
from .enums import CopyCondition, LoanStatus, ToolKind
from .models import Loan, Tool, ToolCopy
from .services import copy_add, handoff_confirm, loan_accept, loan_request, tool_create, tool_file_add

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

TOOLS = [
    # owner key, title, kind, public, ages, themes, summary, description, copies (label, place), files (title, public)
    (
        "jardins",
        "Le grand jeu de l'oie du climat",
        ToolKind.GAME,
        TargetPublic.FAMILIES,
        (6, 99),
        ["consommation-dechets", "energie-habitat"],
        "Un jeu de l'oie géant (4 × 4 m) sur les gestes du quotidien, pour animer une fête de quartier.",
        "Des cases en bâche à poser au sol, un dé en mousse et 60 cartes questions sur l'alimentation, "
        "l'énergie et les déchets. Deux animateurs suffisent ; comptez 45 minutes par partie, jusqu'à "
        "six équipes.",
        [("Exemplaire 1", "Jardin des Cèdres, rue Gambetta, Le Petit-Quevilly")],
        [("Règle du jeu", True), ("Cartes questions à imprimer", False)],
    ),
    (
        "jardins",
        "Malle « Du compost au potager »",
        ToolKind.KIT,
        TargetPublic.PUPILS,
        (7, 12),
        ["biodiversite", "alimentation"],
        "Une malle pédagogique pour une classe : loupes, bacs à vers, fiches d'observation.",
        "Tout pour animer trois séances sur le cycle de la matière organique : un lombricomposteur "
        "transparent, douze loupes, des fiches d'observation et un guide de l'animateur.",
        [("Malle A", "Jardin des Cèdres, rue Gambetta, Le Petit-Quevilly")],
        [("Guide de l'animateur", True)],
    ),
    (
        "jardins",
        "Guide : lancer un jardin partagé en pied d'immeuble",
        ToolKind.GUIDE,
        TargetPublic.GENERAL,
        (None, None),
        ["biodiversite", "solidarite"],
        "Notre expérience, pas à pas : convention avec le bailleur, règlement, premières plantations.",
        "Un guide de 24 pages, écrit avec les habitants des trois jardins du Petit-Quevilly.",
        [],
        [("Le guide (PDF)", True), ("Modèle de convention avec le bailleur", False)],
    ),
    (
        None,
        "Exposition « La Seine, un fleuve vivant »",
        ToolKind.EXHIBITION,
        TargetPublic.GENERAL,
        (None, None),
        ["eau", "biodiversite"],
        "Douze panneaux sur roll-up sur la faune, la flore et la qualité de l'eau de la Seine.",
        "Réalisée par la Métropole avec les associations de pêche et de protection de la nature. "
        "Encombrement : deux housses de 1 m, à transporter en voiture.",
        [("Jeu 1", "Le 108, accueil, Rouen"), ("Jeu 2", "Le 108, accueil, Rouen")],
        [("Livret de visite", True)],
    ),
    (
        None,
        "Vidéo « Se déplacer autrement dans la Métropole »",
        ToolKind.VIDEO,
        TargetPublic.GENERAL,
        (12, 99),
        ["mobilite"],
        "Un film de 12 minutes et son guide de débat, pour lancer une discussion sur les mobilités.",
        "Témoignages d'habitants de Darnétal, Elbeuf et Rouen qui ont changé de mode de déplacement.",
        [],
        [("Guide de débat", True), ("Lien de téléchargement du film", False)],
    ),
    (
        None,
        "Kit « Fresque de l'eau »",
        ToolKind.KIT,
        TargetPublic.MEMBERS,
        (15, 99),
        ["eau"],
        "Un atelier collaboratif de 2 h 30 pour comprendre le cycle de l'eau et ses enjeux locaux.",
        "Cartes, plateau et guide d'animation ; une formation courte est proposée aux animateurs.",
        [("Kit 1", "Le 108, accueil, Rouen")],
        [("Guide d'animation", False)],
    ),
]


def _pdf(name):
    return ContentFile(PDF, name=name)


def seed_tools(stdout=None) -> None:
    if Tool.objects.exists():
        return
    today = timezone.localdate()
    staff = staff_for_operator_command(User.objects.get(email="dacte@demo.pacte.fr"))
    asso = User.objects.get(email="asso@demo.pacte.fr")
    organisations = {o.slug: o for o in Organisation.objects.filter(kind=OrganisationKind.ASSOCIATION)}
    jardins = organisations["les-jardins-partages-du-petit-quevilly"]
    velo = organisations["atelier-velo-solidaire-rouennais"]
    zero = organisations["seine-zero-dechet"]
    nadia = User.objects.get(email="nadia.haddad@demo.pacte.fr")
    elodie = User.objects.get(email="elodie.renaud@demo.pacte.fr")
    themes = {t.slug: t for t in Theme.objects.all()}
    owners = {"jardins": (jardins, asso), None: (None, staff)}

    tools = []
    for key, title, kind, public, (
        age_min,
        age_max,
    ), theme_slugs, summary, description, copies, files in TOOLS:
        owner, by = owners[key]
        tool = tool_create(
            owner=owner,
            title=title,
            kind=kind,
            public=public,
            age_min=age_min,
            age_max=age_max,
            summary=summary,
            description=description,
            themes=[themes[slug] for slug in theme_slugs if slug in themes],
            by=by,
        )
        for label, place in copies:
            copy_add(tool=tool, label=label, location=place, condition=CopyCondition.GOOD, by=by)
        for file_title, public_file in files:
            tool_file_add(
                tool=tool, title=file_title, uploaded=_pdf("outil.pdf"), is_public=public_file, by=by
            )
        tools.append(tool)
    game, kit, _guide, exhibition, _video, _fresque = tools

    # History: the game went out to Vélo four days ago and passes to Seine Zéro Déchet next.
    game_copy = game.copies.get()
    out = Loan.objects.create(
        copy=game_copy,
        borrower=velo,
        requested_by=nadia,
        start_on=today - timedelta(days=4),
        end_on=today + timedelta(days=1),
        message="Pour la fête du vélo au jardin de l'Hôtel de Ville.",
        status=LoanStatus.OUT,
        decided_by=asso,
        decided_at=timezone.now() - timedelta(days=10),
        picked_up_at=timezone.now() - timedelta(days=4),
    )
    ToolCopy.objects.filter(pk=game_copy.pk).update(holder=velo)
    # A past loan, returned, that served an event of Seine Zéro Déchet if it held one.
    served = Event.objects.filter(organiser=zero, starts_at__lt=timezone.now()).order_by("-starts_at").first()
    Loan.objects.create(
        copy=kit.copies.get(),
        borrower=zero,
        requested_by=elodie,
        event=served,
        start_on=today - timedelta(days=40),
        end_on=today - timedelta(days=33),
        status=LoanStatus.RETURNED,
        decided_by=asso,
        decided_at=timezone.now() - timedelta(days=50),
        picked_up_at=timezone.now() - timedelta(days=40),
        returned_at=timezone.now() - timedelta(days=33),
        return_note="Complet, un bac à vers fendu signalé.",
    )
    # The Métropole's exhibition, first set, is out at Vélo and three days late.
    late_copy = exhibition.copies.order_by("label").first()
    Loan.objects.create(
        copy=late_copy,
        borrower=velo,
        requested_by=nadia,
        start_on=today - timedelta(days=20),
        end_on=today - timedelta(days=3),
        status=LoanStatus.OUT,
        decided_by=staff,
        decided_at=timezone.now() - timedelta(days=25),
        picked_up_at=timezone.now() - timedelta(days=20),
    )
    ToolCopy.objects.filter(pk=late_copy.pk).update(holder=velo)

    # Current requests, through the services.
    following = loan_request(
        copy=game_copy,
        borrower=zero,
        start_on=today + timedelta(days=2),
        end_on=today + timedelta(days=9),
        message="Pour la journée zéro déchet de Saint-Étienne-du-Rouvray.",
        by=elodie,
    )
    loan_accept(loan=following, by=asso)
    handoff_confirm(
        from_loan=out,
        to_loan=following,
        side="giver",
        note="Complet, la bâche est propre ; une carte question manque (n° 42).",
        by=nadia,
    )
    loan_request(
        copy=kit.copies.get(),
        borrower=velo,
        start_on=today + timedelta(days=20),
        end_on=today + timedelta(days=26),
        message="Pour les ateliers du mercredi avec le centre social.",
        by=nadia,
    )
    loan_request(
        copy=exhibition.copies.order_by("label").last(),
        borrower=jardins,
        start_on=today + timedelta(days=10),
        end_on=today + timedelta(days=24),
        message="Exposée à la médiathèque du Petit-Quevilly pendant la semaine de l'eau.",
        by=asso,
    )
    if stdout:
        stdout.write(f"Outils du réseau : {len(tools)} outils, {Loan.objects.count()} prêts.")


def seed_tools_scale(scale: int, stdout=None) -> None:
    """scale × 5 tools of the Métropole with one copy each and a past loan, for the catalogue and
    a tool's page under load (bulk writes: load data, not history)."""
    rng = random.Random(12)
    borrowers = list(Organisation.objects.filter(kind=OrganisationKind.ASSOCIATION)[:20])
    themes = list(Theme.objects.all())
    tools = Tool.objects.bulk_create(
        Tool(
            title=f"Outil d'animation n° {n}",
            kind=rng.choice(ToolKind.values),
            public=rng.choice(TargetPublic.values),
            summary="Un outil pour la charge du banc d'essai.",
            description="Description de l'outil.",
        )
        for n in range(scale * 5)
    )
    for tool in tools:
        tool.themes.set(rng.sample(themes, k=min(2, len(themes))))
    copies = ToolCopy.objects.bulk_create(
        ToolCopy(tool=tool, label="Exemplaire 1", location="Rouen") for tool in tools
    )
    today = timezone.localdate()
    if borrowers:
        Loan.objects.bulk_create(
            Loan(
                copy=copy,
                borrower=rng.choice(borrowers),
                start_on=today - timedelta(days=30 + n % 200),
                end_on=today - timedelta(days=25 + n % 200),
                status=LoanStatus.RETURNED,
            )
            for n, copy in enumerate(copies)
        )
    if stdout:
        stdout.write(f"Outils du réseau : {len(tools)} outils de charge.")
