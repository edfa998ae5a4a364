from dataclasses import dataclass

import pytest

from tests.associations.factories import labelled_association, referent
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .factories import LoanFactory, ToolCopyFactory, ToolFactory, ToolFileFactory

# The roles of the permission matrix.
ROLES = ["anonymous", "citizen", "unlabelled_referent", "member", "referent", "holder", "staff"]


@dataclass
class World:
    owner: object  # labelled association that owns `tool` (its referent is "holder")
    borrower: object  # labelled association of "referent" and "member"
    other: object  # a third labelled association, owning `other_tool`
    tool: object
    copy: object
    public_file: object
    network_file: object
    loan: object  # a request of `borrower` for `copy`, waiting for the owner
    other_tool: object
    metropole_tool: object
    people: dict

    def login(self, client, role):
        client.logout()
        if self.people[role] is not None:
            client.force_login(self.people[role])
        return self.people[role]


@pytest.fixture
def world(db):
    owner = labelled_association(name="Les Jardins du Mont", slug="jardins-du-mont")
    borrower = labelled_association(name="Vélo Partage", slug="velo-partage")
    other = labelled_association(name="Seine Propre", slug="seine-propre")
    unlabelled = OrganisationFactory(kind="association", name="Amis du Parc", slug="amis-du-parc")
    lead = referent(borrower)
    people = {
        "anonymous": None,
        "citizen": UserFactory(),
        "unlabelled_referent": referent(unlabelled),
        "member": MembershipFactory(organisation=borrower).user,
        "referent": lead,
        "holder": referent(owner),
        "staff": UserFactory(staff=True),
    }
    tool = ToolFactory(owner=owner, title="Le grand jeu de l'oie du climat")
    copy = ToolCopyFactory(tool=tool)
    public_file = ToolFileFactory(tool=tool, title="Règle du jeu", is_public=True)
    network_file = ToolFileFactory(tool=tool, title="Cartes à imprimer", is_public=False)
    loan = LoanFactory(copy=copy, borrower=borrower, requested_by=lead)
    other_tool = ToolFactory(owner=other, title="Malle compost")
    ToolCopyFactory(tool=other_tool)
    metropole_tool = ToolFactory(owner=None, title="Exposition La Seine")
    ToolCopyFactory(tool=metropole_tool, label="Jeu 1")
    return World(
        owner,
        borrower,
        other,
        tool,
        copy,
        public_file,
        network_file,
        loan,
        other_tool,
        metropole_tool,
        people,
    )


def matrix(**expected):
    assert set(expected) == set(ROLES)
    return pytest.mark.parametrize("role,status", list(expected.items()))
