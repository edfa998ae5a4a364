from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models

from ..enums import PublicCategory


class UserManager(DjangoUserManager):
    """E-mail is the login: there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    home_commune = models.ForeignKey(
        "pacte.Commune",
        verbose_name="commune de résidence",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
        help_text="Laisser vide si vous habitez hors de la Métropole.",
    )
    category = models.CharField(
        "vous êtes", max_length=20, choices=PublicCategory.choices, default=PublicCategory.HABITANT
    )
    # Set when the person deleted their account: identity is gone, participation stays counted.
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = "personne"
        verbose_name_plural = "personnes"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.display_name

    @property
    def audit_label(self) -> str:
        """Who acted, as the change journal shows it: a deleted account keeps a pseudonym (its
        number), so decisions stay attributable and two deleted accounts stay apart."""
        if self.anonymised_at:
            return f"Compte supprimé n° {self.pk}"
        return f"{self.display_name} <{self.email}>"

    @property
    def display_name(self) -> str:
        if self.anonymised_at:
            return "Compte supprimé"
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.email.split("@")[0]
