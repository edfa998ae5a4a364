"""Permission matrix on every view of the tool library, for the roles of the issue: anonymous,
citizen, référent of a non-labelled association, member and référent of a labelled association,
the holder's (owner's) référent, staff. Another organisation's object is a 404."""

import pytest
from django.urls import reverse

from associations.reseau.tools import ical
from associations.reseau.tools.enums import LoanStatus
from associations.reseau.tools.models import Loan, Tool
from tests.associations.factories import referent

from .conftest import matrix
from .factories import days, pdf

pytestmark = pytest.mark.django_db

LOGIN = 302  # LoginRequiredMiddleware sends anonymous visitors to the login page


def url(name, *args):
    return reverse(f"associations:reseau_tools:{name}", args=args)


@matrix(anonymous=200, citizen=200, unlabelled_referent=200, member=200, referent=200, holder=200, staff=200)
def test_catalogue_is_public(client, world, role, status):
    world.login(client, role)
    response = client.get(url("list"))
    assert response.status_code == status
    assert "Le grand jeu de l&#x27;oie du climat" in response.content.decode()


@matrix(
    anonymous=False,
    citizen=False,
    unlabelled_referent=False,
    member=True,
    referent=True,
    holder=True,
    staff=True,
)
def test_tool_page_is_public_copies_and_network_files_for_the_network(client, world, role, status):
    world.login(client, role)
    response = client.get(world.tool.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Règle du jeu" in page
    assert ("Cartes à imprimer" in page) is status
    assert ("Exemplaires à emprunter" in page) is status
    assert ("Jardin des Cèdres" in page) is status


@matrix(anonymous=200, citizen=200, unlabelled_referent=200, member=200, referent=200, holder=200, staff=200)
def test_public_file_for_everyone(client, world, role, status):
    world.login(client, role)
    response = client.get(url("file", world.tool.pk, world.public_file.pk))
    assert response.status_code == status
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@matrix(anonymous=404, citizen=404, unlabelled_referent=404, member=200, referent=200, holder=200, staff=200)
def test_network_file_only_for_the_network(client, world, role, status):
    world.login(client, role)
    response = client.get(url("file", world.tool.pk, world.network_file.pk))
    assert response.status_code == status
    if status == 200:
        assert response["Cache-Control"] == "private, no-store"


def test_a_file_of_another_tool_is_a_404(client, world):
    world.login(client, "staff")
    assert client.get(url("file", world.other_tool.pk, world.public_file.pk)).status_code == 404


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=200, referent=200, holder=200, staff=200
)
def test_calendar_for_the_network(client, world, role, status):
    world.login(client, role)
    response = client.get(url("calendar", world.tool.pk))
    assert response.status_code == status


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=200, referent=200, holder=200, staff=200
)
def test_loans_board_for_the_network(client, world, role, status):
    world.login(client, role)
    assert client.get(url("loans")).status_code == status


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=200, referent=200, holder=200, staff=200
)
def test_loan_page_for_the_two_associations_and_staff(client, world, role, status):
    world.login(client, role)
    assert client.get(world.loan.get_absolute_url()).status_code == status


def test_a_loan_between_two_other_associations_is_a_404(client, world):
    from .factories import LoanFactory, ToolCopyFactory

    foreign = LoanFactory(copy=ToolCopyFactory(tool=world.other_tool), borrower=world.owner)
    world.login(client, "referent")
    assert client.get(foreign.get_absolute_url()).status_code == 404


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=404, referent=200, holder=200, staff=404
)
def test_loan_request_form_for_referents_of_labelled_associations(client, world, role, status):
    world.login(client, role)
    assert client.get(url("loan_request", world.other_tool.pk)).status_code == status


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=404, referent=302, holder=302, staff=404
)
def test_loan_request_post(client, world, role, status):
    world.login(client, role)
    copy = world.other_tool.copies.get()
    organisation = world.owner if role == "holder" else world.borrower
    response = client.post(
        url("loan_request", world.other_tool.pk),
        {
            "copy": copy.pk,
            "borrower": organisation.pk,
            "start_on": days(3).isoformat(),
            "end_on": days(5).isoformat(),
        },
    )
    assert response.status_code == status
    assert Loan.objects.filter(copy=copy).exists() is (role in ("referent", "holder"))


def test_an_overlapping_request_is_shown_again_with_the_reason(client, world):
    world.login(client, "holder")
    response = client.post(
        url("loan_request", world.metropole_tool.pk),
        {
            "copy": world.metropole_tool.copies.get().pk,
            "borrower": world.owner.pk,
            "start_on": days(3).isoformat(),
            "end_on": days(6).isoformat(),
        },
    )
    assert response.status_code == 302
    world.login(client, "referent")
    response = client.post(
        url("loan_request", world.metropole_tool.pk),
        {
            "copy": world.metropole_tool.copies.get().pk,
            "borrower": world.borrower.pk,
            "start_on": days(5).isoformat(),
            "end_on": days(9).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "déjà réservé" in response.content.decode()
    assert "<title>Erreur : " in response.content.decode()


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=404, referent=200, holder=200, staff=200
)
def test_create_form_for_referents_and_staff(client, world, role, status):
    world.login(client, role)
    assert client.get(url("create")).status_code == status


def test_referent_creates_a_tool_of_their_association(client, world):
    world.login(client, "referent")
    response = client.post(
        url("create"),
        {
            "owner": world.borrower.pk,
            "title": "Vélo-mixeur",
            "kind": "kit",
            "summary": "Un vélo qui mixe.",
            "description": "Pédalez, buvez.",
            "public": "grand_public",
            "age_min": "8",
            "age_max": "5",
        },
    )
    assert response.status_code == 200  # the age range is refused next to its field
    assert "L&#x27;âge maximum" in response.content.decode()
    response = client.post(
        url("create"),
        {
            "owner": world.borrower.pk,
            "title": "Vélo-mixeur",
            "kind": "kit",
            "summary": "Un vélo qui mixe.",
            "description": "Pédalez, buvez.",
            "public": "grand_public",
            "age_min": "8",
            "age_max": "",
        },
    )
    tool = Tool.objects.get(title="Vélo-mixeur")
    assert response.status_code == 302 and tool.owner == world.borrower


def test_referent_cannot_file_a_tool_for_another_association(client, world):
    world.login(client, "referent")
    response = client.post(
        url("create"),
        {
            "owner": world.owner.pk,
            "title": "Intrus",
            "kind": "kit",
            "summary": "x",
            "description": "x",
            "public": "grand_public",
        },
    )
    assert response.status_code == 200
    assert not Tool.objects.filter(title="Intrus").exists()


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=404, referent=404, holder=200, staff=200
)
def test_edit_page_for_the_owner_and_staff(client, world, role, status):
    world.login(client, role)
    assert client.get(url("edit", world.tool.pk)).status_code == status


@pytest.mark.parametrize("role", ["holder", "referent"])
def test_another_organisations_tool_is_a_404_for_editing(client, world, role):
    world.login(client, role)
    assert client.get(url("edit", world.other_tool.pk)).status_code == 404
    assert client.get(url("edit", world.metropole_tool.pk)).status_code == 404
    assert client.post(url("withdraw", world.other_tool.pk)).status_code == 404


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=404, referent=404, holder=302, staff=302
)
def test_edit_post(client, world, role, status):
    world.login(client, role)
    response = client.post(
        url("edit", world.tool.pk),
        {
            "title": "Jeu de l'oie géant",
            "kind": "jeu",
            "summary": "Résumé",
            "description": "Texte",
            "public": "familles",
            "age_min": "6",
            "age_max": "12",
        },
    )
    assert response.status_code == status
    world.tool.refresh_from_db()
    assert (world.tool.title == "Jeu de l'oie géant") is (role in ("holder", "staff"))


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=404, referent=404, holder=302, staff=302
)
def test_file_and_copy_add(client, world, role, status):
    world.login(client, role)
    response = client.post(
        url("file_add", world.tool.pk),
        {"fichier-title": "Affiche", "fichier-file": pdf("affiche.pdf"), "fichier-is_public": "on"},
    )
    assert response.status_code == status
    response = client.post(
        url("copy_add", world.tool.pk),
        {"exemplaire-label": "Exemplaire 2", "exemplaire-location": "Rouen", "exemplaire-condition": "bon"},
    )
    assert response.status_code == status
    assert world.tool.files.filter(title="Affiche").exists() is (role in ("holder", "staff"))
    assert world.tool.copies.filter(label="Exemplaire 2").exists() is (role in ("holder", "staff"))


def test_an_upload_that_is_not_a_document_is_refused_next_to_the_form(client, world):
    world.login(client, "holder")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        url("file_add", world.tool.pk),
        {"fichier-title": "Script", "fichier-file": SimpleUploadedFile("x.pdf", b"#!/bin/sh")},
    )
    assert response.status_code == 200
    assert "pas un document accepté" in response.content.decode()


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=404, referent=404, holder=302, staff=302
)
def test_withdraw(client, world, role, status):
    world.loan.status = LoanStatus.REFUSED
    world.loan.save()
    world.login(client, role)
    assert client.post(url("withdraw", world.tool.pk)).status_code == status
    world.tool.refresh_from_db()
    assert world.tool.is_withdrawn is (role in ("holder", "staff"))


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=302, referent=302, holder=302, staff=302
)
def test_accept(client, world, role, status):
    world.login(client, role)
    assert client.post(url("loan_accept", world.loan.pk)).status_code == status
    world.loan.refresh_from_db()
    accepted = role in ("holder", "staff")
    assert (world.loan.status == LoanStatus.ACCEPTED) is accepted


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=302, referent=302, holder=302, staff=302
)
def test_refuse(client, world, role, status):
    world.login(client, role)
    assert (
        client.post(url("loan_refuse", world.loan.pk), {"reason": "Déjà prévu ailleurs."}).status_code
        == status
    )
    world.loan.refresh_from_db()
    assert (world.loan.status == LoanStatus.REFUSED) is (role in ("holder", "staff"))


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=302, referent=302, holder=302, staff=302
)
def test_cancel(client, world, role, status):
    world.login(client, role)
    assert client.post(url("loan_cancel", world.loan.pk)).status_code == status
    world.loan.refresh_from_db()
    assert (world.loan.status == LoanStatus.CANCELLED) is (role in ("referent", "staff"))


@matrix(
    anonymous=LOGIN, citizen=404, unlabelled_referent=404, member=302, referent=302, holder=302, staff=302
)
def test_pickup_and_return(client, world, role, status):
    Loan.objects.filter(pk=world.loan.pk).update(status=LoanStatus.ACCEPTED, start_on=days(0))
    world.login(client, role)
    assert client.post(url("loan_pickup", world.loan.pk)).status_code == status
    world.loan.refresh_from_db()
    assert (world.loan.status == LoanStatus.OUT) is (role in ("referent", "holder", "staff"))
    if world.loan.status == LoanStatus.OUT:
        assert (
            client.post(
                url("loan_return", world.loan.pk), {"condition": "use", "note": "Coin abîmé"}
            ).status_code
            == 302
        )
        world.loan.refresh_from_db()
        assert (world.loan.status == LoanStatus.RETURNED) is (role in ("holder", "staff"))


def test_handoff_through_the_pages(client, world):
    from .factories import LoanFactory

    Loan.objects.filter(pk=world.loan.pk).update(status=LoanStatus.OUT, start_on=days(-3), end_on=days(1))
    following = LoanFactory(
        copy=world.copy, borrower=world.other, status=LoanStatus.ACCEPTED, start_on=days(2), end_on=days(4)
    )
    receiver = referent(world.other)
    world.login(client, "referent")
    page = client.get(world.loan.get_absolute_url()).content.decode()
    assert "Je confirme la remise à Seine Propre" in page
    client.post(
        url("loan_handoff", world.loan.pk), {"side": "giver", "other": following.pk, "note": "Complet"}
    )
    client.force_login(receiver)
    page = client.get(following.get_absolute_url()).content.decode()
    assert "Recevoir l'exemplaire de Vélo Partage" in page
    client.post(
        url("loan_handoff", following.pk), {"side": "receiver", "other": world.loan.pk, "note": "Reçu"}
    )
    world.loan.refresh_from_db()
    following.refresh_from_db()
    world.copy.refresh_from_db()
    assert (world.loan.status, following.status, world.copy.holder) == (
        LoanStatus.HANDED_OFF,
        LoanStatus.OUT,
        world.other,
    )


@matrix(anonymous=200, citizen=200, unlabelled_referent=200, member=200, referent=200, holder=200, staff=200)
def test_ical_feed_by_its_private_token(client, world, role, status):
    world.login(client, role)
    response = client.get(ical.feed_url(world.borrower))
    assert response.status_code == status
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and f"DTSTART;VALUE=DATE:{world.loan.start_on:%Y%m%d}" in body


def test_ical_feed_with_a_wrong_token_is_a_404(client, world):
    good = ical.feed_url(world.borrower)
    assert client.get(good.replace(".ics", "x.ics")).status_code == 404
    # Another association's token does not open this one's feed.
    other = ical.token_for(world.owner)
    assert client.get(url("ical", world.borrower.slug, other)).status_code == 404


def _jpeg(name="photo.jpg"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 60)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_photos_are_cleaned_and_shown(client, world):
    world.login(client, "holder")
    data = {
        "title": "Jeu",
        "kind": "jeu",
        "summary": "R",
        "description": "T",
        "public": "familles",
        "age_min": "",
        "age_max": "",
    }
    response = client.post(url("edit", world.tool.pk), {**data, "photos": [_jpeg("a.jpg"), _jpeg("b.jpg")]})
    assert response.status_code == 302
    photos = list(world.tool.photos.all())
    assert [p.position for p in photos] == [0, 1] and all(p.thumbnail for p in photos)
    page = client.get(world.tool.get_absolute_url()).content.decode()
    assert photos[0].thumbnail.url in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        url("edit", world.tool.pk), {**data, "photos": [SimpleUploadedFile("x.jpg", b"not an image")]}
    )
    assert response.status_code == 200 and "pas une image lisible" in response.content.decode()
    client.post(url("photo_delete", world.tool.pk, photos[0].pk))
    assert world.tool.photos.count() == 1


def test_catalogue_filters(client, world):
    from .factories import LoanFactory

    LoanFactory(
        copy=world.other_tool.copies.get(),
        borrower=world.borrower,
        status=LoanStatus.ACCEPTED,
        start_on=days(20),
        end_on=days(22),
    )
    base = url("list")
    page = client.get(base + "?kind=jeu").content.decode()
    assert "Le grand jeu" in page and "Malle compost" in page and "Exposition La Seine" in page
    page = client.get(base + "?q=malle").content.decode()
    assert "Malle compost" in page and "Le grand jeu" not in page
    page = client.get(base + f"?du={days(21).isoformat()}&au={days(21).isoformat()}").content.decode()
    assert "Malle compost" not in page and "Le grand jeu" in page
    page = client.get(base + f"?du={days(23).isoformat()}").content.decode()
    assert "Malle compost" in page


def test_seed_scale_adds_tools_for_the_bench(world):
    from associations.reseau.tools.demo import seed_tools_scale

    before = Tool.objects.count()
    seed_tools_scale(2)
    assert Tool.objects.count() == before + 10
    assert Loan.objects.filter(copy__tool__title__startswith="Outil d'animation n°").count() == 10
