"""The dashboard, its exports, the public page and the open data: permissions, content, queries."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.public import SMALL_NUMBER, WITHHELD
from indicators.services import snapshots_compute_month
from pacte.enums import Action, MembershipRole, OrganisationKind, PublicCategory, StaffGroup
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, commune

from .factories import months_ago, past_event, reader, staff_in

pytestmark = pytest.mark.django_db

DASHBOARD = "/indicateurs/tableau-de-bord/"


def residents(count, **kwargs):
    return [UserFactory(home_commune=commune("rouen"), **kwargs) for _ in range(count)]


@pytest.fixture
def snapshots():
    """Last month: 7 residents of Rouen at a club meeting (and 2 walk-ins), 2 social workers of
    Darnétal at an Atelier event, one of the residents too."""
    month = months_ago(0)
    people = residents(7)
    social = [UserFactory(home_commune=commune("darnetal"), category=PublicCategory.SOCIAL) for _ in range(2)]
    past_event(month, people, walk_ins=2, action=Action.CLUBS)
    past_event(month, [*social, people[0]], action=Action.ATELIER, commune=commune("darnetal"))
    snapshots_compute_month(month=month)
    return month


def roles():
    association = OrganisationFactory()
    town = OrganisationFactory(kind=OrganisationKind.COMMUNE, commune=commune("darnetal"))
    return {
        "anonymous": None,
        "citizen": UserFactory(),
        "association_referent": MembershipFactory(
            organisation=association, role=MembershipRole.REFERENT
        ).user,
        "commune_referent": MembershipFactory(organisation=town, role=MembershipRole.REFERENT).user,
        "staff_without_group": staff_in(StaffGroup.ATELIER),
        "reader_without_second_factor": reader(second_factor=False),
        "reader": reader(),
        "dacte": staff_in(StaffGroup.DACTE_ADMIN),
    }


EXPECTED = {
    "anonymous": 302,
    "citizen": 404,
    "association_referent": 404,
    "commune_referent": 404,
    "staff_without_group": 404,
    "reader_without_second_factor": 404,
    "reader": 200,
    "dacte": 200,
}


@pytest.mark.parametrize("url", [DASHBOARD, DASHBOARD + "export/actions.csv", DASHBOARD + "export/mois.xlsx"])
def test_permission_matrix(client, snapshots, url):
    seen = {}
    for role, user in roles().items():
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(url)
        seen[role] = response.status_code
        if role == "anonymous":
            assert "/comptes/" in response["Location"]
    assert seen == EXPECTED


def test_the_dashboard_shows_people_counted_once(client, snapshots):
    client.force_login(reader())
    response = client.get(DASHBOARD)
    tables = response.context["tables"]
    assert response.context["people"] == 11  # 9 people with an account + 2 walk-ins
    assert dict(tables["actions"].rows)[Action.CLUBS.label] == 9
    assert dict(tables["actions"].rows)[Action.ATELIER.label] == 3
    assert dict(tables["communes"].rows) == {"Darnétal": 2, "Rouen": 9}  # with the walk-ins
    assert dict(tables["publics"].rows)[PublicCategory.SOCIAL.label] == 2
    html = response.content.decode()
    assert html.count("<svg") >= 4  # time series, actions, publics, map
    assert "tableau-actions" in html and "tableau-communes" in html


def test_filters_narrow_and_bad_values_fall_back(client, snapshots):
    client.force_login(reader())
    response = client.get(DASHBOARD, {"commune": "darnetal", "public": PublicCategory.SOCIAL})
    assert response.context["people"] == 2
    response = client.get(DASHBOARD, {"action": Action.ATELIER, "periode": f"{snapshots:%Y-%m}"})
    assert response.context["people"] == 3
    response = client.get(DASHBOARD, {"action": "inconnue", "commune": "atlantide", "periode": "1999"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["people"] == 11
    assert "<title>Erreur : " in response.content.decode()


def test_csv_export_is_for_french_spreadsheets(client, snapshots):
    client.force_login(reader())
    response = client.get(DASHBOARD + "export/communes.csv", {"public": PublicCategory.SOCIAL})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    expected = f'attachment; filename="indicateurs-communes-annee-{snapshots.year}.csv"'
    assert response["Content-Disposition"] == expected
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["Commune", "Personnes mobilisées"], ["Darnétal", "2"]]


def test_xlsx_export_opens(client, snapshots):
    client.force_login(reader())
    response = client.get(DASHBOARD + "export/actions.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1] == ["Action", "Personnes mobilisées"]
    assert [Action.CLUBS.label, 9] in values


def test_every_table_exports_and_an_unknown_one_is_404(client, snapshots):
    client.force_login(reader())
    for table in ("actions", "communes", "publics", "mois", "indicateurs", "bilans"):
        for fmt in ("csv", "xlsx"):
            assert client.get(f"{DASHBOARD}export/{table}.{fmt}").status_code == 200
    assert client.get(DASHBOARD + "export/secret.csv").status_code == 404
    assert client.get(DASHBOARD + "export/actions.pdf").status_code == 404


def test_the_dashboard_without_any_snapshot(client):
    client.force_login(reader())
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert "Aucun mois n'a encore été calculé" in response.content.decode()


def test_public_page_hides_small_numbers(client, snapshots):
    response = client.get("/indicateurs/")
    html = response.content.decode()
    figures = response.context["figures"]
    assert figures.total == 11
    publics = dict(figures.publics)
    assert publics[PublicCategory.SOCIAL.label] is None  # 2 people: "moins de 5"
    # Hidden alone, the 2 would be the total minus the residents: the residents are withheld.
    assert publics[PublicCategory.HABITANT.label] == WITHHELD
    assert publics[PublicCategory.PARTNER.label] == 0
    actions = {label: value for label, value, _metrics in figures.actions}
    assert actions[Action.ATELIER.label] is None and actions[Action.CLUBS.label] == WITHHELD
    assert figures.communes == [("Rouen", 9)]
    assert figures.other_communes == 1  # Darnétal, 2 people, not named
    assert "Darnétal" not in html
    assert "moins de 5" in html and "non diffusé" in html
    assert SMALL_NUMBER == 5


def test_public_page_before_any_snapshot(client):
    assert "Les premiers indicateurs" in client.get("/indicateurs/").content.decode()


def test_home_page_reads_the_same_figure(client, snapshots):
    response = client.get("/")
    labels = [figure.label for figure in response.context["figures"]]
    assert "personnes mobilisées" in labels
    figure = next(f for f in response.context["figures"] if f.label == "personnes mobilisées")
    assert figure.value == 11


def test_open_data_files(client, snapshots):
    page = client.get("/donnees/").content.decode()
    people_url = reverse("indicators:open_data_people")
    assert people_url in page and reverse("indicators:open_data_metrics") in page
    assert "inférieurs à 5 sont masqués" in page
    rows = list(csv.DictReader(io.StringIO(client.get(people_url).content.decode())))
    overall = [
        r for r in rows if r["action"] == "Toutes les actions" and r["commune"] == "Toutes les communes"
    ]
    assert {r["public"]: r["personnes"] for r in overall}[("Tous les publics")] == "11"
    darnetal = [r for r in rows if r["commune"] == "Darnétal" and r["public"] == "Tous les publics"]
    assert {r["personnes"] for r in darnetal} == {""}  # 2 people: masked
    by_commune = {
        (r["action"], r["commune"]): r["personnes"] for r in rows if r["public"] == "Tous les publics"
    }
    # All actions: Darnétal's 2 hidden alone would be the total's difference: Rouen withheld too.
    assert by_commune[("Toutes les actions", "Rouen")] == ""
    assert by_commune[(Action.CLUBS.label, "Rouen")] == "9"  # the club meeting: nobody hidden beside it
    metrics = list(
        csv.DictReader(io.StringIO(client.get(reverse("indicators:open_data_metrics")).content.decode()))
    )
    assert {"mois", "action", "indicateur", "libelle", "valeur"} <= set(metrics[0])
    assert any(r["indicateur"] == "clubs.attendance_registered" and r["valeur"] == "7" for r in metrics)


def test_the_dashboard_reads_a_constant_number_of_queries(
    client, django_assert_max_num_queries, no_page_cache
):
    user = reader()
    client.force_login(user)
    month = months_ago(1)
    past_event(month, residents(2), action=Action.CLUBS)
    snapshots_compute_month(month=month)
    client.get(DASHBOARD)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(DASHBOARD, {"commune": "rouen"})
    month = months_ago(0)
    past_event(month, residents(30), walk_ins=5, action=Action.ATELIER)
    past_event(month, residents(30, category=PublicCategory.ASSOCIATION), action=Action.COMMUNES)
    snapshots_compute_month(month=month)
    with CaptureQueriesContext(connection) as many:
        client.get(DASHBOARD, {"commune": "rouen"})
    assert len(many) == len(few)
    assert len(few) <= 12


def test_the_public_page_reads_a_constant_number_of_queries(client, no_page_cache):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    past_event(months_ago(1), residents(2), action=Action.CLUBS)
    snapshots_compute_month(month=months_ago(1))
    client.get("/indicateurs/")
    with CaptureQueriesContext(connection) as few:
        client.get("/indicateurs/")
    past_event(months_ago(0), residents(40), walk_ins=9, action=Action.ATELIER)
    snapshots_compute_month(month=months_ago(0))
    with CaptureQueriesContext(connection) as many:
        client.get("/indicateurs/")
    assert len(many) == len(few) <= 5


def test_the_dashboard_sums_up_the_questionnaires_under_their_threshold(client):
    from tests.indicators.surveys.conftest import answer_n, make_survey

    user = reader()
    enough = make_survey(event=past_event(months_ago(0), []), title="Atelier compost", by=user, min_answers=3)
    answer_n(enough, 3, scale=4)
    answer_n(enough, 1, scale=1)
    few = make_survey(event=past_event(months_ago(0), []), title="Balade nature", by=user, min_answers=5)
    answer_n(few, 2, scale=5)
    client.force_login(user)

    page = client.get(DASHBOARD).content.decode()

    assert "Atelier compost" in page and "Balade nature" in page
    # (4 + 4 + 4 + 1) / 4 answers to the scale question; nothing of the questionnaire under 5.
    assert "3,2" in page
    assert "Moins de 5 réponses : non affichée" in page
    assert "5,0" not in page
