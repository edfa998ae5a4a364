import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pacte.services.documents import private_document_create
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    from django.core.files.storage import storages

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    storages._storages.pop("private", None)
    yield
    storages._storages.pop("private", None)


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_document_types_checked_by_content():
    owner = UserFactory()
    pdf = private_document_create(title="RIB", uploaded=SimpleUploadedFile("rib.pdf", PDF), by=owner)
    assert pdf.content_type == "application/pdf"
    docx = private_document_create(
        title="Budget", uploaded=SimpleUploadedFile("budget.docx", _docx()), by=owner
    )
    assert docx.content_type.endswith("wordprocessingml.document")
    with pytest.raises(ValidationError, match="pas un document accepté"):
        private_document_create(
            title="Faux", uploaded=SimpleUploadedFile("faux.pdf", b"MZ\x90\x00 exe"), by=owner
        )


def _staff_in(group_name):
    from django.contrib.auth.models import Group

    user = UserFactory(staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_private_document_permission_matrix(client, settings):
    organisation = OrganisationFactory()
    referent = MembershipFactory(organisation=organisation, referent=True).user
    document = private_document_create(
        title="RIB", uploaded=SimpleUploadedFile("rib.pdf", PDF), organisation=organisation, by=referent
    )
    url = document.get_absolute_url()
    assert not url.startswith(settings.MEDIA_URL)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/comptes/login/")
    cases = [
        (UserFactory(), 404),
        (MembershipFactory(organisation=organisation).user, 404),  # a plain member
        (MembershipFactory(referent=True).user, 404),  # référent of another organisation
        (referent, 200),
        (_staff_in("Instruction des subventions"), 200),
        (_staff_in("DACTE administration"), 200),
        # Staff of another team: a subsidy file or a RIB is not theirs to read.
        (_staff_in("Gestion de l'Atelier"), 404),
        (UserFactory(staff=True), 404),
    ]
    for user, expected in cases:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF
            assert response["Cache-Control"] == "private, no-store"
