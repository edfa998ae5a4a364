"""Builtins of the portal's template engine (settings.TEMPLATES, "builtins"): loaded after
Django's own, so a tag here replaces Django's of the same name in every template, the
third-party ones included, without a `{% load %}`.

`{% url %}`: Django's tag (same syntax, same output, same errors), whose URLs are reversed
once per process (pacte.urls_cache.reversed_url).
"""

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from ..urls_cache import key_values, reversed_url

register = template.Library()

_UNSET = object()


class CachedURLNode(defaulttags.URLNode):
    def render(self, context):
        view_name = self.view_name.resolve(context)
        args = key_values(arg.resolve(context) for arg in self.args)
        names = sorted(self.kwargs)
        values = key_values(self.kwargs[name].resolve(context) for name in names)
        if not isinstance(view_name, str) or args is None or values is None:
            return super().render(context)  # reversed afresh, as Django does
        # The namespace Django's tag resolves against: the request's current_app when it has
        # one (even None), else the namespace of the view being served.
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", _UNSET)
        if current_app is _UNSET:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        try:
            url = reversed_url(str(view_name), args, tuple(zip(names, values, strict=True)), current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}` (parsed by Django), rendered by `CachedURLNode`."""
    node = defaulttags.url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
