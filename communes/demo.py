"""Demo content of the network of communes (idempotent), and load data for the bench.

`commune@demo.pacte.fr` is référent of Darnétal (kernel demo): Darnétal gets a convention with
its commitments and actions in every stage, one of which Oissel-sur-Seine replicates ("nous
aussi", by `commune.oissel@demo.pacte.fr`). Other real communes of the Métropole have actions too.
Everything is written through the services, as staff would (publication, conventions).
"""

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from pacte.enums import MembershipRole, OrganisationKind, PublicCategory
from pacte.models import Commune, Membership, Organisation, Theme, User
from pacte.permissions import staff_for_operator_command

from .enums import ActionStage, ModerationStatus
from .models import Commitment, CommuneAction, Convention, Replication
from .services import (
    action_create,
    action_publish,
    action_refuse,
    commitment_create,
    convention_create,
    network_reply_create,
    network_topic_create,
    replication_create,
)

DEMO_PASSWORD = "demo-pacte-2026"
OISSEL_ACCOUNT = "commune.oissel@demo.pacte.fr"

# commune slug -> (contact e-mail, first name, last name)
CONTACTS = {
    "oissel-sur-seine": (OISSEL_ACCOUNT, "Nadia", "Lemaire"),
    "canteleu": ("commune.canteleu@demo.pacte.fr", "Olivier", "Durand"),
    "saint-etienne-du-rouvray": ("commune.saint-etienne@demo.pacte.fr", "Aurélie", "Fournier"),
    "malaunay": ("commune.malaunay@demo.pacte.fr", "Pierre", "Leroy"),
    "le-trait": ("commune.le-trait@demo.pacte.fr", "Sandrine", "Bertin"),
}

CONVENTIONS = {
    # slug: (signed on, start, end, [(commitment, theme slug, target, progress, note)])
    "darnetal": (
        date(2025, 3, 14),
        date(2025, 1, 1),
        date(2027, 12, 31),
        [
            (
                "Réduire de 30 % la consommation d'énergie de l'éclairage public",
                "energie-habitat",
                "-30 % de kWh en 2027 par rapport à 2024",
                65,
                "Extinction en cœur de nuit dans 9 quartiers sur 12.",
            ),
            (
                "Servir 50 % de produits durables dont 25 % bio à la cantine",
                "alimentation",
                "Loi EGalim dépassée",
                40,
                "Marché de restauration renouvelé en septembre 2025.",
            ),
            (
                "Végétaliser deux cours d'école",
                "biodiversite",
                "Deux cours « oasis » livrées",
                50,
                "Cour de l'école Gustave-Flaubert livrée ; la seconde est à l'étude.",
            ),
            (
                "Ouvrir un atelier de réparation de vélos pour les habitants",
                "mobilite",
                "Un atelier mensuel",
                100,
                "Atelier le premier samedi du mois, avec une association rouennaise.",
            ),
        ],
    ),
    "oissel-sur-seine": (
        date(2025, 6, 2),
        date(2025, 7, 1),
        date(2028, 6, 30),
        [
            (
                "Sensibiliser les habitants à la sobriété énergétique",
                "energie-habitat",
                "Quatre réunions par an",
                25,
                "",
            ),
            (
                "Créer un verger communal",
                "biodiversite",
                "40 arbres fruitiers",
                10,
                "Terrain choisi près du stade.",
            ),
        ],
    ),
    "canteleu": (
        date(2024, 11, 20),
        date(2025, 1, 1),
        date(2027, 12, 31),
        [("Développer la marche et le vélo vers les écoles", "mobilite", "Un pédibus par école", 60, "")],
    ),
}

# (commune slug, title, theme slug, stage, experiment, budget, public, partners, results, description, status)
ACTIONS = [
    (
        "darnetal",
        "Extinction de l'éclairage public en cœur de nuit",
        "energie-habitat",
        ActionStage.DONE,
        False,
        18000,
        "Les 20 000 habitants, neuf quartiers résidentiels",
        "SDE 76, Métropole Rouen Normandie",
        "-38 % de consommation électrique de l'éclairage public la première année ; aucune hausse des incivilités constatée.",
        "Depuis janvier 2025, l'éclairage public est éteint de 23 h à 5 h dans les quartiers résidentiels. "
        "Les axes principaux restent éclairés. Des réunions publiques ont précédé chaque extinction.",
        ModerationStatus.PUBLISHED,
    ),
    (
        "darnetal",
        "Une cour d'école oasis à Gustave-Flaubert",
        "biodiversite",
        ActionStage.ONGOING,
        True,
        145000,
        "230 élèves et leurs familles",
        "CAUE 76, parents d'élèves, services techniques",
        "Première tranche livrée : 600 m² désimperméabilisés, 14 arbres plantés.",
        "La cour bitumée devient un espace ombragé et perméable, conçu avec les enfants : jardin pédagogique, "
        "copeaux, récupération de l'eau de pluie. Expérimentation PACTE suivie par la Métropole.",
        ModerationStatus.PUBLISHED,
    ),
    (
        "darnetal",
        "Cantine : un repas végétarien sur deux choisi par les enfants",
        "alimentation",
        ActionStage.PROJECT,
        True,
        None,
        "Les 900 demi-pensionnaires",
        "Prestataire de restauration, diététicienne",
        "",
        "Projet pour la rentrée 2026 : proposer chaque jour une option végétarienne et mesurer le gaspillage.",
        ModerationStatus.PUBLISHED,
    ),
    (
        "darnetal",
        "Prêt de vélos à assistance électrique aux agents",
        "mobilite",
        ActionStage.ONGOING,
        False,
        9000,
        "Les agents de la commune",
        "",
        "",
        "Six vélos à assistance électrique prêtés un mois aux agents qui "
        "viennent en voiture, pour essayer le vélo au quotidien.",
        ModerationStatus.PENDING,
    ),
    (
        "oissel-sur-seine",
        "Thermographie des façades : balades de nuit",
        "energie-habitat",
        ActionStage.DONE,
        False,
        4500,
        "120 propriétaires",
        "ALEC Rouen Normandie",
        "35 diagnostics de rénovation demandés dans les trois mois.",
        "Des balades thermographiques en hiver montrent aux habitants les déperditions de leurs maisons, "
        "avec un conseiller de l'agence locale de l'énergie.",
        ModerationStatus.PUBLISHED,
    ),
    (
        "canteleu",
        "Pédibus vers les écoles du plateau",
        "mobilite",
        ActionStage.ONGOING,
        False,
        2000,
        "80 enfants chaque matin",
        "Parents bénévoles, associations de quartier",
        "Trois lignes de pédibus fonctionnent quatre matins par semaine.",
        "Des parents bénévoles accompagnent à pied les enfants sur trois lignes avec des arrêts matérialisés.",
        ModerationStatus.PUBLISHED,
    ),
    (
        "saint-etienne-du-rouvray",
        "Un défi « familles à alimentation positive »",
        "alimentation",
        ActionStage.DONE,
        True,
        12000,
        "24 familles",
        "Centre social, producteurs locaux",
        "Part du bio dans les achats des familles passée de 14 % à 29 % en six mois, à budget constant.",
        "Des familles se lancent le défi de manger plus bio et local sans dépenser plus : ateliers cuisine, "
        "visites de fermes, suivi des tickets de caisse.",
        ModerationStatus.PUBLISHED,
    ),
    (
        "malaunay",
        "Des panneaux solaires sur les toits communaux",
        "energie-habitat",
        ActionStage.DONE,
        False,
        320000,
        "Bâtiments communaux",
        "Coopérative citoyenne d'énergie",
        "Production annuelle égale à 40 % de la consommation des bâtiments communaux.",
        "La commune a équipé l'école, le gymnase et les ateliers "
        "municipaux de panneaux photovoltaïques financés en partie par les habitants.",
        ModerationStatus.PUBLISHED,
    ),
    (
        "le-trait",
        "Récupérateurs d'eau de pluie à prix réduit",
        "eau",
        ActionStage.ONGOING,
        False,
        6000,
        "Les foyers du Trait",
        "",
        "",
        "La commune achète en gros des récupérateurs de 300 litres et les revend "
        "à prix coûtant aux habitants.",
        ModerationStatus.REFUSED,
    ),
]

REPLICATIONS = [
    # (source commune, source title, replicating commune, message)
    (
        "darnetal",
        "Extinction de l'éclairage public en cœur de nuit",
        "oissel-sur-seine",
        "Bonjour, nous aimerions éteindre l'éclairage la nuit dans deux quartiers. Comment avez-vous préparé "
        "les réunions publiques ? Avez-vous eu des retours de la gendarmerie ?",
    ),
    (
        "darnetal",
        "Extinction de l'éclairage public en cœur de nuit",
        "canteleu",
        "Le sujet revient au conseil municipal : pourriez-vous partager votre délibération ?",
    ),
    (
        "saint-etienne-du-rouvray",
        "Un défi « familles à alimentation positive »",
        "darnetal",
        "Nous voulons lancer le défi avec notre centre social à l'automne. Merci pour l'idée !",
    ),
]


def _organisation(commune) -> Organisation:
    found = Organisation.objects.filter(kind=OrganisationKind.COMMUNE, commune=commune).order_by("pk").first()
    if found:
        return found
    article = "d'" if commune.name[:1] in "AEIOUÉÈ" else "de "
    return Organisation.objects.create(
        kind=OrganisationKind.COMMUNE,
        name=f"Ville {article}{commune.name}",
        slug=f"ville-de-{commune.slug}",
        commune=commune,
        summary="Commune signataire d'une convention PACTE.",
    )


def _contact(commune, email, first, last, password_hash) -> User:
    from allauth.account.models import EmailAddress

    user, _ = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "category": PublicCategory.COMMUNE,
            "home_commune": commune,
            "password": password_hash,
        },
    )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    Membership.objects.get_or_create(
        user=user, organisation=_organisation(commune), defaults={"role": MembershipRole.REFERENT}
    )
    return user


@transaction.atomic
def seed_communes(stdout=None) -> None:
    communes = {c.slug: c for c in Commune.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    staff = staff_for_operator_command(User.objects.filter(email="dacte@demo.pacte.fr").first())
    darnetal_contact = User.objects.filter(email="commune@demo.pacte.fr").first()
    if staff is None or darnetal_contact is None:
        return  # the kernel's demo (accounts) comes first
    _organisation(communes["darnetal"])
    password_hash = make_password(DEMO_PASSWORD)
    contacts = {"darnetal": darnetal_contact}
    for slug, (email, first, last) in CONTACTS.items():
        contacts[slug] = _contact(communes[slug], email, first, last, password_hash)

    for slug, (signed_on, starts_on, ends_on, commitments) in CONVENTIONS.items():
        if Convention.objects.filter(commune=communes[slug]).exists():
            continue
        convention = convention_create(
            commune=communes[slug],
            signed_on=signed_on,
            starts_on=starts_on,
            ends_on=ends_on,
            summary="Convention signée avec la Métropole Rouen Normandie dans le cadre du PACTE.",
            by=staff,
        )
        for position, (title, theme, target, progress, note) in enumerate(commitments):
            commitment_create(
                convention=convention,
                title=title,
                theme=themes[theme],
                target=target,
                progress=progress,
                progress_note=note,
                position=position,
                by=staff,
            )

    start = timezone.localdate() - timedelta(days=400)
    for index, row in enumerate(ACTIONS):
        slug, title, theme, stage, experiment, budget, public, partners, results, description, status = row
        if CommuneAction.objects.filter(commune=communes[slug], title=title).exists():
            continue
        action = action_create(
            commune=communes[slug],
            author=contacts[slug],
            by=contacts[slug],
            title=title,
            theme=themes[theme],
            description=description,
            stage=stage,
            is_experiment=experiment,
            budget=budget,
            public_reached=public,
            partners=partners,
            results=results,
            starts_on=start + timedelta(days=30 * index) if stage != ActionStage.PROJECT else None,
        )
        if status == ModerationStatus.PUBLISHED:
            action_publish(action=action, by=staff)
        elif status == ModerationStatus.REFUSED:
            action_refuse(
                action=action,
                reason="Merci de préciser le nombre de récupérateurs distribués et le public touché.",
                by=staff,
            )

    for source_slug, title, slug, message in REPLICATIONS:
        source = CommuneAction.objects.filter(commune=communes[source_slug], title=title).first()
        if source is None or Replication.objects.filter(source=source, commune=communes[slug]).exists():
            continue
        replication = replication_create(
            source=source, commune=communes[slug], message=message, by=contacts[slug]
        )
        if source_slug == "darnetal" and slug == "oissel-sur-seine":
            network_reply_create(
                topic=replication.topic,
                body="Bonjour Nadia, avec plaisir : nous avons fait une réunion par quartier, avec la police "
                "municipale. Je vous envoie la délibération et le bilan des douze premiers mois.",
                author=darnetal_contact,
                by=darnetal_contact,
            )
            action_publish(action=replication.action, by=staff)

    if not _has_network_topic():
        topic = network_topic_create(
            title="Achats groupés de vélos à assistance électrique ?",
            body="Plusieurs communes veulent équiper leurs agents. Qui serait partant pour un groupement de commandes ?",
            author=contacts["canteleu"],
            by=contacts["canteleu"],
        )
        network_reply_create(
            topic=topic,
            body="Darnétal est intéressée : nous testons six vélos en ce moment.",
            author=darnetal_contact,
            by=darnetal_contact,
        )
    if stdout:
        stdout.write(
            f"Réseau des communes : {CommuneAction.objects.published().count()} actions publiées, "
            f"{Replication.objects.count()} « nous aussi »."
        )


def _has_network_topic() -> bool:
    from pacte.models import ExchangeNetwork, Topic

    return Topic.objects.filter(network=ExchangeNetwork.COMMUNES, title__startswith="Achats groupés").exists()


def seed_scale(scale: int, stdout=None) -> None:
    """Load data for the bench: scale × 20 published actions over the 71 communes, a convention with
    five commitments for every commune, scale × 4 replications. Bulk writes (no e-mail, no audit):
    this is test load, not anyone's action."""
    rng = random.Random(6)
    communes = list(Commune.objects.all())
    themes = list(Theme.objects.all())
    organisations = {c.pk: _organisation(c) for c in communes}
    for commune in communes:
        if not Convention.objects.filter(commune=commune).exists():
            convention = Convention.objects.create(
                commune=commune,
                signed_on=date(2025, 2, 1),
                starts_on=date(2025, 1, 1),
                ends_on=date(2027, 12, 31),
            )
            Commitment.objects.bulk_create(
                Commitment(
                    convention=convention,
                    title=f"Engagement n° {i + 1}",
                    progress=rng.randint(0, 100),
                    position=i,
                )
                for i in range(5)
            )
    existing = CommuneAction.objects.filter(title__startswith="Action de charge").count()
    now = timezone.now()
    stages = list(ActionStage.values)
    CommuneAction.objects.bulk_create(
        [
            CommuneAction(
                commune=(commune := rng.choice(communes)),
                organisation=organisations[commune.pk],
                title=f"Action de charge n° {i}",
                theme=rng.choice(themes),
                description="Une action pour mesurer le portail sous charge.",
                stage=rng.choice(stages),
                is_experiment=rng.random() < 0.2,
                status=ModerationStatus.PUBLISHED,
                published_at=now - timedelta(days=rng.randint(0, 700)),
            )
            for i in range(existing, 20 * scale)
        ],
        batch_size=2000,
    )
    actions = list(
        CommuneAction.objects.filter(title__startswith="Action de charge")
        .order_by("pk")
        .values_list("pk", "commune_id")[: 4 * scale]
    )
    position = {c.pk: i for i, c in enumerate(communes)}
    # The next commune in the list replicates: the same rows on every run (ignore_conflicts).
    Replication.objects.bulk_create(
        [
            Replication(source_id=pk, commune=communes[(position[commune_id] + 1) % len(communes)])
            for pk, commune_id in actions
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    if stdout:
        stdout.write(f"Réseau des communes : {CommuneAction.objects.count()} actions.")
