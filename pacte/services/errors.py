from django.core.exceptions import ValidationError


class RefusedError(ValidationError):
    """A write or state change refused for a reason the person can read (in French)."""
