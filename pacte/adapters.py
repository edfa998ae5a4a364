from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.crypto import get_random_string

from .client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        # The proxy's header only when it comes from a trusted proxy (pacte.client_ip); allauth's
        # login, sign-up and reset limits key on this address.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Adresse IP du client introuvable.")
        return ip

    def save_user(self, request, user, form, commit=True):
        # Names, commune and category come from SignupExtraForm's fields.
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.first_name = data.get("first_name", "")
        user.last_name = data.get("last_name", "")
        user.home_commune = data.get("home_commune")
        user.category = data.get("category") or user.category
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Send allauth's e-mails like the portal's own (pacte.emails): text + HTML, after commit,
        through Celery.

        The message is rendered now (French templates in templates/account/email/ and
        templates/mfa/email/, subject prefixed with ACCOUNT_EMAIL_SUBJECT_PREFIX) and queued once
        the transaction commits, so a rolled-back sign-up sends nothing and a slow SMTP server
        never holds a request.
        """
        from .tasks import send_email

        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            # allauth sends some notices from on_commit callbacks, where no request may be left.
            "current_site": get_current_site(request) if request is not None else None,
            "site_url": settings.SITE_URL,
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        if html is None:
            html = render_to_string(
                "account/email/_html_layout.html", {"subject": message.subject, "body": message.body}
            )
        payload = {
            "to": list(message.to),
            "subject": message.subject,
            "text": message.body,
            "html": html,
            "headers": dict(message.extra_headers),
        }
        transaction.on_commit(lambda: send_email.delay(**payload))

    def send_account_already_exists_mail(self, email: str) -> None:
        """Sign-up with an address that has an account: the same work as a new account, so the
        answer's timing does not tell whether the address is known. A new account's password is
        hashed (the costly part); here a throw-away one is, with the same hasher. Both branches
        then queue one e-mail, sent after the response by Celery."""
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # The notices greet the person by name (templates/account/email/base_message.txt).
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)
