"""Action 3's public pages read what everyone sees from the shared cache (docs/conventions.md,
Performance): warm, they run no query for it; a write through the services shows at the next
request; the référents' button is never served to anyone else. Page cache off: every request here
renders the page."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from associations.services import instruction
from tests.associations.factories import (
    CampaignFactory,
    accepted,
    instructor,
    labelled_association,
    paid,
    pdf,
    referent,
)
from tests.factories import EventFactory, MembershipFactory, UserFactory
from tests.pages import page_query_count as _queries
from tests.pages import page_text as _text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

FUNDED = "/associations/programmes-finances/"
CSV = "/associations/subventions-scdl.csv"


@pytest.fixture
def granted(db):
    staff = instructor()
    association = labelled_association(name="Les Jardins du Mont", slug="jardins-du-mont")
    application = paid(staff, organisation=association, campaign=CampaignFactory(year=2030))
    return staff, association, application


def test_warm_pages_read_no_data(client, granted):
    _staff, association, _application = granted
    for url in [FUNDED, f"{FUNDED}?annee=2030", CSV, f"/associations/{association.slug}/"]:
        _text(client, url)
        # Anonymous: only the cache reads are left, no query at all.
        assert _queries(client, url) == 0, url
        # An unknown parameter (the bench's cache buster) reuses the same entry.
        separator = "&" if "?" in url else "?"
        assert _queries(client, f"{url}{separator}_inconnu=1") == 0, url


@pytest.mark.parametrize("url", [FUNDED, CSV, "/associations/jardins-du-mont/"])
def test_signed_in_pages_at_most_two_queries_few_and_many(client, granted, url):
    """The session's user and the person's memberships (asked only where a button depends on
    them), the same with many grants as with one."""
    staff, association, _application = granted
    client.force_login(referent(association))
    _text(client, url)
    few = _queries(client, url)
    for _ in range(4):
        paid(staff, organisation=labelled_association(), campaign=CampaignFactory(year=2031))
        paid(staff, organisation=association, campaign=CampaignFactory(year=2032 + _))
    _text(client, url)
    assert _queries(client, url) == few <= 2


def test_funded_programmes_show_a_new_grant_at_the_next_request(client, granted):
    staff, _association, application = granted
    assert application.title in _text(client, FUNDED)
    other = labelled_association(name="Vélo Seine Solidaire")
    paid(staff, organisation=other, campaign=CampaignFactory(year=2031))
    text = _text(client, FUNDED)
    assert "Vélo Seine Solidaire" in text and application.title in text
    assert "Vélo Seine Solidaire" in _text(client, f"{FUNDED}?annee=2031")
    assert "Vélo Seine Solidaire" not in _text(client, f"{FUNDED}?annee=2030")


def test_funded_programmes_pages_and_years_are_fragments_of_their_own(client, granted, settings):
    staff, _association, _application = granted
    settings.PACTE_PAGE_SIZE = 1
    paid(
        staff,
        organisation=labelled_association(name="Vélo Seine Solidaire"),
        campaign=CampaignFactory(year=2030),
    )
    paid(staff, organisation=labelled_association(name="Seine Propre"), campaign=CampaignFactory(year=2031))
    first, second = _text(client, FUNDED), _text(client, f"{FUNDED}?page=2")
    assert "Page 1 sur 3" in first and "Page 2 sur 3" in second
    in_2030 = _text(client, f"{FUNDED}?annee=2030&_inconnu=1")
    assert "Page 1 sur 2" in in_2030 and "Seine Propre" not in in_2030
    # The pagination links keep the year and nothing else.
    assert 'href="?annee=2030&amp;page=2"' in in_2030 and "_inconnu" not in in_2030
    assert "Seine Propre" in _text(client, f"{FUNDED}?annee=2031")


def test_grants_file_shows_a_new_convention_and_a_renamed_beneficiary(client, granted):
    staff, association, _application = granted
    rows = list(csv.DictReader(io.StringIO(_text(client, CSV))))
    assert [row["nomBeneficiaire"] for row in rows] == [association.name]
    staged = accepted(staff, organisation=labelled_association(name="Vélo Seine Solidaire"))
    assert "Vélo Seine Solidaire" not in _text(client, CSV)  # no convention yet
    instruction.application_sign_convention(
        application=staged, signed_on=date(2030, 3, 1), uploaded=pdf(), by=staff
    )
    instruction.payment_record(application=staged, amount=Decimal("500"), paid_on=date(2030, 3, 10), by=staff)
    rows = {row["nomBeneficiaire"]: row for row in csv.DictReader(io.StringIO(_text(client, CSV)))}
    assert rows["Vélo Seine Solidaire"]["datesPeriodeVersement"] == "2030-03-10"
    # The beneficiary's name is the kernel's organisation: a rename shows too.
    association.name = "Les Jardins du Mont-Riboudet"
    association.save()
    assert "Les Jardins du Mont-Riboudet" in _text(client, CSV)


def test_association_page_shows_its_new_event_and_programme(client, granted):
    staff, association, application = granted
    url = f"/associations/{association.slug}/"
    assert application.title in _text(client, url)
    EventFactory(organiser=association, title="Troc de graines")
    assert "Troc de graines" in _text(client, url)
    assert "<td>2031</td>" not in _text(client, url)
    paid(staff, organisation=association, campaign=CampaignFactory(year=2031))
    assert "<td>2031</td>" in _text(client, url)


def test_association_page_button_for_its_referents_only(client, granted):
    _staff, association, _application = granted
    url = f"/associations/{association.slug}/"
    client.force_login(referent(association))
    assert "Espace de l'association" in _text(client, url)
    for person in [
        None,
        UserFactory(),
        MembershipFactory(organisation=association).user,
        referent(labelled_association()),
    ]:
        client.logout()
        if person is not None:
            client.force_login(person)
        text = _text(client, url)
        assert "Espace de l'association" not in text and association.name in text


def test_association_page_unknown_or_unlabelled(client, granted):
    from tests.factories import OrganisationFactory

    assert client.get("/associations/personne-de-ce-nom/").status_code == 404
    unlabelled = OrganisationFactory(kind="association", slug="amis-du-parc")
    response = client.get("/associations/amis-du-parc/")
    assert response.status_code == 302 and response["Location"].endswith(f"/{unlabelled.slug}/")
