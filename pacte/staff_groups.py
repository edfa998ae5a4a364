"""The staff groups get the permissions each app declares on its models (PortalApp.staff_permissions).

The groups themselves are created by the kernel's migration 0003; an app adds its models to them
here, after every `migrate`, so a new app's models appear in the admin for the right groups without
a kernel migration. Granting is additive and idempotent: what staff changed by hand stays.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission


def grant_declared_staff_permissions(sender=None, using="default", **kwargs) -> None:
    """post_migrate receiver: `sender` is the app config just migrated."""
    from .portal import PortalApp

    if not isinstance(sender, PortalApp) or not sender.staff_permissions:
        return
    # Django creates an app's permissions in its own post_migrate receiver, which may run after
    # this one: create them first (idempotent).
    create_permissions(sender, verbosity=0, using=using)
    for group_name, codenames in sender.staff_permissions.items():
        permissions = Permission.objects.using(using).filter(content_type__app_label=sender.label)
        if codenames != "all":
            permissions = permissions.filter(codename__in=codenames)
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        group.permissions.add(*permissions)
