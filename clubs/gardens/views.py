"""The "jardiniers de la nature" network: its public page and charter, and the gardener's own pages.

A garden is only ever shown or edited through `Garden.objects.of_owner(request.user)`: someone
else's garden is a 404, for staff too (they manage gardens in the admin).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from pacte.cache import anonymous_page_cache
from pacte.maps import commune_map
from pacte.services.errors import RefusedError

from ..views.common import AREAS
from .forms import GardenForm, GardenWithdrawForm
from .models import Charter, CharterSignature, Garden, GardenPractice, GardenType
from .services import (
    checklist_history,
    garden_needs_signature,
    garden_register,
    garden_update,
    garden_withdraw,
)


def network_figures() -> dict:
    """Key figures of the network now: a fixed number of queries whatever the number of gardens."""
    active = Garden.objects.active()
    totals = active.aggregate(
        gardens=Count("id"),
        communes=Count("commune", distinct=True),
        gardeners=Count("owner", distinct=True),
        **{f"type_{value}": Count("id", filter=Q(garden_type=value)) for value in GardenType.values},
    )
    per_commune = dict(active.order_by().values_list("commune").annotate(n=Count("id")))
    practices = list(GardenPractice.objects.active().with_garden_counts())
    total = totals["gardens"]
    for practice in practices:
        practice.share = round(100 * practice.garden_count / total) if total else 0
    return {
        "gardens": total,
        "communes": totals["communes"],
        "signatures": CharterSignature.objects.filter(garden__withdrawn_at__isnull=True).count(),
        "types": [(label, totals[f"type_{value}"]) for value, label in GardenType.choices],
        "per_commune": per_commune,
        "practices": practices,
    }


@login_not_required
@require_safe
@anonymous_page_cache(600, areas=AREAS)
def network(request):
    figures = network_figures()
    per_commune = figures["per_commune"]
    has_garden = Garden.objects.of_owner(request.user).active().exists()
    return render(
        request,
        "clubs/gardens/network.html",
        {
            "charter": Charter.objects.current(),
            "figures": figures,
            "garden_map": commune_map(
                per_commune,
                title="Carte des jardins du réseau par commune",
                description="Nombre de jardins inscrits au réseau des jardiniers de la nature dans "
                "chacune des 71 communes de la Métropole Rouen Normandie.",
                map_id="carte-jardins",
            ),
            "has_garden": has_garden,
        },
    )


@login_not_required
@require_safe
@anonymous_page_cache(3600, areas=AREAS)
def charter(request):
    versions = list(Charter.objects.published().order_by("-version"))
    return render(
        request,
        "clubs/gardens/charter.html",
        {"charter": versions[0] if versions else None, "previous": versions[1:]},
    )


@require_safe
def my_gardens(request):
    gardens = list(
        Garden.objects.of_owner(request.user)
        .select_related("commune")
        .prefetch_related("practices")
        .annotate(last_change=Max("checklist_versions__created_at"))
        .order_by("withdrawn_at", "-created_at")
    )
    current = Charter.objects.current()
    signed = set(
        CharterSignature.objects.filter(garden__in=gardens, charter=current).values_list(
            "garden_id", flat=True
        )
        if current
        else []
    )
    for garden in gardens:
        garden.signed_current = garden.pk in signed
    return render(request, "clubs/gardens/my_gardens.html", {"gardens": gardens, "charter": current})


@require_http_methods(["GET", "HEAD", "POST"])
def garden_new(request):
    current = Charter.objects.current()
    if current is None:
        messages.warning(request, "La charte du réseau n'est pas encore publiée : revenez bientôt.")
        return redirect("clubs:gardens")
    # The form opens on the person's home commune; the list still holds all 71.
    form = GardenForm(
        request.POST if request.method == "POST" else None,
        charter=current,
        initial={"commune": request.user.home_commune_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            garden_register(owner=request.user, charter=current, by=request.user, **form.service_kwargs())
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request, "Votre jardin est inscrit au réseau des jardiniers de la nature. Merci !"
            )
            return redirect("clubs:my_gardens")
    return render(
        request, "clubs/gardens/garden_form.html", {"form": form, "charter": current, "garden": None}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def garden_edit(request, pk):
    garden = get_object_or_404(
        Garden.objects.of_owner(request.user).active().select_related("commune"), pk=pk
    )
    current = Charter.objects.current()
    ask_charter = garden_needs_signature(garden, current)
    form = GardenForm(
        request.POST if request.method == "POST" else None,
        instance=garden,
        charter=current,
        ask_charter=ask_charter,
    )
    if request.method == "POST" and form.is_valid():
        try:
            garden_update(
                garden=garden,
                charter=current if ask_charter else None,
                by=request.user,
                **form.service_kwargs(),
            )
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request, "Votre jardin est mis à jour. Le changement est gardé dans son historique."
            )
            return redirect("clubs:garden_history", pk=garden.pk)
    return render(
        request,
        "clubs/gardens/garden_form.html",
        {"form": form, "charter": current if ask_charter else None, "garden": garden},
    )


@require_safe
def garden_history(request, pk):
    garden = get_object_or_404(Garden.objects.of_owner(request.user).select_related("commune"), pk=pk)
    return render(
        request,
        "clubs/gardens/garden_history.html",
        {
            "garden": garden,
            "history": checklist_history(garden),
            "signatures": garden.signatures.select_related("charter").order_by("signed_at"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def garden_withdraw_view(request, pk):
    garden = get_object_or_404(
        Garden.objects.of_owner(request.user).active().select_related("commune"), pk=pk
    )
    form = GardenWithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            garden_withdraw(garden=garden, by=request.user, reason="Retiré par son jardinier.")
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Votre jardin est retiré du réseau. Son historique reste visible ici.")
            return redirect("clubs:my_gardens")
    return render(request, "clubs/gardens/garden_withdraw.html", {"form": form, "garden": garden})
