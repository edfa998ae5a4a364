"""Permission matrix of every view of action 3, for the roles the issue names: anonymous, another
association's référent, a member without the référent role, the référent, an instructor, other
staff. Another organisation's object is a 404; private documents and notes reach nobody else."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from associations.enums import ApplicationStatus as S
from associations.models import SubsidyApplication
from associations.services import instruction
from tests.associations.conftest import matrix
from tests.associations.factories import PDF, instructor, paid, pdf
from tests.factories import commune
from tests.pacte.test_html_validity import html_problems

pytestmark = pytest.mark.django_db
LOGIN = "/comptes/login/"


def _status(response):
    if response.status_code == 302 and response.url.startswith(LOGIN):
        return "login"
    return response.status_code


# --- Public pages -------------------------------------------------------------------------------


@matrix(anonymous=200, other_referent=200, member=200, referent=200, instructor=200, other_staff=200)
@pytest.mark.parametrize(
    "path", ["/associations/", "/associations/charte/", "/associations/programmes-finances/", "/donnees/"]
)
def test_public_pages(client, world, role, status, path):
    world.login(client, role)
    response = client.get(path)
    assert response.status_code == status


def test_directory_lists_labelled_associations_with_filters_and_map(client, world):
    body = client.get("/associations/").content.decode()
    assert "Les Jardins du Mont" in body and "Vélo Partage" in body and "Relais COP21" in body
    assert 'id="carte-associations"' in body and "tableau-associations" in body
    body = client.get("/associations/", {"q": "vélo"}).content.decode()
    assert "Vélo Partage" in body and "Les Jardins du Mont" not in body
    body = client.get("/associations/", {"commune": "elbeuf"}).content.decode()
    assert "Aucune association labellisée ne correspond" in body


def test_expired_label_leaves_the_directory(client, world):
    world.association.relais_labels.update(valid_until=timezone.localdate() - timedelta(days=1))
    body = client.get("/associations/").content.decode()
    assert "Les Jardins du Mont" not in body
    response = client.get("/associations/jardins-du-mont/")
    assert response.status_code == 302 and response.url == "/structures/jardins-du-mont/"


@matrix(anonymous=200, other_referent=200, member=200, referent=200, instructor=200, other_staff=200)
def test_association_page_shows_funded_programmes_and_no_private_data(client, world, role, status):
    staff = instructor()
    funded = paid(staff, organisation=world.other, campaign=world.campaign)
    world.login(client, role)
    response = client.get(f"/associations/{world.other.slug}/")
    assert response.status_code == status
    body = response.content.decode()
    assert funded.title in body and "2\xa0000,00" in body
    assert "documents/" not in body  # never a private document's link


@matrix(anonymous=200, other_referent=200, member=200, referent=200, instructor=200, other_staff=200)
def test_campaign_page_tells_who_may_apply(client, world, role, status):
    world.login(client, role)
    response = client.get(f"/associations/campagnes/{world.campaign.year}/")
    assert response.status_code == status
    body = response.content.decode()
    if role == "anonymous":
        assert "Se connecter" in body
    elif role == "referent":
        assert "voir la demande de l'association" in body
    elif role == "other_referent":
        assert "Commencer la demande" in body
    else:
        assert "Vous n'êtes référent d'aucune association" in body


def test_unlabelled_referent_is_told_why(client, world):
    world.other.relais_labels.all().delete()
    client.force_login(world.people["other_referent"])
    body = client.get(f"/associations/campagnes/{world.campaign.year}/").content.decode()
    assert "n&#x27;est pas labellisée Relais COP21" in body and "Demander le label" in body
    response = client.post(
        f"/associations/campagnes/{world.campaign.year}/deposer/", {"association": world.other.slug}
    )
    assert (
        response.status_code == 302
        and not SubsidyApplication.objects.filter(organisation=world.other).exists()
    )


# --- The association's space --------------------------------------------------------------------


@matrix(anonymous="login", other_referent=404, member=404, referent=200, instructor=404, other_staff=404)
@pytest.mark.parametrize("name", ["space", "label_request"])
def test_association_space(client, world, role, status, name):
    world.association.relais_labels.all().delete()  # so that the label form is shown
    world.login(client, role)
    assert _status(client.get(reverse(f"associations:{name}", args=[world.association.slug]))) == status


@matrix(anonymous="login", other_referent=404, member=404, referent=200, instructor=200, other_staff=404)
def test_application_detail(client, world, role, status):
    world.login(client, role)
    response = client.get(reverse("associations:application_detail", args=[world.application.pk]))
    assert _status(response) == status
    if status == 200:
        body = response.content.decode()
        assert world.application.title in body


def test_private_notes_never_reach_the_association(client, world):
    staff = world.people["instructor"]
    instruction.note_add(application=world.application, body="Note confidentielle de l'instruction", by=staff)
    for role in ("referent", "instructor"):
        world.login(client, role)
        body = client.get(
            reverse("associations:application_detail", args=[world.application.pk])
        ).content.decode()
        assert "Note confidentielle" not in body
    # In the admin: instructors only.
    url = reverse("admin:associations_subsidyapplication_change", args=[world.application.pk])
    expected = {"instructor": 200, "other_staff": 403, "referent": 302}
    for role, code in expected.items():
        world.login(client, role)
        response = client.get(url)
        assert response.status_code == code, role
        if code == 200:
            assert "Note confidentielle" in response.content.decode()


@matrix(anonymous=302, other_referent=404, member=404, referent=200, instructor=200, other_staff=404)
def test_application_documents_permission_matrix(client, world, role, status):
    document = world.application.documents.first().document
    world.login(client, role)
    response = client.get(document.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF


@matrix(anonymous="login", other_referent=404, member=404, referent=200, instructor=404, other_staff=404)
@pytest.mark.parametrize("step", ["programme", "actions", "budget", "documents", "questions"])
def test_application_steps(client, world, role, status, step):
    world.application.status = S.CORRECTION  # editable again
    world.application.save()
    world.login(client, role)
    response = client.get(reverse("associations:application_step", args=[world.application.pk, step]))
    assert _status(response) == status


def test_submitted_application_cannot_be_edited(client, world):
    world.login(client, "referent")
    response = client.get(reverse("associations:application_step", args=[world.application.pk, "programme"]))
    assert response.status_code == 302 and response.url.endswith(f"/dossiers/{world.application.pk}/")
    response = client.post(
        reverse("associations:application_step", args=[world.application.pk, "programme"]),
        {"title": "Piraté"},
    )
    world.application.refresh_from_db()
    assert world.application.title != "Piraté"


def test_referent_fills_a_draft_step_by_step_and_sees_what_is_missing(client, world):
    client.force_login(world.people["other_referent"])
    response = client.post(
        f"/associations/campagnes/{world.campaign.year}/deposer/", {"association": world.other.slug}
    )
    application = SubsidyApplication.objects.get(organisation=world.other)
    assert response.url == reverse("associations:application_step", args=[application.pk, "programme"])
    step = reverse("associations:application_step", args=[application.pk, "programme"])
    response = client.post(step, {"title": "Réparer plutôt que jeter", "programme_start": "2030-13-01"})
    assert response.status_code == 200  # bad date: the page comes back with what was typed
    body = response.content.decode()
    assert "Réparer plutôt que jeter" in body and "Saisissez une date valide" in body
    response = client.post(
        step,
        {"title": "Réparer plutôt que jeter", "programme_start": "2030-02-01", "programme_end": "2030-10-01"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title == "Réparer plutôt que jeter" and application.status == S.DRAFT
    # Budget with a French amount, and a line with a bad amount.
    budget = reverse("associations:application_step", args=[application.pk, "budget"])
    data = {
        "budget-TOTAL_FORMS": "2",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "40",
        "budget-0-category": "60",
        "budget-0-label": "Outils",
        "budget-0-amount": "1 250,50",
        "budget-1-category": "74m",
        "budget-1-label": "",
        "budget-1-amount": "beaucoup",
    }
    response = client.post(budget, data)
    assert response.status_code == 200 and "Indiquez un montant en euros" in response.content.decode()
    data["budget-1-amount"] = "1250,50"
    assert client.post(budget, data).status_code == 302
    assert application.requested_amount == Decimal("1250.50")
    # Submitting says what is missing, at the top and next to the fields.
    response = client.post(reverse("associations:application_submit", args=[application.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "Le dossier ne peut pas encore être déposé" in body
    assert "Décrivez au moins une action prévue." in body and "Joignez le document" in body
    response = client.get(step + "?verifier=1")
    body = response.content.decode()
    assert "Résumez le programme en quelques lignes." in body and 'aria-invalid="true"' in body


def test_documents_are_checked_by_content(client, world):
    world.application.status = S.CORRECTION
    world.application.save()
    client.force_login(world.people["referent"])
    requirement = world.campaign.required_documents.get()
    url = reverse("associations:application_step", args=[world.application.pk, "documents"])
    fake = SimpleUploadedFile("rib.pdf", b"MZ\x90 not a pdf")
    response = client.post(url, {"requirement": requirement.pk, f"doc-{requirement.pk}-file": fake})
    assert response.status_code == 200 and "n&#x27;est pas un document accepté" in response.content.decode()
    response = client.post(
        url, {"requirement": requirement.pk, f"doc-{requirement.pk}-file": pdf("rib-2030.pdf")}
    )
    assert response.status_code == 302 and world.application.documents.count() == 2


def test_a_refused_upload_keeps_the_typed_title_and_shows_the_reason_next_to_the_file(
    client, world, settings
):
    world.application.status = S.CORRECTION
    world.application.save()
    client.force_login(world.people["referent"])
    url = reverse("associations:application_step", args=[world.application.pk, "documents"])
    attached = world.application.documents.count()

    # Wrong type: the title as typed, the reason on the file field, "Erreur : " in the title.
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90 not a pdf")
    response = client.post(url, {"doc-autre-title": "Plan de l'atelier vélo", "doc-autre-file": fake})
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Erreur : " in body
    assert 'value="Plan de l&#x27;atelier vélo"' in body
    assert not html_problems(body)
    assert 'aria-invalid="true"' in body
    assert "n&#x27;est pas un document accepté" in body

    # Rate limit: 429, the reason next to the file, the title still there. (The counts of the
    # uploads above and of the fixture's are dropped first.)
    cache.clear()
    settings.PACTE_RATE_LIMITS = {"associations.upload": "1/h"}
    first = client.post(url, {"doc-autre-title": "Budget détaillé", "doc-autre-file": pdf("budget.pdf")})
    assert first.status_code == 302
    response = client.post(url, {"doc-autre-title": "Devis du loueur", "doc-autre-file": pdf("devis.pdf")})
    body = response.content.decode()
    assert response.status_code == 429
    assert 'value="Devis du loueur"' in body and "avant de recommencer" in body
    assert body.index("avant de recommencer") > body.index('id="id_doc-autre-title"')
    assert world.application.documents.count() == attached + 1
    assert world.application.documents.filter(document__title__endswith="Budget détaillé").exists()


def test_referent_writes_to_the_instruction_and_typed_text_survives_an_error(client, world):
    client.force_login(world.people["referent"])
    url = reverse("associations:application_message", args=[world.application.pk])
    response = client.post(url, {"body": "Voici le RIB.", "attachment": SimpleUploadedFile("x.pdf", b"nope")})
    assert response.status_code == 200 and "Voici le RIB." in response.content.decode()
    response = client.post(url, {"body": "Voici le RIB.", "attachment": pdf()})
    assert response.status_code == 302 and world.application.messages.get().body == "Voici le RIB."
    client.force_login(world.people["member"])
    assert client.post(url, {"body": "Intrus"}).status_code == 404


@matrix(anonymous="login", other_referent=404, member=404, referent=200, instructor=404, other_staff=404)
def test_bilan_page(client, world, role, status):
    staff = world.people["instructor"]
    application = paid(
        staff,
        organisation=world.association,
        campaign=type(world.campaign).objects.create(
            year=world.campaign.year + 50,
            title="Autre",
            opens_on=world.campaign.opens_on,
            closes_on=world.campaign.closes_on,
            envelope=1000,
            rules="R",
            is_published=True,
        ),
        by=world.people["referent"],
    )
    world.login(client, role)
    response = client.get(reverse("associations:bilan", args=[application.pk]))
    assert _status(response) == status
    if status == 200:
        body = response.content.decode()
        assert "Ce que le portail a compté" in body and "Ateliers" in body


def test_bilan_photo_is_private(client, world):
    from tests.clubs.factories import image_upload

    staff = world.people["instructor"]
    application = paid(staff)
    lead = application.organisation.memberships.get().user
    client.force_login(lead)
    response = client.post(
        reverse("associations:bilan_photo", args=[application.pk]),
        {"image": image_upload(), "caption": "Atelier semis"},
    )
    assert response.status_code == 302
    photo = application.bilan.photos.get()
    url = reverse("associations:bilan_photo_file", args=[application.pk, photo.pk, "vignette"])
    assert client.get(url).status_code == 200
    for user in (world.people["other_referent"], world.people["other_staff"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_a_refused_bilan_photo_keeps_the_typed_caption_next_to_the_reason(client, world, settings):
    from associations.models import BilanPhoto
    from tests.clubs.factories import image_upload

    application = paid(world.people["instructor"])
    client.force_login(application.organisation.memberships.get().user)
    url = reverse("associations:bilan_photo", args=[application.pk])

    not_an_image = SimpleUploadedFile("semis.jpg", b"MZ\x90 not an image")
    response = client.post(url, {"image": not_an_image, "caption": "Atelier semis au jardin partagé"})
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Erreur : " in body
    assert "Atelier semis au jardin partagé" in body and 'aria-invalid="true"' in body
    assert not html_problems(body)

    cache.clear()
    settings.PACTE_RATE_LIMITS = {"associations.upload": "0/h"}
    response = client.post(url, {"image": image_upload(), "caption": "Récolte des tomates"})
    body = response.content.decode()
    assert response.status_code == 429
    assert "Récolte des tomates" in body and "avant de recommencer" in body
    assert not BilanPhoto.objects.filter(bilan__application=application).exists()


def test_my_space_section_for_referents_only(client, world):
    client.force_login(world.people["referent"])
    body = client.get("/mon-espace/").content.decode()
    assert "Associations Relais COP21" in body and "Les Jardins du Mont" in body
    client.force_login(world.people["member"])
    body = client.get("/mon-espace/").content.decode()
    assert "Associations Relais COP21" not in body


def test_people_reached_in_bilan_use_real_communes(world):
    assert commune("rouen").name == "Rouen"


def test_organisation_page_shows_the_label_and_funded_programmes(client, world):
    funded = paid(world.people["instructor"], organisation=world.other, campaign=world.campaign)
    body = client.get(f"/structures/{world.other.slug}/").content.decode()
    assert "Relais COP21" in body and funded.title in body
    assert f"/associations/{world.other.slug}/" in body


def test_untouched_extra_rows_are_ignored(client, world):
    world.application.status = S.CORRECTION
    world.application.save()
    client.force_login(world.people["referent"])
    url = reverse("associations:application_step", args=[world.application.pk, "budget"])
    form = client.get(url).context["formset"]
    data = {
        "budget-TOTAL_FORMS": str(form.total_form_count()),
        "budget-INITIAL_FORMS": str(form.initial_form_count()),
    }
    data["budget-MIN_NUM_FORMS"], data["budget-MAX_NUM_FORMS"] = "0", "40"
    for index, line in enumerate(world.application.budget_lines.all()):
        data.update({f"budget-{index}-category": line.category, f"budget-{index}-amount": str(line.amount)})
    # The extra rows come back as the browser sends them: blank select, empty fields.
    for index in range(form.initial_form_count(), form.total_form_count()):
        data.update(
            {f"budget-{index}-category": "", f"budget-{index}-label": "", f"budget-{index}-amount": ""}
        )
    response = client.post(url, data)
    assert response.status_code == 302
    assert world.application.budget_lines.count() == 3
