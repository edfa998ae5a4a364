"""The one way images enter the portal: checked by content, re-encoded without metadata.

Garden photos carry GPS positions in their EXIF; re-encoding from pixels drops every metadata
block, so nothing but the picture is kept.
"""

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}

MAX_SIDE = 2000
THUMB_SIZE = (480, 480)


@dataclass
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int
    # Pixels of the picture as uploaded (what decoding it cost).
    source_pixels: int = 0


def _encode(img: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
    else:
        img.save(out, "PNG", optimize=True)
    return out.getvalue()


def check_dimensions(width: int, height: int, *, max_pixels=None, max_side=None, max_ratio=None) -> None:
    """Refuse, from the header's dimensions alone, what would be too costly to decode for the
    portal's uses: a side longer than PACTE_IMAGE_MAX_SIDE, more than PACTE_IMAGE_MAX_PIXELS, or
    a shape more elongated than PACTE_IMAGE_MAX_RATIO (a 1 × 39,000,000 PNG of 75 KB took seconds
    and gigabytes to decode)."""
    max_pixels = max_pixels or settings.PACTE_IMAGE_MAX_PIXELS
    max_side = max_side or settings.PACTE_IMAGE_MAX_SIDE
    max_ratio = max_ratio or settings.PACTE_IMAGE_MAX_RATIO
    if width < 1 or height < 1:
        raise ValidationError("Cette image est vide.", code="image_broken")
    if width > max_side or height > max_side:
        raise ValidationError(
            f"L'image est trop grande ({width} × {height} pixels) : {max_side} pixels au plus de côté.",
            code="image_too_large",
        )
    if width * height > max_pixels:
        raise ValidationError(
            f"L'image est trop grande ({width} × {height} pixels) : "
            f"{max_pixels // 1_000_000} millions de pixels au plus.",
            code="image_too_many_pixels",
        )
    if max(width, height) > max_ratio * min(width, height):
        raise ValidationError(
            f"L'image est trop allongée ({width} × {height} pixels) : un côté fait au plus "
            f"{max_ratio} fois l'autre.",
            code="image_too_elongated",
        )


def process_image(uploaded, *, max_bytes=None, max_pixels=None) -> ProcessedImage:
    """Validate `uploaded` (a file object) and return clean image + thumbnail files.

    Raises ValidationError with a French message when the file is not an image we accept,
    too heavy, or too large in pixels (check_dimensions, before any pixel is decoded).
    `max_pixels` lowers the limit, for a form that shares a budget between several photos.
    """
    max_bytes = max_bytes or settings.PACTE_IMAGE_MAX_BYTES
    max_pixels = min(max_pixels or settings.PACTE_IMAGE_MAX_PIXELS, settings.PACTE_IMAGE_MAX_PIXELS)
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            f"L'image pèse plus de {max_bytes // (1024 * 1024)} Mo.", code="image_too_heavy"
        )
    uploaded.seek(0)
    try:
        # Reading the header only: a decompression bomb is refused before its pixels are decoded.
        with Image.open(uploaded) as probe:
            fmt = probe.format
            width, height = probe.size
    except Image.DecompressionBombError:  # Pillow's own guard, far past ours
        raise ValidationError("L'image est trop grande.", code="image_too_large") from None
    except (UnidentifiedImageError, OSError):
        raise ValidationError(
            "Ce fichier n'est pas une image lisible (formats acceptés : JPEG, PNG, WebP, GIF).",
            code="not_an_image",
        ) from None
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError(
            "Format d'image non accepté (formats acceptés : JPEG, PNG, WebP, GIF).",
            code="image_format",
        )
    check_dimensions(width, height, max_pixels=max_pixels)
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as img:
            # JPEG decodes straight at a reduced scale when the picture is larger than kept.
            img.draft("RGB", (MAX_SIDE, MAX_SIDE))
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the orientation the EXIF asked for
            has_alpha = img.mode in ("RGBA", "LA", "P") and fmt != "JPEG"
            out_fmt = "PNG" if has_alpha else "JPEG"
            img = img.convert("RGBA" if has_alpha else "RGB")
            # A fresh image from the pixels alone: no EXIF, XMP, ICC or GPS survives.
            clean = Image.new(img.mode, img.size)
            clean.paste(img)
            clean.thumbnail((MAX_SIDE, MAX_SIDE))
            thumb = clean.copy()
            thumb.thumbnail(THUMB_SIZE)
    except (OSError, Image.DecompressionBombError, ValueError):
        raise ValidationError(
            "Cette image est endommagée et ne peut être lue.", code="image_broken"
        ) from None
    ext = "png" if out_fmt == "PNG" else "jpg"
    stem = uuid.uuid4().hex
    return ProcessedImage(
        image=ContentFile(_encode(clean, out_fmt), name=f"{stem}.{ext}"),
        thumbnail=ContentFile(_encode(thumb, out_fmt), name=f"{stem}-vignette.{ext}"),
        width=clean.width,
        height=clean.height,
        source_pixels=width * height,
    )
