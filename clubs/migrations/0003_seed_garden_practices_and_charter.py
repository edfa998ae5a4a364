"""Seed the gardeners' practice checklist and the first version of the network's charter.

Staff extend the checklist and publish new charter versions in the admin; this only creates the
starting point, and leaves alone whatever already exists.
"""

from django.db import migrations
from django.utils import timezone

PRACTICES = [
    # slug, name, description
    ("sans-pesticides", "Zéro pesticide", "Ni herbicide, ni insecticide, ni fongicide chimique."),
    (
        "sans-engrais-chimiques",
        "Aucun engrais chimique",
        "Compost, fumier et engrais verts nourrissent le sol.",
    ),
    ("compostage", "Compostage", "Déchets du jardin et de la cuisine compostés sur place."),
    ("eau-de-pluie", "Récupération de l'eau de pluie", "Une cuve ou un récupérateur pour l'arrosage."),
    (
        "arrosage-econome",
        "Arrosage économe",
        "Au pied des plantes, aux heures fraîches, goutte-à-goutte ou oyas.",
    ),
    ("paillage", "Paillage", "Le sol reste couvert : moins d'arrosage et plus de vie."),
    ("haies", "Haie champêtre", "Une haie d'essences locales variées, refuge et garde-manger."),
    (
        "abris-faune",
        "Abris pour la faune",
        "Nichoirs, hôtel à insectes, tas de bois ou de pierres, gîte à hérisson.",
    ),
    ("flore-spontanee", "Flore spontanée", "Un coin laissé libre, tonte tardive ou fauche différenciée."),
    (
        "plantes-melliferes",
        "Plantes mellifères",
        "Des fleurs pour les pollinisateurs du printemps à l'automne.",
    ),
    ("mare", "Mare ou point d'eau", "Une mare sans poissons, ou une simple coupelle d'eau pour la faune."),
    (
        "semences-locales",
        "Semences locales",
        "Variétés locales et graines reproductibles, échangées ou récoltées au jardin.",
    ),
]

CHARTER_TITLE = "Charte des jardiniers de la nature"
CHARTER_TEXT = """En inscrivant mon jardin au réseau des jardiniers de la nature de la Métropole Rouen Normandie, je m'engage, à la mesure de mon jardin et de mes moyens, à :

1. Jardiner sans produits chimiques de synthèse. Je n'utilise ni herbicide, ni insecticide, ni fongicide de synthèse, ni engrais chimique. Je nourris le sol avec du compost, du fumier ou des engrais verts, et je soigne mes plantes par la prévention, les associations de cultures et les auxiliaires du jardin.

2. Préserver l'eau. Je récupère l'eau de pluie quand je le peux, j'arrose au pied des plantes et aux heures fraîches, je paille le sol et je choisis des plantes adaptées à notre climat.

3. Accueillir la faune et la flore sauvages. Je laisse une place à la flore spontanée, je plante des haies d'essences locales et des fleurs pour les pollinisateurs, et j'offre des abris aux oiseaux, aux insectes, aux hérissons et aux amphibiens : tas de bois, nichoirs, point d'eau.

4. Prendre soin du sol. Je composte les déchets du jardin et de la cuisine, je travaille le sol sans le retourner en profondeur et je le garde couvert.

5. Cultiver la diversité. Je privilégie les variétés locales et les semences reproductibles, et je les échange volontiers avec les autres jardiniers.

6. Partager mes savoirs. Je partage mes réussites comme mes échecs avec le réseau, je participe aux rencontres et j'ouvre mon jardin quand je le peux, et je réponds aux questions de celles et ceux qui débutent.

7. Faire vivre le réseau. Je mets à jour la liste des pratiques de mon jardin quand elles changent, pour que le réseau puisse mesurer le chemin parcouru ensemble.

Cette charte est un engagement volontaire, fondé sur la confiance : elle ne donne lieu à aucun contrôle. Le réseau ne publie jamais l'adresse d'un jardin : seule sa commune apparaît, dans des chiffres d'ensemble."""


def seed(apps, schema_editor):
    GardenPractice = apps.get_model("clubs", "GardenPractice")
    Charter = apps.get_model("clubs", "Charter")
    for position, (slug, name, description) in enumerate(PRACTICES, start=1):
        GardenPractice.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position * 10}
        )
    if not Charter.objects.exists():
        Charter.objects.create(version=1, title=CHARTER_TITLE, text=CHARTER_TEXT, published_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("clubs", "0002_jardiniers_de_la_nature")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
