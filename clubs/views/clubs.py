from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ..models import Club


@login_not_required
@require_GET
def club_list(request):
    clubs = Club.objects.visible_to(request.user).for_listing()
    return render(request, "clubs/club_list.html", {"clubs": clubs})


@login_not_required
@require_GET
def club_detail(request, slug):
    club = get_object_or_404(Club.objects.visible_to(request.user).for_listing(), organisation__slug=slug)
    return render(request, "clubs/club_detail.html", {"club": club})
