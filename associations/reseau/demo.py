"""Demo content of the relais network (after action 3's demo, which labels the associations),
written through the services so the journal and the e-mails are those of real use. Idempotent.

- asso@demo.pacte.fr (référent of "Les Jardins Partagés du Petit-Quevilly"): two published
  showcase actions and one awaiting review; topics and replies in the network's exchanges;
- "Atelier Vélo Solidaire rouennais" and "Seine Zéro Déchet": published actions, and one refused
  with its reason;
- two network meetings in the agenda (action « Réseau des assos relais »), run by the Métropole;
- dacte@demo.pacte.fr reviews the showcase in the admin (one action waits).
"""

import io
import random
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from pacte.enums import Action
from pacte.images import process_image
from pacte.models import Commune, Event, ExchangeNetwork, Organisation, Theme, Topic, User
from pacte.permissions import staff_for_operator_command
from pacte.services.events import event_create

from ..enums import TargetPublic
from .models import ShowcaseAction, ShowcaseStatus
from .services import (
    relais_reply_create,
    relais_topic_create,
    showcase_create,
    showcase_publish,
    showcase_refuse,
)

# (association slug, commune slug, title, text, themes, public, headcount, outcome)
SHOWCASE = [
    (
        "les-jardins-partages-du-petit-quevilly",
        "le-petit-quevilly",
        "Fête des récoltes au jardin Jean-Jaurès",
        "Un samedi de septembre, une centaine d'habitants du quartier sont venus goûter les légumes "
        "des trois jardins partagés. Les enfants de l'accueil de loisirs ont tenu le stand des "
        "semences, les jardiniers ont expliqué le paillage et la récupération d'eau de pluie.\n\n"
        "Six familles se sont inscrites pour cultiver une parcelle au printemps.",
        ["biodiversite", "alimentation"],
        TargetPublic.FAMILIES,
        110,
        "published",
    ),
    (
        "les-jardins-partages-du-petit-quevilly",
        "le-petit-quevilly",
        "Une grainothèque à la médiathèque François-Truffaut",
        "Avec la médiathèque, nous avons installé une boîte d'échange de graines locales : "
        "tomates anciennes, haricots, fleurs mellifères. Deux ateliers de semis ont accompagné "
        "l'ouverture ; la boîte se remplit désormais toute seule.",
        ["biodiversite"],
        TargetPublic.GENERAL,
        45,
        "published",
    ),
    (
        "les-jardins-partages-du-petit-quevilly",
        "le-petit-quevilly",
        "Chantier paillage avec l'école Henri-Ribière",
        "Deux classes de CM1 ont paillé les massifs de la cour avec le broyat des élagages de la "
        "ville, et suivi pendant un mois l'humidité du sol avec leurs enseignants.",
        ["biodiversite"],
        TargetPublic.PUPILS,
        52,
        "pending",
    ),
    (
        "atelier-velo-solidaire-rouennais",
        "rouen",
        "Vélo-école pour adultes au quartier Grammont",
        "Dix séances le mercredi soir pour apprendre à rouler en ville : équilibre, freinage, "
        "insertion dans la circulation. Huit des douze participantes viennent désormais au travail "
        "à vélo, avec un vélo remis en état à l'atelier.",
        ["mobilite"],
        TargetPublic.PRECARIOUS,
        12,
        "published",
    ),
    (
        "atelier-velo-solidaire-rouennais",
        "saint-etienne-du-rouvray",
        "Bourse aux vélos à Saint-Étienne-du-Rouvray",
        "Une matinée de dépôt-vente de vélos d'occasion, vérifiés par nos mécaniciens bénévoles : "
        "63 vélos ont trouvé preneur, dont 20 vélos d'enfants.",
        ["mobilite", "consommation-dechets"],
        TargetPublic.GENERAL,
        240,
        "published",
    ),
    (
        "seine-zero-dechet",
        "elbeuf",
        "Disco-soupe au marché d'Elbeuf",
        "Avec les maraîchers du marché, nous avons cuisiné en musique 40 kg d'invendus : soupes et "
        "salades distribuées gratuitement, et un atelier sur la conservation des légumes.",
        ["alimentation", "consommation-dechets"],
        TargetPublic.GENERAL,
        180,
        "published",
    ),
    (
        "seine-zero-dechet",
        "canteleu",
        "Compostage partagé",
        "Compost.",
        ["consommation-dechets"],
        TargetPublic.GENERAL,
        None,
        "refused",
    ),
]
REFUSAL = (
    "Le récit est trop court pour la vitrine : dites ce qui a été fait, où, avec qui et ce que cela "
    "a donné (le nombre de foyers qui compostent, par exemple)."
)

TOPICS = [
    (
        "asso@demo.pacte.fr",
        "Assurer un chantier participatif avec des bénévoles non adhérents ?",
        "Nous organisons un chantier paillage ouvert aux habitants. Notre assurance ne couvre que nos "
        "adhérents : comment faites-vous pour les participants d'un jour ?",
        [
            (
                "nadia.haddad@demo.pacte.fr",
                "Nous faisons signer une adhésion gratuite d'un jour, "
                "prévue par nos statuts : l'assureur l'a acceptée sans surcoût.",
            ),
            (
                "elodie.renaud@demo.pacte.fr",
                "Même chose chez nous, et nous le précisons sur le "
                "formulaire d'inscription de l'agenda du PACTE.",
            ),
        ],
    ),
    (
        "elodie.renaud@demo.pacte.fr",
        "Qui a une exposition sur le gaspillage alimentaire ?",
        "Pour la semaine européenne de réduction des déchets, nous cherchons une exposition à "
        "installer dans le hall de la mairie d'Elbeuf.",
        [
            (
                "asso@demo.pacte.fr",
                "Regardez l'outilthèque du réseau : la malle « Anti-gaspi » y est, "
                "nous l'avons empruntée l'an dernier.",
            )
        ],
    ),
    (
        "nadia.haddad@demo.pacte.fr",
        "Retour sur la dernière rencontre du réseau",
        "Merci à toutes et tous pour la rencontre : le compte rendu et la liste des contacts sont "
        "dans ce sujet. Prochaine étape : un calendrier commun des animations des prochains mois.",
        [],
    ),
]

MEETINGS = [
    (
        "Rencontre du réseau Relais COP21 : le calendrier des animations",
        "Un calendrier commun des animations des prochains mois et le prêt des outils du réseau.",
        "rouen",
        "Hôtel de la Métropole, salle 3",
        "108 allée François-Mitterrand, 76000 Rouen",
        18,
    ),
    (
        "Atelier du réseau : animer un stand zéro déchet",
        "Partage d'expériences entre associations, avec la malle pédagogique du réseau.",
        "elbeuf",
        "Fabrique des savoirs",
        "7 cours Gambetta, 76500 Elbeuf",
        45,
    ),
]


def _photo(seed: int):
    """A small generated picture (stripes of garden colours), cleaned like any upload."""
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 420), (235, 242, 230))
    draw = ImageDraw.Draw(image)
    for _ in range(7):
        colour = rng.choice([(46, 125, 50), (129, 199, 132), (255, 183, 77), (121, 85, 72), (66, 165, 245)])
        x = rng.randrange(0, 560)
        draw.rectangle([x, 420 - rng.randrange(120, 380), x + rng.randrange(40, 120), 420], fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return process_image(SimpleUploadedFile(f"vitrine-{seed}.jpg", out.getvalue(), content_type="image/jpeg"))


def seed_reseau(stdout=None) -> None:
    if ShowcaseAction.objects.filter(title=SHOWCASE[0][2]).exists():
        return
    staff = staff_for_operator_command(User.objects.get(email="dacte@demo.pacte.fr"))
    communes = {c.slug: c for c in Commune.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in={row[0] for row in SHOWCASE})}
    referents = {
        o.pk: o.memberships.filter(role="referent").select_related("user").order_by("pk").first().user
        for o in organisations.values()
    }
    for number, (slug, commune, title, text, theme_slugs, public, headcount, outcome) in enumerate(SHOWCASE):
        organisation = organisations[slug]
        event = Event.objects.filter(organiser=organisation, title__icontains="récoltes").first()
        action = showcase_create(
            organisation=organisation,
            author=referents[organisation.pk],
            title=title,
            text=text,
            themes=[themes[s] for s in theme_slugs if s in themes],
            commune=communes[commune],
            public_category=public,
            headcount=headcount,
            event=event if "récoltes" in title else None,
            photos=[_photo(number)] if outcome == "published" else [],
            by=referents[organisation.pk],
        )
        if outcome == "published":
            showcase_publish(action=action, by=staff)
        elif outcome == "refused":
            showcase_refuse(action=action, reason=REFUSAL, by=staff)

    people = {u.email: u for u in User.objects.filter(email__endswith="@demo.pacte.fr")}
    for author, title, body, replies in TOPICS:
        if Topic.objects.filter(network=ExchangeNetwork.RELAIS, title=title).exists():
            continue
        topic = relais_topic_create(title=title, body=body, author=people[author], by=people[author])
        for replier, text in replies:
            relais_reply_create(topic=topic, body=text, author=people[replier], by=people[replier])

    today = timezone.localdate()
    for title, summary, commune, place, address, days in MEETINGS:
        if Event.objects.filter(title=title).exists():
            continue
        starts_at = timezone.make_aware(datetime.combine(today + timedelta(days=days), time(18, 0)))
        event_create(
            title=title,
            slug=f"reseau-relais-{(today + timedelta(days=days)):%Y-%m-%d}-{days}",
            action=Action.RELAIS_NETWORK,
            organiser=None,
            commune=communes[commune],
            place=place,
            address=address,
            summary=summary,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            is_published=True,
            by=staff,
        )
    if stdout:
        stdout.write(
            f"Réseau Relais COP21 : {ShowcaseAction.objects.count()} actions dans la vitrine "
            f"({ShowcaseAction.objects.filter(status=ShowcaseStatus.PUBLISHED).count()} publiées).\n"
        )


def seed_reseau_scale(scale: int, stdout=None) -> None:
    """scale × 10 published showcase actions of the load associations (bulk writes: load data)."""
    rng = random.Random(11)
    organisations = list(Organisation.objects.filter(slug__startswith="charge-asso-")[: max(1, scale)])
    communes = list(Commune.objects.all())
    if not organisations or not communes:
        return
    wanted = 10 * scale
    existing = ShowcaseAction.objects.filter(title__startswith="Action de charge").count()
    now = timezone.now()
    ShowcaseAction.objects.bulk_create(
        [
            ShowcaseAction(
                organisation=rng.choice(organisations),
                commune=rng.choice(communes),
                title=f"Action de charge n° {i}",
                text="Une action pour mesurer la vitrine sous charge.",
                public_category=rng.choice(TargetPublic.values),
                headcount=rng.randrange(5, 300),
                status=ShowcaseStatus.PUBLISHED,
                published_at=now - timedelta(hours=i),
                status_changed_at=now,
            )
            for i in range(existing, wanted)
        ]
    )
    if stdout:
        stdout.write(f"Vitrine de charge : {wanted} actions en base.\n")
