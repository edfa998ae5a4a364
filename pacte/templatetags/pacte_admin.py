"""Template filters of the admin's templates (templates/admin/)."""

from django import template

from ..admin_french import noun_for

register = template.Library()


@register.filter
def french_noun(opts):
    """`{% with noun=opts|french_noun %}{{ noun.definite }}`: the model's name with its article."""
    return noun_for(opts)
