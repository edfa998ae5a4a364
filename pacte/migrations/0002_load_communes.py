"""Load the 71 communes of the Métropole from the files committed in pacte/data (see its README)."""

import csv
import json
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Commune = apps.get_model("pacte", "Commune")
    with open(DATA / "metropole_rouen_communes.geojson", encoding="utf-8") as handle:
        outlines = {f["properties"]["insee_code"]: f["geometry"] for f in json.load(handle)["features"]}
    with open(DATA / "metropole_rouen_communes.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            Commune.objects.update_or_create(
                insee_code=row["insee_code"],
                defaults={
                    "name": row["name"],
                    "slug": slugify(row["name"]),
                    "postal_codes": row["postal_codes"],
                    "population": int(row["population"]),
                    "latitude": row["latitude"],
                    "longitude": row["longitude"],
                    "outline": outlines.get(row["insee_code"]),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("pacte", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
