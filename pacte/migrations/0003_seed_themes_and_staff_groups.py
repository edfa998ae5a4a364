"""The PACTE behaviour themes and the staff groups of docs/architecture.md."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

THEMES = [
    ("Alimentation", "alimentation", "Manger local, de saison, moins gaspiller."),
    ("Mobilité", "mobilite", "Marche, vélo, transports en commun, covoiturage."),
    ("Énergie et habitat", "energie-habitat", "Sobriété, rénovation, confort d'été et d'hiver."),
    ("Consommation et déchets", "consommation-dechets", "Réemploi, réparation, compostage, zéro déchet."),
    ("Biodiversité", "biodiversite", "Jardiner au naturel, haies, mares, refuges pour la faune."),
    ("Eau", "eau", "Économiser et récupérer l'eau, protéger la ressource."),
    (
        "Santé et environnement",
        "sante-environnement",
        "Qualité de l'air, alimentation saine, nature en ville.",
    ),
    ("Solidarité et lien social", "solidarite", "Une transition juste et partagée par toutes et tous."),
]

GROUPS = {
    "DACTE administration": "all",
    "Instruction des subventions": ["view_organisation", "view_membership", "view_privatedocument"],
    "Gestion de l'Atelier": ["view_organisation", "view_event", "add_event", "change_event"],
    "Édition de la lettre": ["view_theme"],
    "Lecture des indicateurs": ["view_event", "view_registration", "view_organisation", "view_commune"],
}


def seed(apps, schema_editor):
    Theme = apps.get_model("pacte", "Theme")
    for position, (name, slug, description) in enumerate(THEMES):
        Theme.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )

    # Permissions are normally created after migrate; create them now to attach them to groups.
    pacte_config = apps.get_app_config("pacte")
    pacte_config.models_module = True
    create_permissions(pacte_config, apps=apps, verbosity=0)
    pacte_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    pacte_perms = Permission.objects.filter(content_type__app_label="pacte")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = pacte_perms if codenames == "all" else pacte_perms.filter(codename__in=codenames)
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("pacte", "0002_load_communes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
