"""The portal's admin site: the Django admin, reached only by sessions that act as staff."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from .permissions import acts_as_staff


class PortalAdminSite(admin.AdminSite):
    index_template = "admin/pacte_index.html"

    def index(self, request, extra_context=None):
        """The admin home opens on what waits for this agent, as each app declares it."""
        from .portal import admin_todo

        groups: dict[str, list] = {}
        for item in admin_todo(request):
            if item.count:
                groups.setdefault(item.group or "Portail", []).append(item)
        return super().index(request, {**(extra_context or {}), "todo_groups": groups})

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every model admin, the apps' and the libraries', speaks natural French (pacte.admin_french).
        from .admin_french import FrenchModelAdmin

        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, FrenchModelAdmin):
            admin_class = type(
                admin_class.__name__, (FrenchModelAdmin, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        from .admin_french import french_app_list

        return french_app_list(super().get_app_list(request, app_label))

    def has_permission(self, request):
        # Not just is_staff: the session must have passed the second factor (pacte.permissions).
        return acts_as_staff(request.user)

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        """Never the admin's own password form: it would skip the portal's login rate limits and
        second factor. The portal's login (allauth) takes over, then comes back here. Someone
        already signed in without staff powers would only bounce between the two: refused."""
        if request.user.is_authenticated:
            raise PermissionDenied("Cette page est réservée à l'équipe du PACTE.")
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: target}, safe='/')}")


class PacteAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's site, PortalAdminSite (settings.INSTALLED_APPS)."""

    default_site = "pacte.admin_site.PortalAdminSite"
