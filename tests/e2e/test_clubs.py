"""The clubs in the browser (issue 3, point 7), through the real pages, links and buttons.

A citizen joins a club, registers for its next meeting and shares a practice with a photo whose
GPS position never reaches the disk; an animator records who came to a past meeting; axe-core
finds no serious or critical violation on the clubs pages.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from clubs.gardens.services import garden_register
from clubs.models import Charter, GardenPractice, GardenSize, GardenType, Practice
from clubs.services import practice_create, practice_report
from pacte.enums import Action, RegistrationStatus
from pacte.images import process_image
from pacte.models import Event, ExchangeNetwork, Registration, Theme
from pacte.services.exchanges import reply_create, topic_create
from pacte.services.registrations import registration_create
from tests.clubs.factories import ClubFactory, animator, gps_exif, image_upload, member
from tests.e2e.axe import assert_accessible
from tests.factories import EventFactory, UserFactory, commune

PASSWORD = "mot-de-passe-solide-2026"  # tests/factories.py UserFactory
GPS_TAG = 0x8825


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # The live server runs in this process: it stores uploads here and serves /media/ from here
    # (Django's live server wraps the site in its media files handler).
    settings.MEDIA_ROOT = tmp_path / "media"


def _club(**organisation):
    fields = {
        "name": "Club des jardiniers de Rouen",
        "slug": "jardiniers-rouen",
        "summary": "Semis, compost et partage de graines au jardin partagé.",
        **organisation,
    }
    club = ClubFactory(**{f"organisation__{key}": value for key, value in fields.items()})
    club.organisation.themes.add(Theme.objects.order_by("name").first())
    return club


def _move_to_past(event: Event) -> Event:
    """Registrations are refused once an event has started: register first, then move it back."""
    starts_at = timezone.now() - timedelta(days=3)
    Event.objects.filter(pk=event.pk).update(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
    event.refresh_from_db()
    return event


def _log_in_through_form(page, user):
    page.goto("/comptes/login/")
    form = page.locator("#contenu form")
    form.locator('input[name="login"]').fill(user.email)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))


def _gps_jpeg(path: Path) -> Path:
    Image.new("RGB", (640, 480), (60, 140, 70)).save(path, "JPEG", exif=gps_exif())
    with Image.open(path) as original:  # the test is only worth something if the GPS is there
        assert GPS_TAG in original.getexif()
    return path


def _expect_image_loaded(page, img):
    img.scroll_into_view_if_needed()  # the thumbnails are loading="lazy"
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())


# --- Journeys ---------------------------------------------------------------------------------


def test_citizen_joins_registers_for_the_meeting_and_shares_a_practice_with_a_photo(page, settings, tmp_path):
    club = _club()
    meeting = EventFactory(
        title="Rencontre : semis de printemps",
        organiser=club.organisation,
        action=Action.CLUBS,
        commune=commune("rouen"),
        capacity=15,
    )
    citizen = UserFactory(first_name="Camille", last_name="Martin")
    photo_file = _gps_jpeg(tmp_path / "compost.jpg")

    _log_in_through_form(page, citizen)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Clubs et jardiniers"
    ).click()
    expect(page).to_have_url(re.compile(r"/clubs/$"))
    page.get_by_role("link", name="Club des jardiniers de Rouen").click()
    expect(page).to_have_url(re.compile(re.escape(club.get_absolute_url()) + "$"))

    page.get_by_role("button", name="Rejoindre le club").click()
    expect(page.get_by_role("status")).to_contain_text("Bienvenue au club « Club des jardiniers de Rouen »")
    expect(page.get_by_text("Vous êtes membre de ce club.")).to_be_visible()
    expect(page.get_by_role("heading", name="1 membre", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Rejoindre le club")).to_have_count(0)

    page.get_by_role("region", name="Prochaines rencontres").get_by_role(
        "link", name="Rencontre : semis de printemps"
    ).click()
    expect(page).to_have_url(re.compile(re.escape(meeting.get_absolute_url()) + "$"))
    page.get_by_role("button", name="M'inscrire", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Votre inscription est confirmée")
    expect(page.get_by_text("Vous êtes inscrit·e à cet événement.")).to_be_visible()
    assert Registration.objects.get(event=meeting, user=citizen).status == RegistrationStatus.CONFIRMED

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Clubs et jardiniers"
    ).click()
    page.get_by_role("link", name="Club des jardiniers de Rouen").click()
    page.get_by_role("link", name="Partager une pratique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partager une pratique")
    page.get_by_label("Titre").fill("Un composteur en pied d'immeuble")
    page.get_by_label("Description").fill("Un bac à trois compartiments, retourné chaque semaine.")
    page.get_by_label("Photos").set_input_files(photo_file)
    page.get_by_role("button", name="Publier la pratique").click()

    expect(page.get_by_role("status")).to_contain_text("Merci ! Votre pratique est publiée.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Un composteur en pied d'immeuble")
    _expect_image_loaded(
        page,
        page.get_by_role(
            "img", name="Photo 1 de la pratique « Un composteur en pied d'immeuble » (agrandir)"
        ),
    )

    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role(
        "link", name="Club des jardiniers de Rouen"
    ).click()
    practices = page.get_by_role("region", name="Pratiques partagées")
    card = practices.get_by_role("listitem").filter(has_text="Un composteur en pied d'immeuble")
    expect(card.get_by_role("link", name="Un composteur en pied d'immeuble")).to_be_visible()
    expect(card).to_contain_text("Partagée par Camille Martin")
    _expect_image_loaded(page, card.locator("img.practice-thumb"))

    practice = Practice.objects.get(club=club, author=citizen)
    photo = practice.photos.get()
    media_root = Path(settings.MEDIA_ROOT)
    for stored in (photo.image, photo.thumbnail):
        path = media_root / stored.name
        assert path.is_file() and media_root == tmp_path / "media"
        with Image.open(path) as image:
            assert dict(image.getexif()) == {}, stored.name
            assert "exif" not in image.info, stored.name


def test_animator_records_attendance_of_a_past_meeting(page, log_in):
    club = _club()
    referent = animator(club, UserFactory(first_name="Dominique", last_name="Leroy"))
    came = [
        member(club, first_name="Alice", last_name="Martin"),
        member(club, first_name="Chloé", last_name="Durand"),
    ]
    absent = member(club, first_name="Bruno", last_name="Petit")
    meeting = EventFactory(title="Rencontre : troc de graines", organiser=club.organisation)
    for person in (*came, absent):
        registration_create(event=meeting, user=person)
    _move_to_past(meeting)
    log_in(referent)

    page.goto(club.get_absolute_url())
    page.get_by_role("link", name="Animer le club").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Animer le club « Club des jardiniers de Rouen »"
    )
    page.get_by_role("region", name="Rencontres").get_by_role(
        "link", name="Saisir les présences : Rencontre : troc de graines"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Présences : Rencontre : troc de graines")
    page.get_by_role("checkbox", name="Alice Martin").check()
    page.get_by_role("checkbox", name="Chloé Durand").check()
    expect(page.get_by_role("checkbox", name="Bruno Petit")).not_to_be_checked()
    page.get_by_label("Personnes venues sans inscription").fill("4")
    page.get_by_role("button", name="Enregistrer les présences").click()

    expect(page).to_have_url(re.compile(re.escape(meeting.get_absolute_url()) + "$"))
    expect(page.get_by_role("status")).to_contain_text("Les présences sont enregistrées.")
    attended = dict(Registration.objects.filter(event=meeting).values_list("user_id", "attended"))
    assert attended == {came[0].pk: True, came[1].pk: True, absent.pk: False}
    meeting.refresh_from_db()
    assert meeting.walk_in_count == 4
    assert meeting.attendance_recorded_at is not None


# --- Accessibility ----------------------------------------------------------------------------


@pytest.fixture
def clubs_world(e2e_db):
    """Every block of the clubs pages filled: meetings, a practice with a photo, a reported one,
    a topic with a reply, members and an animator."""
    club = _club()
    referent = animator(club, UserFactory(first_name="Dominique", last_name="Leroy"))
    person = member(club, first_name="Camille", last_name="Martin")
    other = member(club, first_name="Alice", last_name="Durand")
    EventFactory(title="Rencontre : semis de printemps", organiser=club.organisation)
    past = EventFactory(title="Rencontre : troc de graines", organiser=club.organisation)
    registration_create(event=past, user=other)
    _move_to_past(past)
    practice = practice_create(
        club=club,
        author=other,
        title="Un composteur en pied d'immeuble",
        text="Un bac à trois compartiments, retourné chaque semaine.",
        themes=[Theme.objects.order_by("name").first()],
        photos=[process_image(image_upload(size=(320, 240), exif=gps_exif()))],
        by=other,
    )
    reported = practice_create(
        club=club, author=other, title="Des poules au jardin", text="Deux poules.", by=other
    )
    practice_report(practice=reported, reporter=person, reason="Hors sujet.", by=person)
    topic = topic_create(
        network=ExchangeNetwork.CLUBS,
        organisation=club.organisation,
        title="Où trouver du broyat ?",
        body="Pour pailler les massifs.",
        author=other,
        by=other,
    )
    reply_create(topic=topic, body="La déchetterie en donne.", author=referent, by=referent)
    return {
        "club": club,
        "member": person,
        "animator": referent,
        "practice": practice,
        "topic": topic,
    }


CLUB = "Club des jardiniers de Rouen"
PRACTICE = "Un composteur en pied d'immeuble"
PAGES = {
    # name: (who is signed in, path in the world, the page's h1, a text the page must show)
    "club_list": (None, lambda w: reverse("clubs:list"), "Clubs et jardiniers", CLUB),
    "club_anonymous": (None, lambda w: w["club"].get_absolute_url(), CLUB, PRACTICE),
    "club_member": ("member", lambda w: w["club"].get_absolute_url(), CLUB, "Vous êtes membre"),
    "practice_list": (None, lambda w: reverse("clubs:practices"), "Pratiques partagées", PRACTICE),
    "practice": ("member", lambda w: w["practice"].get_absolute_url(), PRACTICE, "Je l'ai adoptée"),
    "practice_form_error": (
        "member",
        lambda w: reverse("clubs:practice_create", args=[w["club"].slug]),
        "Partager une pratique",
        "Ce champ est obligatoire.",
    ),
    "animator_page": (
        "animator",
        lambda w: reverse("clubs:manage", args=[w["club"].slug]),
        f"Animer le club « {CLUB} »",
        "Des poules au jardin",
    ),
    "topic_list": (
        "member",
        lambda w: reverse("clubs:topics", args=[w["club"].slug]),
        f"Discussions du club « {CLUB} »",
        "Où trouver du broyat ?",
    ),
    "topic": ("member", lambda w: w["topic"].get_absolute_url(), "Où trouver du broyat ?", "La déchetterie"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_clubs_page_has_no_serious_or_critical_violation(page, log_in, clubs_world, name):
    who, path, heading, shows = PAGES[name]
    if who:
        log_in(clubs_world[who])
    response = page.goto(path(clubs_world))
    assert response.status == 200
    if name == "practice_form_error":
        page.get_by_role("button", name="Publier la pratique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("#contenu")).to_contain_text(shows)
    assert_accessible(page)


GARDENS = "/clubs/jardiniers-de-la-nature/"  # written out: the address the issue names


def test_gardens_network_page_has_no_serious_or_critical_violation(page, e2e_db):
    # The network page is still being finished by another engineer: absent, it is skipped.
    status = page.request.get(GARDENS).status
    if status == 404:
        pytest.skip(f"{GARDENS} absent (404) : la page du réseau n'est pas encore en place")
    gardener = UserFactory()
    garden_register(
        owner=gardener,
        garden_type=GardenType.SHARED,
        commune=commune("rouen"),
        size=GardenSize.FROM_50,
        practices=list(GardenPractice.objects.all()[:2]),
        charter=Charter.objects.current(),
        by=gardener,
    )
    response = page.goto(GARDENS)
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Le réseau des jardiniers de la nature")
    assert_accessible(page)


def test_garden_form_has_no_serious_or_critical_violation(page, log_in, e2e_db):
    log_in(UserFactory())
    response = page.goto(reverse("clubs:garden_new"))
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire mon jardin")
    assert_accessible(page)
