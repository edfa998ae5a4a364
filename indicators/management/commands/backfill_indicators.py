"""Fill the monthly snapshots of the past: `manage.py backfill_indicators --since 2025-01`."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from pacte.services.errors import RefusedError


def _month(value: str) -> date:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError as error:
        raise CommandError(f"Mois invalide « {value} » : attendu AAAA-MM, par exemple 2025-01.") from error


class Command(BaseCommand):
    help = (
        "Calcule les instantanés mensuels des indicateurs de chaque mois clos depuis --since. "
        "Les valeurs déjà calculées sont gardées telles quelles, sauf avec --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, type=_month, help="premier mois, AAAA-MM")
        parser.add_argument(
            "--until", type=_month, help="dernier mois, AAAA-MM (par défaut le dernier mois clos)"
        )
        parser.add_argument(
            "--force", action="store_true", help="recalculer aussi les mois déjà calculés (journalisé)"
        )

    def handle(self, *args, since, until=None, force=False, **options):
        from indicators.services import snapshots_backfill

        try:
            written = snapshots_backfill(since=since, until=until, force=force)
        except RefusedError as error:
            raise CommandError(" ".join(error.messages)) from error
        for month, rows in written.items():
            self.stdout.write(
                f"{month:%Y-%m} : {rows} valeurs enregistrées" if rows else f"{month:%Y-%m} : déjà calculé"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(written)} mois traités."))
