"""A person's clubs data is in their download; deleting the account removes identity, not counts."""

import pytest
from django.urls import reverse

from clubs.models import ClubMembershipRecord, Practice, PracticeAdoption
from clubs.services import club_mailings_set, practice_adoption_toggle, practice_reply_create, practice_report
from pacte.models import Membership
from pacte.services.accounts import user_delete_account, user_export_data
from tests.clubs.factories import ClubFactory, PracticeFactory, member
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db


def test_export_contains_clubs_section():
    club = ClubFactory()
    person = member(club)
    practice = PracticeFactory(club=club, author=person, title="Ma pratique")
    other = PracticeFactory(club=club)
    practice_adoption_toggle(practice=other, user=person, by=person)
    practice_reply_create(practice=other, author=person, text="Merci", by=person)
    practice_report(practice=PracticeFactory(club=club), reporter=person, reason="Pub", by=person)
    club_mailings_set(club=club, user=person, receives=False, by=person)
    data = user_export_data(user=person)["clubs"]
    assert data["adhesions"][0]["club"] == club.name
    assert data["adhesions"][0]["recoit_les_emails_du_club"] is False
    assert data["pratiques"][0]["titre"] == practice.title
    assert data["pratiques_adoptees"] == [other.title]
    assert data["reponses_aux_pratiques"][0]["reponse"] == "Merci"
    assert data["signalements"][0]["motif"] == "Pub"
    assert "echanges" in user_export_data(user=person)


def test_export_download_through_my_space(client):
    person = member(ClubFactory())
    client.force_login(person)
    response = client.get(reverse("my_data_export"))
    assert response.status_code == 200 and '"clubs"' in response.content.decode()


def test_account_deletion_keeps_counts_without_identity():
    club = ClubFactory()
    person = UserFactory(home_commune=commune("elbeuf"))
    member(club, person)
    practice = PracticeFactory(club=club, author=person)
    other = PracticeFactory(club=club)
    practice_adoption_toggle(practice=other, user=person, by=person)
    user_delete_account(user=person, by=person)
    record = ClubMembershipRecord.objects.get(club=club, commune__slug="elbeuf")
    assert record.user is None and record.left_at is not None
    assert not Membership.objects.filter(user=person).exists()
    assert PracticeAdoption.objects.filter(practice=other).count() == 1
    practice.refresh_from_db()
    assert practice.author is None and Practice.objects.visible().filter(pk=practice.pk).exists()
    assert ClubMembershipRecord.objects.joined_during(record.joined_at, record.joined_at).count() == 1
