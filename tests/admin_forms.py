"""Helpers for tests that post admin forms as an agent would: the data of the form as rendered
(main form and inlines), with the fields the test changes."""

from django.test import Client

from pacte.cache import CACHE_HEADER


def _field_value(bound_field):
    from django import forms

    value = bound_field.value()
    if isinstance(bound_field.field, forms.NullBooleanField):
        return {True: "true", False: "false"}.get(value, "unknown")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [getattr(v, "pk", v) for v in value]
    return getattr(value, "pk", value)


def _split_datetime(data, name, value):
    # The admin's SplitDateTimeWidget posts a date and a time.
    from django.utils import timezone

    local = timezone.localtime(value)
    data[f"{name}_0"] = local.strftime("%d/%m/%Y")
    data[f"{name}_1"] = local.strftime("%H:%M:%S.%f")


def form_data(response, **changes) -> dict:
    """POST data reproducing the admin change/add form of `response` (a GET), then `changes`.

    Date-times are posted as the admin's split widgets; `None` in `changes` clears a field. Inline
    rows are named as Django names them (`<prefix>-<n>-<field>`), so a change to an inline row is
    `changes={"memberships-0-role": "referent"}` (pass them as a dict through `**`).
    """
    from datetime import datetime

    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = _field_value(form[name])
        raw = form[name].value()
        if isinstance(raw, datetime):
            _split_datetime(data, name, raw)
        elif value not in ("", [], None):
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for row in formset.forms:
            for name in row.fields:
                value = _field_value(row[name])
                if value not in ("", [], None):
                    data[row.add_prefix(name)] = value
    for name, value in changes.items():
        if isinstance(value, datetime):
            _split_datetime(data, name, value)
        elif value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def anonymous_page(url):
    """What a visitor without a session gets, with whether it came from the page cache."""
    response = Client().get(url)
    return response, response.get(CACHE_HEADER)


def warm(url) -> str:
    """Put the anonymous page in the cache (and check it is served from there), so that a later
    assertion proves the invalidation rather than a first render."""
    anonymous_page(url)
    response, cache_state = anonymous_page(url)
    assert cache_state == "hit", f"{url} is not served from the page cache"
    return response.content.decode()
