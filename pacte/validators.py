from django.core.exceptions import ValidationError


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    """A SIRET has 14 digits and passes the Luhn check (La Poste's 356000000 series excepted)."""
    digits = value.replace(" ", "")
    if not digits.isdigit() or len(digits) != 14:
        raise ValidationError("Le SIRET compte 14 chiffres.", code="siret_length")
    # La Poste's establishments use a sum-of-digits rule instead of Luhn.
    if digits.startswith("356000000"):
        if sum(int(c) for c in digits) % 5:
            raise ValidationError("Ce numéro SIRET n'est pas valide.", code="siret_checksum")
        return
    if not luhn_ok(digits):
        raise ValidationError(
            "Ce numéro SIRET n'est pas valide (clé de contrôle incorrecte).", code="siret_checksum"
        )
