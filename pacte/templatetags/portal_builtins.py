"""Builtins of the portal's template engine (settings.TEMPLATES, "builtins"): loaded after
Django's own, so a tag here replaces Django's of the same name in every template, the
third-party ones included, without a `{% load %}`.

- `{% url %}`: Django's tag (same syntax, same output, same errors), whose URLs are reversed
  once per process (pacte.urls_cache.reversed_url);
- `{% extends %}`: Django's tag, which finds the blocks of the root layout once per compiled
  template instead of walking its whole node tree on every page (8 % of a signed-in page's
  CPU under load, seen with py-spy on the bench).
"""

from django import template
from django.template import defaulttags, loader_tags
from django.template.base import TextNode
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


def _root_blocks(template) -> dict | None:
    """{name: BlockNode} of `template` when it is the root of the chain (extends nothing), else
    None; kept on the compiled template (the cached loader keeps one per file)."""
    try:
        return template._pacte_root_blocks
    except AttributeError:
        pass
    blocks = None
    for node in template.nodelist:
        if not isinstance(node, TextNode):  # the first tag: {% extends %} or not
            if not isinstance(node, loader_tags.ExtendsNode):
                blocks = {
                    block.name: block for block in template.nodelist.get_nodes_by_type(loader_tags.BlockNode)
                }
            break
    template._pacte_root_blocks = blocks
    return blocks


class CachedExtendsNode(loader_tags.ExtendsNode):
    def render(self, context):
        # Django's ExtendsNode.render, with the root's blocks found once (_root_blocks).
        parent = self.get_parent(context)
        block_context = context.render_context.get(loader_tags.BLOCK_CONTEXT_KEY)
        if block_context is None:
            block_context = context.render_context[loader_tags.BLOCK_CONTEXT_KEY] = loader_tags.BlockContext()
        block_context.add_blocks(self.blocks)
        blocks = _root_blocks(parent)
        if blocks is not None:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(parent, isolated_context=False):
            return parent._render(context)


@register.tag
def extends(parser, token):
    """Django's `{% extends %}` (parsed by Django), rendered by `CachedExtendsNode`."""
    node = loader_tags.do_extends(parser, token)
    return CachedExtendsNode(node.nodelist, node.parent_name, node.blocks)
