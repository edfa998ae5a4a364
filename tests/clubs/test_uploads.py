"""Photos of a practice go through pacte.images.process_image: bad files get a French message next
to the field, nothing typed is lost, and no EXIF (GPS position) survives."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from clubs.models import Practice, PracticePhoto
from tests.clubs.factories import ClubFactory, gps_exif, image_upload, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def club():
    return ClubFactory()


@pytest.fixture
def author_client(client, club):
    client.force_login(member(club))
    return client


def _post(client, club, photos, **extra):
    data = {"title": "Mon composteur", "text": "Trois bacs en palettes.", "photos": photos, **extra}
    return client.post(reverse("clubs:practice_create", args=[club.slug]), data)


def _field_errors(body):
    import re

    block = re.search(r'id="id_photos_error">(.*?)</div>', body, re.S)
    return re.findall(r"<p>([^<]*)</p>", block.group(1)) if block else []


def test_valid_photos_are_stored_with_thumbnails(author_client, club):
    response = _post(
        author_client, club, [image_upload("a.jpg", size=(3000, 2000)), image_upload("b.png", fmt="PNG")]
    )
    practice = Practice.objects.get()
    assert response.status_code == 302 and response.url == practice.get_absolute_url()
    photos = list(practice.photos.all())
    assert len(photos) == 2
    assert max(photos[0].width, photos[0].height) == 2000  # downsized by process_image
    assert photos[0].thumbnail.name.endswith("-vignette.jpg")
    page = author_client.get(practice.get_absolute_url()).content.decode()
    assert photos[0].thumbnail.url in page and 'alt="Photo 1 de la pratique' in page


def test_non_image_is_refused_next_to_the_field_and_text_kept(author_client, club):
    fake = SimpleUploadedFile("facture.pdf", b"%PDF-1.4 pas une image", content_type="image/jpeg")
    response = _post(author_client, club, [fake])
    body = response.content.decode()
    assert response.status_code == 200
    assert _field_errors(body) == [
        "facture.pdf : Ce fichier n&#x27;est pas une image lisible (formats acceptés : JPEG, PNG, WebP, GIF)."
    ]
    assert "Mon composteur" in body and "Trois bacs en palettes." in body
    assert not Practice.objects.exists()


def test_huge_image_in_pixels_is_refused(author_client, club):
    out = io.BytesIO()
    Image.new("1", (7000, 6000)).save(out, "PNG")  # 42 million pixels, a few kilobytes
    huge = SimpleUploadedFile("panorama.png", out.getvalue(), content_type="image/png")
    body = _post(author_client, club, [huge]).content.decode()
    assert _field_errors(body) == [
        "panorama.png : L&#x27;image est trop grande (7000 × 6000 pixels) : 25 millions de pixels au plus."
    ]
    assert not Practice.objects.exists()


def test_too_heavy_image_is_refused(author_client, club, settings):
    settings.PACTE_IMAGE_MAX_BYTES = 1024 * 1024
    out = io.BytesIO()
    Image.frombytes("RGB", (1200, 1200), bytes(range(256)) * (1200 * 1200 * 3 // 256)).save(out, "PNG")
    heavy = SimpleUploadedFile("lourde.png", out.getvalue() + b"\0" * (1024 * 1024), content_type="image/png")
    body = _post(author_client, club, [heavy]).content.decode()
    assert _field_errors(body) == ["lourde.png : L&#x27;image pèse plus de 1 Mo."]


def test_gps_exif_is_removed(author_client, club):
    upload = image_upload("jardin.jpg", size=(800, 600), exif=gps_exif())
    assert b"PhoneMaker" in upload.read()
    upload.seek(0)
    _post(author_client, club, [upload])
    photo = PracticePhoto.objects.get()
    for stored in (photo.image, photo.thumbnail):
        stored.open("rb")
        data = stored.read()
        stored.close()
        assert b"PhoneMaker" not in data and b"Exif" not in data
        with Image.open(io.BytesIO(data)) as img:
            exif = img.getexif()
            assert not exif and not exif.get_ifd(0x8825)


def test_more_than_six_photos_refused(author_client, club):
    body = _post(author_client, club, [image_upload(f"p{i}.jpg") for i in range(7)]).content.decode()
    assert _field_errors(body) == ["6 photos au plus : vous en avez choisi 7."]
    assert not Practice.objects.exists()


def test_one_bad_photo_among_good_ones_saves_nothing(author_client, club):
    bad = SimpleUploadedFile("notes.txt", b"bonjour", content_type="text/plain")
    body = _post(author_client, club, [image_upload("ok.jpg"), bad]).content.decode()
    assert len(_field_errors(body)) == 1 and "notes.txt" in _field_errors(body)[0]
    assert not PracticePhoto.objects.exists()


def test_missing_title_keeps_text_and_asks_again_for_photos(author_client, club):
    body = _post(author_client, club, [image_upload()], title="").content.decode()
    assert "Ce champ est obligatoire." in body and "Trois bacs en palettes." in body
    assert "choisissez-les de nouveau" in body


def test_practice_without_photo(author_client, club):
    assert _post(author_client, club, []).status_code == 302
    assert Practice.objects.get().photos.count() == 0
