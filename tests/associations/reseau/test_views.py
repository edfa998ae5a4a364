"""Permission matrix of every page of the network space and the showcase (issue 12): anonymous,
citizen, referent of a non-labelled association, member and referent of a labelled one, another
labelled association's referent, staff. Another association's post is a 404."""

import pytest
from django.urls import reverse

from associations.reseau.models import ShowcaseAction, ShowcaseStatus
from associations.reseau.services import relais_topic_create
from pacte.models import Reply, Theme
from tests.associations.reseau.conftest import matrix
from tests.clubs.factories import image_upload
from tests.factories import commune

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

NETWORK_ONLY = {
    "anonymous": 302,
    "citizen": 403,
    "outsider_referent": 403,
    "member": 200,
    "referent": 200,
    "other_referent": 200,
    "staff": 200,
}
OWN_ONLY = {
    "anonymous": 302,
    "citizen": 404,
    "outsider_referent": 404,
    "member": 404,
    "referent": 200,
    "other_referent": 404,
    "staff": 404,
}


def _topic(net):
    staff = net.people["staff"]
    return relais_topic_create(
        title="Assurer un chantier", body="Comment faites-vous ?", author=staff, by=staff
    )


@matrix(
    anonymous=200, citizen=200, outsider_referent=200, member=200, referent=200, other_referent=200, staff=200
)
def test_home(client, net, role, status):
    topic = _topic(net)
    net.login(client, role)
    response = client.get(reverse("associations:reseau"))
    body = response.content.decode()
    assert response.status_code == status
    assert "Fête des récoltes" in body  # the public showcase, for everyone
    member = NETWORK_ONLY[role] == 200
    assert (topic.title in body) is member
    assert ("Rejoindre le réseau" in body) is not member
    # Pending posts: only to the association's referents, in "en relecture".
    assert ("Chantier paillage" in body) is (role == "referent")


@matrix(**NETWORK_ONLY)
def test_topic_list(client, net, role, status):
    topic = _topic(net)
    net.login(client, role)
    response = client.get(reverse("associations:reseau_topics"))
    assert response.status_code == status
    if status == 200:
        assert topic.title in response.content.decode()


@matrix(**NETWORK_ONLY)
def test_topic_detail(client, net, role, status):
    topic = _topic(net)
    net.login(client, role)
    response = client.get(reverse("associations:reseau_topic_detail", args=[topic.pk]))
    assert response.status_code == status
    if status != 200:
        assert "Comment faites-vous" not in response.content.decode()


@matrix(**NETWORK_ONLY)
def test_topic_create(client, net, role, status):
    net.login(client, role)
    assert client.get(reverse("associations:reseau_topic_create")).status_code == status
    response = client.post(
        reverse("associations:reseau_topic_create"), {"title": "Prêt d'une expo", "body": "Qui a ?"}
    )
    assert response.status_code == (302 if status == 200 else status)


@matrix(
    anonymous=302, citizen=403, outsider_referent=403, member=302, referent=302, other_referent=302, staff=302
)
def test_topic_reply(client, net, role, status):
    topic = _topic(net)
    net.login(client, role)
    response = client.post(
        reverse("associations:reseau_topic_reply", args=[topic.pk]), {"body": "Avec plaisir."}
    )
    assert response.status_code == status
    assert Reply.objects.filter(topic=topic).exists() is (status == 302 and role != "anonymous")


@matrix(
    anonymous=200, citizen=200, outsider_referent=200, member=200, referent=200, other_referent=200, staff=200
)
def test_showcase_list_shows_only_published_actions(client, net, role, status):
    net.login(client, role)
    response = client.get(reverse("associations:showcase_list"))
    body = response.content.decode()
    assert response.status_code == status
    assert "Fête des récoltes" in body and "Chantier paillage" not in body and "Bourse aux vélos" not in body


def test_showcase_list_filters(client, net):
    theme = Theme.objects.first()
    response = client.get(reverse("associations:showcase_list"), {"commune": "elbeuf"})
    assert "Fête des récoltes" not in response.content.decode()
    response = client.get(reverse("associations:showcase_list"), {"commune": "rouen", "theme": theme.slug})
    assert "Fête des récoltes" in response.content.decode()


@matrix(
    anonymous=200, citizen=200, outsider_referent=200, member=200, referent=200, other_referent=200, staff=200
)
def test_published_detail(client, net, role, status):
    net.login(client, role)
    response = client.get(net.published.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == status
    assert ("Modifier" in body) is (role == "referent")
    assert ("Signaler" in body) is (role in ("citizen", "outsider_referent", "other_referent", "staff"))


@matrix(
    anonymous=404, citizen=404, outsider_referent=404, member=200, referent=200, other_referent=404, staff=200
)
def test_pending_detail(client, net, role, status):
    net.login(client, role)
    assert client.get(net.pending.get_absolute_url()).status_code == status


@matrix(
    anonymous=302, citizen=403, outsider_referent=403, member=403, referent=200, other_referent=200, staff=403
)
def test_showcase_create_page(client, net, role, status):
    net.login(client, role)
    assert client.get(reverse("associations:showcase_create")).status_code == status


def test_a_referent_posts_with_a_photo(client, net):
    net.login(client, "referent")
    theme = Theme.objects.first()
    response = client.post(
        reverse("associations:showcase_create"),
        {
            "organisation": net.association.pk,
            "title": "Troc de plants",
            "text": "Deux cents plants échangés au jardin.",
            "themes": [theme.pk],
            "commune": commune("darnetal").pk,
            "public_category": "familles",
            "headcount": "80",
            "photos": [image_upload()],
        },
    )
    action = ShowcaseAction.objects.get(title="Troc de plants")
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert action.status == ShowcaseStatus.PENDING and action.organisation == net.association
    assert action.photos.count() == 1 and action.commune.slug == "darnetal"


@pytest.mark.parametrize("headcount", ["0", "100001", "beaucoup"])
def test_headcount_is_bounded(client, net, headcount):
    net.login(client, "referent")
    response = client.post(
        reverse("associations:showcase_create"),
        {
            "organisation": net.association.pk,
            "title": "T",
            "text": "T",
            "commune": commune().pk,
            "public_category": "familles",
            "headcount": headcount,
        },
    )
    assert response.status_code == 200 and "<title>Erreur : " in response.content.decode()
    assert not ShowcaseAction.objects.filter(title="T").exists()


def test_a_referent_cannot_post_for_another_association(client, net):
    net.login(client, "referent")
    response = client.post(
        reverse("associations:showcase_create"),
        {
            "organisation": net.other.pk,
            "title": "T",
            "text": "T",
            "commune": commune().pk,
            "public_category": "familles",
        },
    )
    assert response.status_code == 200
    assert not ShowcaseAction.objects.filter(title="T").exists()


@matrix(**OWN_ONLY)
def test_edit(client, net, role, status):
    net.login(client, role)
    url = reverse("associations:showcase_edit", args=[net.published.pk])
    assert client.get(url).status_code == status
    response = client.post(
        url,
        {
            "title": "Fête des récoltes d'automne",
            "text": "Cent habitants.",
            "commune": commune().pk,
            "public_category": "familles",
        },
    )
    net.published.refresh_from_db()
    if status == 200:
        assert response.status_code == 302
        assert net.published.status == ShowcaseStatus.PENDING
    else:
        assert response.status_code == status
        assert net.published.title == "Fête des récoltes"


@matrix(**OWN_ONLY)
def test_withdraw(client, net, role, status):
    net.login(client, role)
    url = reverse("associations:showcase_withdraw", args=[net.pending.pk])
    assert client.get(url).status_code == status
    response = client.post(url)
    net.pending.refresh_from_db()
    assert response.status_code == (302 if status == 200 else status)
    assert (net.pending.status == ShowcaseStatus.WITHDRAWN) is (status == 200)


def test_another_associations_post_is_a_404_for_a_referent(client, net):
    net.login(client, "referent")
    for name in ("showcase_detail", "showcase_edit", "showcase_withdraw"):
        assert client.get(reverse(f"associations:{name}", args=[net.other_pending.pk])).status_code == 404


@matrix(
    anonymous=302, citizen=200, outsider_referent=200, member=200, referent=200, other_referent=200, staff=200
)
def test_report(client, net, role, status):
    net.login(client, role)
    url = reverse("associations:showcase_report", args=[net.published.pk])
    assert client.get(url).status_code == status
    assert client.get(reverse("associations:showcase_report", args=[net.pending.pk])).status_code == (
        302 if role == "anonymous" else 404
    )
    response = client.post(url, {"reason": "Publicité déguisée"})
    reported = net.published.reports.exists()
    if role in ("citizen", "outsider_referent", "other_referent", "staff"):
        assert response.status_code == 302 and reported
    elif role == "anonymous":
        assert response.status_code == 302 and not reported
    else:  # the association's own people: refused with the reason
        assert response.status_code == 200 and not reported
        assert "votre association" in response.content.decode()


@pytest.mark.parametrize("role", ["referent", "member", "other_referent"])
def test_my_space_lists_the_associations_posts_under_review(client, net, role):
    net.login(client, role)
    body = client.get(reverse("my_space")).content.decode()
    assert ("Chantier paillage" in body) is (role == "referent")
    assert ("Bourse aux vélos" in body) is (role == "other_referent")
    assert "Fête des récoltes" not in body  # published: nothing to do
