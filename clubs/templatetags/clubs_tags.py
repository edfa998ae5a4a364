from django import template

register = template.Library()


@register.filter
def fr_plural(value, suffixes="s"):
    """French plural: singular for 0 and 1 ("0 membre", "1 membre", "2 membres").

    `suffixes` is "plural" or "singular,plural", like Django's pluralize.
    """
    singular, _, plural = suffixes.rpartition(",")
    try:
        count = abs(int(value))
    except (TypeError, ValueError):
        return singular
    return plural if count >= 2 else singular
