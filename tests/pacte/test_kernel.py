import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pacte.images import process_image
from pacte.models import Commune, Organisation
from pacte.validators import validate_siret

pytestmark = pytest.mark.django_db


def test_the_71_communes_are_loaded_with_outlines():
    assert Commune.objects.count() == 71
    rouen = Commune.objects.get(insee_code="76540")
    assert rouen.name == "Rouen" and rouen.postal_code_list == ["76000", "76100"]
    assert Commune.objects.filter(outline__isnull=True).count() == 0
    assert rouen.outline.geometry["type"] in {"Polygon", "MultiPolygon"}
    assert Commune.objects.get(insee_code="76484").name == "Oissel-sur-Seine"


@pytest.mark.parametrize("value", ["73282932000074", "35600000000010"])
def test_valid_siret(value):
    validate_siret(value)


@pytest.mark.parametrize("value", ["7328293200007", "73282932000075", "abcdefghijklmn"])
def test_invalid_siret(value):
    with pytest.raises(ValidationError):
        validate_siret(value)


def test_rna_format_checked():
    org = Organisation(kind="association", name="Test", slug="test", rna="W12345")
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "W suivi de 9 chiffres" in str(error.value)


def _jpeg_with_gps(size=(800, 600)) -> bytes:
    img = Image.new("RGB", size, (30, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "Appareil de test"  # Make
    exif[0x8825] = {1: "N", 2: (49.0, 26.0, 0.0), 3: "E", 4: (1.0, 5.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_image_reencoded_without_exif_and_gps():
    raw = _jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)
    result = process_image(SimpleUploadedFile("jardin.jpg", raw, content_type="image/jpeg"))
    clean = Image.open(io.BytesIO(result.image.read()))
    assert not clean.getexif()
    assert not clean.getexif().get_ifd(0x8825)
    thumb = Image.open(io.BytesIO(result.thumbnail.read()))
    assert max(thumb.size) <= 480


def test_non_image_refused():
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 pas une image", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="pas une image"):
        process_image(fake)


def test_huge_image_refused_before_decoding():
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, "PNG")
    with pytest.raises(ValidationError, match="trop grande"):
        process_image(SimpleUploadedFile("immense.png", out.getvalue(), content_type="image/png"))


def test_heavy_file_refused(settings):
    settings.PACTE_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="pèse plus"):
        process_image(SimpleUploadedFile("lourde.jpg", _jpeg_with_gps(), content_type="image/jpeg"))
