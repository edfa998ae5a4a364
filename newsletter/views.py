"""Public pages of the letter: subscription, archive, experience sheets; and the personal pages
reached by a signed link (confirmation, preferences, unsubscription)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import truncatewords
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.cache import anonymous_page_cache, lazy_context, public_context
from pacte.client_ip import client_ip
from pacte.htmx import wants_fragment
from pacte.permissions import acts_as_staff
from pacte.services.errors import RefusedError
from pacte.views.helpers import filtered_list

from .enums import SubscriberStatus
from .filters import SheetFilter
from .forms import PreferencesForm, SubscribeForm
from .models import ExperienceSheet, Issue, subscription_status
from .rendering import CO_FUNDING, issue_context
from .services import (
    CONSENT_TEXT,
    read_confirm_token,
    read_personal_token,
    subscriber_confirm,
    subscriber_subscribe,
    subscriber_subscribe_account,
    subscriber_unsubscribe,
    subscriber_update_preferences,
)

# The letter's pages show its own content and the kernel's (agenda events, themes, communes).
AREAS = ("agenda", "newsletter")


# Anonymous subscription requests per visitor's address and hour: the per-address limit of the
# service stops flooding one mailbox; this one stops a script from trying thousands of addresses.
SUBSCRIPTIONS_PER_IP_AND_HOUR = 20


def _over_ip_limit(request) -> bool:
    ip = client_ip(request)
    if not ip:
        return False
    key = f"newsletter:subscribe-ip:{ip}"
    try:
        cache.add(key, 0, 3600)
        return cache.incr(key) > SUBSCRIPTIONS_PER_IP_AND_HOUR
    except Exception:  # noqa: BLE001 — a cache outage must not block subscriptions
        return False


def _refusal_to_form(form, error: RefusedError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_not_required
# No CSRF token on the subscription form, so that the page can be cached for every visitor: a
# forged post can only make us send a confirmation link (at most one per quarter hour and address),
# and nothing is sent to the address until its owner follows it (double opt-in).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@anonymous_page_cache(600, areas=AREAS)
def home(request):
    """The letter's page: what it is, the subscription form, and the archive of sent issues."""
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid() and _over_ip_limit(request):
            form.add_error(
                None, "Trop de demandes d'abonnement depuis votre connexion : réessayez dans une heure."
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                subscriber_subscribe(
                    email=data["email"],
                    name=data["name"],
                    structure=data["structure"],
                    role=data["role"],
                    commune=data["commune"],
                    themes=data["themes"],
                    by=request.user,
                )
            except RefusedError as error:
                _refusal_to_form(form, error)
            else:
                return redirect("newsletter:thanks")
    else:
        # The empty form (its lists of communes and themes are queries) is built only when its
        # public fragment misses.
        form = SimpleLazyObject(SubscribeForm)
    user = request.user
    # The person's own state, outside the fragments; one compiled statement (no ORM build).
    subscribed = user.is_authenticated and subscription_status(user.email) == SubscriberStatus.ACTIVE
    subscribed_email = user.email.strip().lower() if subscribed else ""
    return render(
        request,
        "newsletter/home.html",
        {
            "form": form,
            "form_errors": request.method == "POST" and bool(form.errors),
            **lazy_context(_home_public, ["issues", "sheets"]),
            "subscribed_email": subscribed_email,
            "consent_text": CONSENT_TEXT,
            "co_funding": CO_FUNDING,
            # The empty form (no CSRF token: see above) and the archive are everyone's.
            "form_fragment": "newsletter:subscribe-form" if request.method != "POST" else "",
            "fragment_areas": ",".join(AREAS),
        },
        status=400 if request.method == "POST" else 200,
    )


def _home_public() -> dict:
    """What the letter's page shows everyone besides the form: the archive, the latest sheets
    (read only when the archive's fragment misses)."""
    return {
        "issues": list(Issue.objects.sent().select_related("theme").order_by("-number")[:24]),
        "sheets": list(ExperienceSheet.objects.published().for_listing()[:3]),
    }


@login_not_required
@require_safe
@anonymous_page_cache(3600, areas=AREAS)
def thanks(request):
    return render(request, "newsletter/thanks.html")


@require_POST
def subscribe_account(request):
    """One click for a signed-in person: their account's address, already verified."""
    try:
        subscriber = subscriber_subscribe_account(user=request.user, by=request.user)
    except RefusedError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("newsletter:home")
    from .services import personal_token

    messages.success(request, f"C'est fait : la lettre arrivera chaque mois à {subscriber.email}.")
    return redirect("newsletter:preferences", personal_token(subscriber))


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link of the confirmation e-mail: a page with one button (a GET changes nothing, so
    mail scanners that follow links cannot subscribe anyone)."""
    subscriber = read_confirm_token(token)
    if subscriber is None:
        return render(request, "newsletter/confirm.html", {"invalid": True}, status=404)
    context = {"subscriber": subscriber, "done": subscriber.status == SubscriberStatus.ACTIVE}
    if request.method == "POST":
        try:
            subscriber = subscriber_confirm(subscriber=subscriber, by=None)
        except RefusedError as error:
            context["refused"] = " ".join(error.messages)
        else:
            from .services import personal_token

            messages.success(request, "Votre abonnement est confirmé : la prochaine lettre vous arrivera.")
            return redirect("newsletter:preferences", personal_token(subscriber))
    return render(request, "newsletter/confirm.html", context)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    """The subscriber's own page, reached by the personal link of every letter."""
    subscriber = read_personal_token(token)
    if subscriber is None:
        return render(request, "newsletter/preferences.html", {"invalid": True}, status=404)
    form = PreferencesForm(request.POST or None, instance=subscriber)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscriber_update_preferences(
                subscriber=subscriber,
                name=data["name"],
                structure=data["structure"],
                role=data["role"],
                commune=data["commune"],
                themes=data["themes"],
                resubscribe="resubscribe" in request.POST,
                by=None,
            )
        except RefusedError as error:
            _refusal_to_form(form, error)
        else:
            messages.success(request, "Vos préférences sont enregistrées.")
            return redirect("newsletter:preferences", token)
    subscriber.refresh_from_db()
    return render(
        request,
        "newsletter/preferences.html",
        {"form": form, "subscriber": subscriber, "token": token},
        status=400 if request.method == "POST" else 200,
    )


@login_not_required
@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058 one-click)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    subscriber = read_personal_token(token)
    if subscriber is None:
        return render(request, "newsletter/unsubscribe.html", {"invalid": True}, status=404)
    done = subscriber.status == SubscriberStatus.UNSUBSCRIBED
    if request.method == "POST":
        subscriber_unsubscribe(subscriber=subscriber, by=None, reason="Lien de désabonnement")
        done = True
    return render(
        request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "done": done, "token": token}
    )


@login_not_required
@require_safe
@anonymous_page_cache(3600, areas=AREAS)
def issue_detail(request, number):
    """The web archive of a sent issue (drafts and issues being sent are not public)."""
    # The same for everyone: its title and its HTML, read in one cache round trip (no query, no
    # rendering of its sections and agenda: 13 ms of CPU before, docs/conventions.md).
    page = public_context(f"newsletter:issue-page:{int(number)}", lambda: _issue_page(number), areas=AREAS)
    return render(request, "newsletter/issue_detail.html", {"page": page})


def _issue_page(number) -> dict:
    """What an issue's page shows everyone: its title and its body, rendered. An issue that is not
    sent is a 404, raised here and so never cached."""
    issue = get_object_or_404(Issue.objects.sent().select_related("theme"), number=number)
    return {
        "number": issue.number,
        "title": issue.title,
        "body": render_to_string("newsletter/includes/_issue_page.html", issue_context(issue)),
    }


@login_not_required
@require_safe
@anonymous_page_cache(600, query_params=[*SheetFilter.base_filters, "page"], areas=AREAS)
def sheet_list(request):
    # One public fragment per filters and page, built only on a miss; the editors, who also see
    # drafts, get the page rendered for them (docs/conventions.md, Performance).
    editor = request.user.is_authenticated and acts_as_staff(request.user)

    context = filtered_list(
        request,
        SheetFilter,
        lambda: ExperienceSheet.objects.visible_to(request.user).for_listing(),
        "sheets",
        areas=AREAS,
    )
    context["shared_name"] = "" if editor else "newsletter:sheets"
    template = (
        "newsletter/includes/_sheet_results.html" if wants_fragment(request) else "newsletter/sheet_list.html"
    )
    return render(request, template, context)


def _sheet_for(request, slug) -> ExperienceSheet:
    sheets = (
        ExperienceSheet.objects.visible_to(request.user).select_related("commune").prefetch_related("themes")
    )
    return get_object_or_404(sheets, slug=slug)


def _sheet_page(sheet: ExperienceSheet) -> dict:
    """A sheet's page below the layout: its title, its description and its body, rendered."""
    return {
        "title": sheet.title,
        "description": truncatewords(sheet.summary, 30),
        "body": render_to_string(
            "newsletter/includes/_sheet_page.html", {"sheet": sheet, "co_funding": CO_FUNDING}
        ),
    }


def _published_sheet_page(slug) -> dict | None:
    sheet = (
        ExperienceSheet.objects.published()
        .select_related("commune")
        .prefetch_related("themes")
        .filter(slug=slug)
        .first()
    )
    return _sheet_page(sheet) if sheet is not None else None


@login_not_required
@require_safe
@anonymous_page_cache(3600, areas=AREAS)
def sheet_detail(request, slug):
    # A published sheet is the same for everyone: its page is read from the public context (no
    # query, no rendering); a draft only by the editors who may see it, an unknown slug is their 404.
    page = public_context(f"newsletter:sheet-page:{slug}", lambda: _published_sheet_page(slug), areas=AREAS)
    if page is None:
        page = _sheet_page(_sheet_for(request, slug))
    return render(request, "newsletter/sheet_detail.html", {"page": page})


@login_not_required
@require_safe
@anonymous_page_cache(3600, areas=AREAS)
def sheet_pdf(request, slug):
    from .pdf import sheet_pdf_bytes

    sheet = _sheet_for(request, slug)
    response = HttpResponse(sheet_pdf_bytes(sheet), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fiche-{sheet.slug}.pdf"'
    return response
