"""Demo content of the clubs (run by seed_demo through pacte.demo.register_demo; idempotent).

Who animates what, for the README:
- habitante@demo.pacte.fr (Camille Lefebvre) animates the Club COP21 and is a member of the
  Groupe local de Rouen;
- asso@demo.pacte.fr (Karim Benali) is a member of the Club des jardiniers (animated by Léa Dubois,
  lea.dubois@demo.pacte.fr);
- the local groups are animated by other demo neighbours (same password).
"""

import io
import random
from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from pacte.enums import MembershipRole, RegistrationStatus
from pacte.images import process_image
from pacte.models import Commune, Event, ExchangeNetwork, Membership, Registration, Reply, Theme, Topic, User
from pacte.permissions import staff_for_operator_command

from .enums import ClubType
from .models import Club
from .services import (
    club_create,
    club_join,
    club_meeting_create,
    practice_adoption_toggle,
    practice_create,
    practice_reply_create,
    practice_report,
    reports_to_hide,
)

# slug, name, type, commune, themes, summary, meeting place, schedule, animator e-mail, member e-mails
CLUBS = [
    (
        "club-cop21",
        "Club COP21",
        ClubType.COP21,
        "rouen",
        ["mobilite", "energie-habitat", "consommation-dechets"],
        "Le club des habitantes et habitants engagés depuis la COP21 locale : on se retrouve pour "
        "passer à l'action, ensemble, sur nos gestes du quotidien.",
        "Le 108, salle du Conseil (Rouen)",
        "Le premier jeudi du mois à 18 h 30",
        "habitante@demo.pacte.fr",
        ["thomas.martin", "lucas.petit", "emma.chevalier", "hugo.girard", "asso"],
    ),
    (
        "club-des-jardiniers",
        "Club des jardiniers",
        ClubType.GARDENERS,
        "le-petit-quevilly",
        ["biodiversite", "eau", "alimentation"],
        "Jardiniers débutants ou confirmés : échanges de graines, de savoir-faire et de coups de main "
        "pour jardiner au naturel, sans pesticides.",
        "Jardin des Cèdres (Le Petit-Quevilly)",
        "Un samedi matin sur deux, d'avril à octobre",
        "lea.dubois@demo.pacte.fr",
        ["asso", "ines.haddad", "manon.roux", "nathan.fontaine", "yanis.mercier"],
    ),
    (
        "groupe-local-de-rouen",
        "Groupe local de Rouen",
        ClubType.LOCAL,
        "rouen",
        ["consommation-dechets", "solidarite"],
        "Des voisines et voisins de la rive droite qui organisent trocs, réparations et ateliers zéro déchet.",
        "Maison de quartier Saint-Nicaise",
        "Le troisième mardi du mois à 19 h",
        "hugo.girard@demo.pacte.fr",
        ["habitante", "lea.dubois", "emma.chevalier"],
    ),
    (
        "groupe-local-de-sotteville-les-rouen",
        "Groupe local de Sotteville-lès-Rouen",
        ClubType.LOCAL,
        "sotteville-les-rouen",
        ["consommation-dechets", "energie-habitat"],
        "Réparer plutôt que jeter, réduire ses factures d'énergie : le groupe sottevillais partage ses astuces.",
        "Salle Marcel-Paul",
        "Un samedi par mois",
        "thomas.martin@demo.pacte.fr",
        ["emma.chevalier", "yanis.mercier"],
    ),
    (
        "groupe-local-d-elbeuf",
        "Groupe local d'Elbeuf",
        ClubType.LOCAL,
        "elbeuf",
        ["alimentation", "consommation-dechets"],
        "Cuisine de saison, lutte contre le gaspillage et compost partagé au cœur d'Elbeuf.",
        "Maison des associations d'Elbeuf",
        "Le dernier mercredi du mois à 18 h",
        "chloe.lambert@demo.pacte.fr",
        ["nathan.fontaine", "manon.roux"],
    ),
    (
        "groupe-local-de-canteleu",
        "Groupe local de Canteleu",
        ClubType.LOCAL,
        "canteleu",
        ["biodiversite", "eau"],
        "Balades nature en bord de Seine, nichoirs et refuges pour la faune des jardins.",
        "Parking de la base de loisirs de Canteleu",
        "Un dimanche matin par mois",
        "manon.roux@demo.pacte.fr",
        ["lucas.petit", "ines.haddad"],
    ),
    (
        "groupe-local-du-petit-quevilly",
        "Groupe local du Petit-Quevilly",
        ClubType.LOCAL,
        "le-petit-quevilly",
        ["mobilite", "solidarite"],
        "Vélo au quotidien, covoiturage et entraide entre voisins du Petit-Quevilly.",
        "Centre social du Petit-Quevilly",
        "Le deuxième jeudi du mois à 18 h",
        "ines.haddad@demo.pacte.fr",
        ["thomas.martin", "yanis.mercier"],
    ),
    (
        "groupe-local-de-mont-saint-aignan",
        "Groupe local de Mont-Saint-Aignan",
        ClubType.LOCAL,
        "mont-saint-aignan",
        ["energie-habitat", "mobilite"],
        "Étudiants et familles de Mont-Saint-Aignan autour de la sobriété énergétique et des mobilités douces.",
        "Maison de l'université",
        "Un lundi sur deux à 18 h",
        "lucas.petit@demo.pacte.fr",
        ["hugo.girard", "chloe.lambert"],
    ),
]

# club slug, title, days from today, hour, hours long, capacity, place
MEETINGS = [
    ("club-cop21", "Club COP21 : atelier « mon bilan carbone »", 5, 18, 2, 25, "Le 108, salle du Conseil"),
    ("club-cop21", "Club COP21 : bilan de la rentrée", -6, 18, 2, 25, "Le 108, salle du Conseil"),
    ("club-des-jardiniers", "Troc de graines et de plants", 8, 10, 3, 30, "Jardin des Cèdres"),
    ("club-des-jardiniers", "Taille douce des arbres fruitiers", -4, 10, 2, 12, "Jardin des Cèdres"),
    (
        "groupe-local-de-rouen",
        "Atelier réparation de petits appareils",
        13,
        19,
        2,
        15,
        "Maison de quartier Saint-Nicaise",
    ),
    (
        "groupe-local-de-sotteville-les-rouen",
        "Balade thermique dans le quartier",
        10,
        18,
        2,
        20,
        "Devant la mairie",
    ),
    (
        "groupe-local-d-elbeuf",
        "Cuisine anti-gaspi de saison",
        16,
        18,
        2,
        12,
        "Maison des associations d'Elbeuf",
    ),
    ("groupe-local-de-canteleu", "Pose de nichoirs en bord de Seine", 7, 9, 3, 15, "Base de loisirs"),
    ("groupe-local-du-petit-quevilly", "Vélo-école pour adultes", 9, 14, 2, 8, "Centre social"),
    (
        "groupe-local-de-mont-saint-aignan",
        "Soirée sobriété énergétique",
        12,
        18,
        2,
        40,
        "Maison de l'université",
    ),
]

# club slug, author, title, text, themes, photo colours, adopters, replies
PRACTICES = [
    (
        "club-cop21",
        "thomas.martin",
        "Le vélo pour aller au travail, même l'hiver",
        "Depuis un an je fais mes 7 km à vélo. Le secret : une bonne cape de pluie, des garde-boue et "
        "un éclairage solide. Je gagne du temps aux heures de pointe et je ne paie plus de parking.",
        ["mobilite"],
        [((32, 120, 180), (250, 200, 60))],
        ["lucas.petit", "emma.chevalier", "habitante"],
        [("lucas.petit", "Merci pour l'idée de la cape, j'ai sauté le pas en octobre !")],
    ),
    (
        "club-cop21",
        "emma.chevalier",
        "Un thermomètre dans chaque pièce",
        "On a baissé le chauffage à 19 °C dans le séjour et 17 °C dans les chambres. Un petit "
        "thermomètre par pièce a suffi pour convaincre toute la famille.",
        ["energie-habitat"],
        [((200, 80, 60), (255, 240, 220)), ((90, 90, 160), (230, 230, 250))],
        ["thomas.martin"],
        [],
    ),
    (
        "club-des-jardiniers",
        "asso",
        "Un récupérateur d'eau de pluie sur l'abri de jardin",
        "Une gouttière, un collecteur et une cuve de 300 litres : de quoi arroser le potager tout l'été "
        "sans toucher au réseau. Pensez à poser un couvercle contre les moustiques.",
        ["eau", "biodiversite"],
        [
            ((40, 110, 60), (150, 200, 120)),
            ((60, 90, 140), (170, 200, 230)),
            ((120, 80, 40), (220, 190, 150)),
        ],
        ["ines.haddad", "manon.roux", "nathan.fontaine", "lea.dubois"],
        [
            ("manon.roux", "Quelle cuve avez-vous choisie ? La mienne verdit au soleil."),
            ("asso", "Une cuve opaque, c'est plus sûr !"),
        ],
    ),
    (
        "club-des-jardiniers",
        "ines.haddad",
        "Des coins sauvages pour les hérissons",
        "Un tas de bois mort et de feuilles au fond du jardin, et un passage de 13 cm sous la clôture : "
        "les hérissons sont revenus cet automne.",
        ["biodiversite"],
        [((70, 60, 40), (200, 170, 110))],
        ["asso", "yanis.mercier"],
        [],
    ),
    (
        "groupe-local-de-rouen",
        "lea.dubois",
        "La boîte à dons de l'immeuble",
        "Une étagère dans le local vélo, une affiche, et chacun dépose ce dont il n'a plus besoin. "
        "En six mois : livres, jouets, vaisselle et même une poussette ont trouvé preneur.",
        ["consommation-dechets", "solidarite"],
        [((150, 60, 120), (240, 200, 230))],
        ["habitante", "emma.chevalier"],
        [],
    ),
    (
        "groupe-local-d-elbeuf",
        "nathan.fontaine",
        "Les fanes de carottes en pesto",
        "Fanes de carottes, ail, noix, huile d'olive et parmesan : un pesto qui évite de jeter la moitié de la botte.",
        ["alimentation"],
        [((60, 140, 60), (240, 150, 40))],
        ["manon.roux"],
        [],
    ),
    (
        "groupe-local-de-canteleu",
        "lucas.petit",
        "Un nichoir à mésanges fait maison",
        "Une planche de sapin non traité, un trou de 28 mm, posé à 2 mètres orienté sud-est : les "
        "mésanges s'y sont installées dès le printemps et mangent les chenilles du potager.",
        ["biodiversite"],
        [((110, 80, 50), (180, 220, 240))],
        ["ines.haddad"],
        [],
    ),
]

# club slug, author, title, body, replies
TOPICS = [
    (
        "club-cop21",
        "habitante",
        "Idées pour la prochaine rencontre",
        "Quels sujets voulez-vous aborder lors de la prochaine rencontre ? J'ai pensé à la mobilité l'hiver.",
        [
            ("thomas.martin", "La réparation des vélos, avec l'Atelier Vélo Solidaire ?"),
            ("lucas.petit", "+1 pour la mobilité, et le covoiturage !"),
        ],
    ),
    (
        "club-des-jardiniers",
        "lea.dubois",
        "Qui a des graines de tomates anciennes ?",
        "Je cherche des graines de Cœur de bœuf et de Noire de Crimée pour le troc de graines.",
        [("asso", "J'en ai gardé de l'an dernier, je les apporte au troc.")],
    ),
]


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def demo_photo(top: tuple, bottom: tuple, seed: int = 0) -> ContentFile:
    """A believable placeholder picture (sky, ground, a few shapes) as JPEG bytes."""
    rng = random.Random(seed)
    img = Image.new("RGB", (960, 640), bottom)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, 960, 380], fill=top)
    for _ in range(6):
        x, y, r = rng.randint(40, 920), rng.randint(300, 600), rng.randint(30, 90)
        shade = tuple(max(0, c - rng.randint(20, 70)) for c in bottom)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=shade)
    draw.ellipse([780, 60, 880, 160], fill=(255, 230, 120))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return ContentFile(out.getvalue(), name=f"demo-{seed}.jpg")


def _user(handle: str) -> User | None:
    email = handle if "@" in handle else f"{handle}@demo.pacte.fr"
    return User.objects.filter(email=email).first()


@transaction.atomic
def seed_clubs(stdout=None) -> None:
    communes = {c.slug: c for c in Commune.objects.filter(slug__in={c[3] for c in CLUBS})}
    themes = {t.slug: t for t in Theme.objects.all()}
    # The demo is seeded by a command on the server: the DACTE account acts as staff there.
    staff = staff_for_operator_command(User.objects.filter(email="dacte@demo.pacte.fr").first())
    created = {}
    for slug, name, club_type, commune, theme_slugs, summary, place, schedule, animator, members in CLUBS:
        if Club.objects.filter(organisation__slug=slug).exists():
            continue
        club = club_create(
            name=name,
            slug=slug,
            club_type=club_type,
            commune=communes[commune],
            summary=summary[:300],
            description=summary
            + "\n\nTout le monde est bienvenu, sans connaissance préalable. Rejoignez le club pour "
            "partager vos pratiques et être prévenu des rencontres.",
            themes=[themes[s] for s in theme_slugs],
            meeting_place=place,
            meeting_schedule=schedule,
            by=staff,
        )
        lead = _user(animator)
        if lead:
            club_join(club=club, user=lead, by=lead)
            Membership.objects.filter(organisation=club.organisation, user=lead).update(
                role=MembershipRole.REFERENT
            )
            club.mail_signature = f"{lead.first_name}, pour le {name}"
            club.save(update_fields=["mail_signature"])
        for handle in members:
            person = _user(handle)
            if person and person != lead:
                club_join(club=club, user=person, by=person)
        created[slug] = club
    if not created:
        return

    for slug, title, days, hour, hours, capacity, place in MEETINGS:
        club = created.get(slug)
        if club is None:
            continue
        event = club_meeting_create(
            club=club,
            title=title,
            starts_at=_at(days, hour),
            ends_at=_at(days, hour) + timedelta(hours=hours),
            commune=club.organisation.commune,
            place=place,
            summary=f"Une rencontre du {club.name}, ouverte à toutes et tous.",
            description="Entrée libre sur inscription. Le lieu est accessible aux personnes à mobilité réduite.",
            themes=list(club.organisation.themes.all()),
            capacity=capacity,
            by=staff,
        )
        members = [
            m.user for m in Membership.objects.filter(organisation=club.organisation).select_related("user")
        ]
        Registration.objects.bulk_create(
            [
                Registration(event=event, user=person, status=RegistrationStatus.CONFIRMED)
                for person in members[:capacity]
            ]
        )
        Event.objects.filter(pk=event.pk).update(seats_taken=min(len(members), capacity))

    for n, (slug, author, title, text, theme_slugs, colours, adopters, replies) in enumerate(PRACTICES):
        club = created.get(slug)
        person = _user(author)
        if club is None or person is None:
            continue
        photos = [
            process_image(demo_photo(top, bottom, seed=n * 10 + i)) for i, (top, bottom) in enumerate(colours)
        ]
        practice = practice_create(
            club=club,
            author=person,
            title=title,
            text=text,
            themes=[themes[s] for s in theme_slugs],
            photos=photos,
            by=person,
        )
        for handle in adopters:
            adopter = _user(handle)
            if adopter and Membership.objects.filter(organisation=club.organisation, user=adopter).exists():
                practice_adoption_toggle(practice=practice, user=adopter, by=adopter)
        for handle, reply_text in replies:
            replier = _user(handle)
            if replier:
                practice_reply_create(practice=practice, author=replier, text=reply_text, by=replier)

    cop21 = created.get("club-cop21")
    reporters = [
        person for person in map(_user, ("lucas.petit", "emma.chevalier", "asso", "thomas.martin")) if person
    ]
    if cop21 and reporters:
        # One practice awaiting moderation, so the demo animator sees the queue: reported by as
        # many distinct people as it takes to hide it.
        author = _user("hugo.girard")
        practice = practice_create(
            club=cop21,
            author=author,
            title="Vente de panneaux solaires à prix cassés",
            text="Contactez-moi en privé pour une offre exceptionnelle sur des panneaux solaires.",
            by=author,
        )
        for reporter in reporters[: reports_to_hide()]:
            practice_report(
                practice=practice,
                reporter=reporter,
                reason="Ressemble à une publicité commerciale.",
                by=reporter,
            )

    now = timezone.now()
    for slug, author, title, body, replies in TOPICS:
        club = created.get(slug)
        opener = _user(author)
        if club is None or opener is None:
            continue
        # Written directly (not through reply_create) so the demo sends no notification e-mails.
        topic = Topic.objects.create(
            network=ExchangeNetwork.CLUBS,
            organisation=club.organisation,
            title=title,
            body=body,
            author=opener,
            last_activity_at=now,
        )
        for handle, text in replies:
            Reply.objects.create(topic=topic, body=text, author=_user(handle))
    if stdout:
        stdout.write(f"Clubs de démonstration : {len(created)} club(s) créé(s).")
