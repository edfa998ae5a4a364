"""The relais network's roles (issue 12's permission matrix) and showcase posts in each state."""

from dataclasses import dataclass

import pytest

from associations.enums import TargetPublic
from associations.reseau.services import showcase_create, showcase_publish
from pacte.images import process_image
from pacte.models import Theme
from tests.associations.factories import labelled_association, referent
from tests.clubs.factories import image_upload
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, commune

ROLES = ["anonymous", "citizen", "outsider_referent", "member", "referent", "other_referent", "staff"]


def post(organisation, author, *, title="Atelier réparation de vélos", photos=0, publish_by=None, **values):
    """A showcase action through the service, published when `publish_by` (staff) is given."""
    fields = {
        "text": "Douze vélos réparés avec les habitants du quartier.",
        "commune": commune("rouen"),
        "public_category": TargetPublic.GENERAL,
        "headcount": 30,
        "themes": list(Theme.objects.all()[:1]),
        **values,
    }
    action = showcase_create(
        organisation=organisation,
        author=author,
        title=title,
        photos=[process_image(image_upload()) for _ in range(photos)],
        by=author,
        **fields,
    )
    if publish_by is not None:
        action = showcase_publish(action=action, by=publish_by)
    return action


@dataclass
class Network:
    association: object
    other: object
    outsider: object
    people: dict
    published: object
    pending: object
    other_pending: object

    def login(self, client, role):
        client.logout()
        person = self.people[role]
        if person is not None:
            client.force_login(person)
        return person


@pytest.fixture
def net(db):
    association = labelled_association(name="Les Jardins du Mont", slug="jardins-du-mont")
    other = labelled_association(name="Vélo Partage", slug="velo-partage")
    outsider = OrganisationFactory(name="Amis du Parc", slug="amis-du-parc")
    staff = UserFactory(staff=True)
    lead, other_lead = referent(association), referent(other)
    people = {
        "anonymous": None,
        "citizen": UserFactory(),
        "outsider_referent": referent(outsider),
        "member": MembershipFactory(organisation=association).user,
        "referent": lead,
        "other_referent": other_lead,
        "staff": staff,
    }
    published = post(association, lead, title="Fête des récoltes", publish_by=staff)
    pending = post(association, lead, title="Chantier paillage")
    other_pending = post(other, other_lead, title="Bourse aux vélos")
    return Network(association, other, outsider, people, published, pending, other_pending)


def matrix(**expected):
    assert set(expected) == set(ROLES)
    return pytest.mark.parametrize("role,status", list(expected.items()))
