from django.core.cache import cache
from django.core.management.base import BaseCommand

from pacte.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from pacte.portal import seed_demo, seed_scale


class Command(BaseCommand):
    help = "Remplit le portail de données de démonstration (idempotent). --scale N pour un jeu de charge."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Ajoute N × (500 personnes, 20 événements, 2 000 inscriptions) et les données de charge des apps.",
        )

    def handle(self, *args, scale=0, **options):
        # Each app's declaration seeds its part, the kernel (accounts, communes' events) first.
        seed_demo(self.stdout)
        if scale:
            seed_scale(scale, self.stdout)
        cache.clear()
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        for email, *_ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email} / {DEMO_PASSWORD}")
