"""The grants as open data: the SCDL "subventions" CSV, validated against the schema's table-schema
file committed in associations/opendata/ (with the frictionless package)."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from frictionless import Resource, Schema

from associations.services import instruction
from associations.services.open_data import COLUMNS, SCHEMA_PATH, scdl_csv
from tests.associations.factories import accepted, instructor, paid, pdf

pytestmark = pytest.mark.django_db


def _validate(text: str):
    schema = Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text()))
    resource = Resource(data=text.encode(), format="csv", encoding="utf-8", schema=schema)
    return resource.validate()


def test_schema_file_has_the_fourteen_scdl_columns():
    descriptor = json.loads(SCHEMA_PATH.read_text())
    assert [field["name"] for field in descriptor["fields"]] == COLUMNS
    assert descriptor["version"] == "2.0.2" and "opendatafrance" in descriptor["homepage"]


def test_scdl_csv_is_valid_and_lists_signed_grants_only(client):
    staff = instructor()
    one = paid(staff)
    staged = accepted(staff)
    instruction.application_sign_convention(
        application=staged, signed_on=date(2030, 3, 1), uploaded=pdf(), by=staff
    )
    instruction.payment_record(application=staged, amount=Decimal("500"), paid_on=date(2030, 3, 10), by=staff)
    instruction.payment_record(
        application=staged, amount=Decimal("1500"), paid_on=date(2030, 9, 10), by=staff
    )
    unsigned = accepted(staff)  # accepted, no convention yet: not published

    response = client.get("/associations/subventions-scdl.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    report = _validate(text)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    by_name = {row["nomBeneficiaire"]: row for row in rows}
    assert unsigned.organisation.name not in by_name
    row = by_name[staged.organisation.name]
    assert row["montant"] == "2000.00" and row["conditionsVersement"] == "échelonné"
    assert row["datesPeriodeVersement"] == "2030-03-10/2030-09-10"
    assert row["idBeneficiaire"] == staged.organisation.siret and row["notificationUE"] == "non"
    assert by_name[one.organisation.name]["conditionsVersement"] == "unique"


def test_the_validation_catches_a_broken_file():
    broken = scdl_csv() + "Métropole,123,pas-une-date,,X,abc,objet,douze,aide,unique,hier,,peut-être,2\r\n"
    assert not _validate(broken).valid


def test_open_data_page_links_the_grants(client):
    body = client.get("/donnees/").content.decode()
    assert (
        "Subventions aux associations Relais COP21" in body and "/associations/subventions-scdl.csv" in body
    )
    assert "SCDL subventions 2.0.2" in body


def test_the_grantor_is_the_metropole_by_a_valid_siret():
    # SIREN 200023414 (INSEE SIRENE, DGCL) followed by a NIC; a SIRET whose Luhn key is wrong
    # (such as "20002341400016") would make every published row point at no establishment.
    from associations.services.open_data import DEFAULT_GRANTOR_SIRET, GRANTOR_NAME
    from pacte.validators import validate_siret

    assert GRANTOR_NAME == "Métropole Rouen Normandie"
    assert DEFAULT_GRANTOR_SIRET.startswith("200023414") and len(DEFAULT_GRANTOR_SIRET) == 14
    validate_siret(DEFAULT_GRANTOR_SIRET)
