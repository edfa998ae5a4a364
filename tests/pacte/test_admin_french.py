"""The admin reads as natural French for the DACTE agents: titles, buttons, messages, filters, the
change journal, and a French refusal page (pacte/admin_french.py, templates/403.html)."""

import html
import json
import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from pacte.admin_french import Noun, french_message
from pacte.models import Organisation
from pacte.services.audit import audit_log, register_verbs, state_label, verb_label
from tests.admin_forms import form_data
from tests.factories import EventFactory, MembershipFactory, OrganisationFactory, UserFactory, commune
from tests.pacte.test_html_validity import assert_valid

pytestmark = pytest.mark.django_db

RAW_DJANGO_WORDING = [
    "Sélectionnez l’objet",
    "Sélectionnez l'objet",
    "Ajout de ",
    "Modification de ",
    "Affichage de ",
    "L’objet ",
    "L'objet ",
    "supplémentaire",
    " Par ",
]


@pytest.fixture
def agent(client, settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    client.force_login(UserFactory(staff=True, is_superuser=True))
    return client


def _registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _visible_text(response) -> str:
    # Django's own wording shows in what people read: the page title, headings, buttons, messages.
    markup = response.content.decode()
    return re.sub(r"<script.*?</script>", "", markup, flags=re.DOTALL)


@pytest.mark.parametrize("model", [m for m, _ in _registered()], ids=lambda m: m._meta.label)
def test_no_raw_django_wording_on_any_admin_page(agent, model):
    EventFactory()
    MembershipFactory(referent=True)
    audit_log(target=Organisation.objects.first(), verb="membership.add")
    opts = model._meta
    changelist = agent.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.context["title"].startswith("Choisir un")
    pages = [changelist]
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(changelist.wsgi_request):
        add = agent.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        assert add.context["title"].startswith(("Ajouter un ", "Ajouter une "))
        pages.append(add)
    instance = model._default_manager.first()
    if instance is not None:
        change = agent.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]))
        assert change.context["title"].startswith(("Modifier ", "Consulter "))
        pages.append(change)
    for page in pages:
        text = _visible_text(page)
        for raw in RAW_DJANGO_WORDING:
            assert raw not in text, f"« {raw} » sur {page.wsgi_request.path}"


@pytest.mark.parametrize(
    ("singular", "indefinite", "definite", "another"),
    [
        ("événement", "un événement", "l'événement", "un autre événement"),
        ("inscription", "une inscription", "l'inscription", "une autre inscription"),
        ("structure", "une structure", "la structure", "une autre structure"),
        ("thème", "un thème", "le thème", "un autre thème"),
        ("entrée du journal", "une entrée du journal", "l'entrée du journal", "une autre entrée du journal"),
        ("historique d'adhésion", "un historique d'adhésion", "l'historique d'adhésion", None),
        ("abonné·e", "un·e abonné·e", "l'abonné·e", "un·e autre abonné·e"),
    ],
)
def test_nouns_agree_in_gender_and_elide(singular, indefinite, definite, another):
    noun = Noun(singular)
    assert (noun.indefinite, noun.definite) == (indefinite, definite)
    if another:
        assert noun.another == another


def test_titles_and_add_button_of_the_events(agent):
    event = EventFactory(title="Atelier compost")
    changelist = agent.get(reverse("admin:pacte_event_changelist"))
    assert changelist.context["title"] == "Choisir un événement à modifier"
    assert "<title>Choisir un événement à modifier |" in changelist.content.decode()
    assert ">\n      Ajouter un événement\n    </a>" in changelist.content.decode()
    assert agent.get(reverse("admin:pacte_event_add")).context["title"] == "Ajouter un événement"
    assert agent.get(reverse("admin:pacte_event_change", args=[event.pk])).context["title"] == (
        "Modifier l'événement"
    )
    journal = agent.get(reverse("admin:pacte_auditentry_changelist"))
    assert journal.context["title"] == "Choisir une entrée du journal à consulter"


def test_messages_after_a_save_agree(agent):
    event = EventFactory(title="Atelier compost")
    change = reverse("admin:pacte_event_change", args=[event.pk])
    response = agent.post(change, form_data(agent.get(change), title="Atelier vélo"), follow=True)
    assert "L'événement « " in response.content.decode()
    assert "» a été modifié." in response.content.decode()

    add = reverse("admin:pacte_organisation_add")
    form = agent.get(add)
    response = agent.post(
        add,
        form_data(
            form,
            kind="association",
            name="Les Amis du Robec",
            slug="les-amis-du-robec",
            **{"memberships-TOTAL_FORMS": "0"},
        ),
        follow=True,
    )
    body = response.content.decode()
    assert "La structure « " in body and "» a été ajoutée." in body


def test_french_message_keeps_django_links_and_follow_ups():
    from django.utils.html import format_html
    from django.utils.translation import gettext, override

    with override("fr"):
        message = format_html(
            gettext("The {name} “{obj}” was added successfully.")
            + " "
            + gettext("You may edit it again below."),
            name="inscription",
            obj=format_html('<a href="{}">{}</a>', "/admin/x/", "Léa → Atelier"),
        )
        french = french_message(Noun("inscription"), message)
    assert french == (
        'L\'inscription « <a href="/admin/x/">Léa → Atelier</a> » a été ajoutée. '
        "Vous pouvez la modifier à nouveau ci-dessous."
    )


def test_inline_add_link_reads_naturally(agent):
    organisation = OrganisationFactory()
    response = agent.get(reverse("admin:pacte_organisation_change", args=[organisation.pk]))
    (inline,) = response.context["inline_admin_formsets"]
    assert json.loads(inline.inline_formset_data())["options"]["addText"] == "Ajouter une autre appartenance"


def test_delete_action_agrees_with_the_noun(agent):
    MembershipFactory()
    response = agent.get(reverse("admin:pacte_membership_changelist"))
    assert "Supprimer les appartenances choisies" in response.content.decode()


def test_event_filters_have_natural_titles_and_upcoming_first(agent):
    now = timezone.now()
    long_past = EventFactory(title="Il y a dix jours", starts_at=now - timedelta(days=10))
    recent = EventFactory(title="Avant-hier", starts_at=now - timedelta(days=2))
    later = EventFactory(title="Dans cinq jours", starts_at=now + timedelta(days=5))
    soon = EventFactory(title="Demain", starts_at=now + timedelta(days=1))
    url = reverse("admin:pacte_event_changelist")
    response = agent.get(url)
    assert list(response.context["cl"].result_list) == [soon, later, recent, long_past]
    titles = [spec.title for spec in response.context["cl"].filter_specs]
    assert titles[:4] == ["date", "présences", "action du PACTE", "publication"]
    body = response.content.decode()
    assert "Publication" in body and "À venir" in body and "Passés" in body
    upcoming = agent.get(url, {"quand": "a-venir"})
    assert list(upcoming.context["cl"].result_list) == [soon, later]
    past = agent.get(url, {"quand": "passes"})
    assert list(past.context["cl"].result_list) == [recent, long_past]


def test_event_search_finds_the_commune(agent):
    darnetal = EventFactory(title="Balade", commune=commune("darnetal"))
    EventFactory(title="Atelier")
    response = agent.get(reverse("admin:pacte_event_changelist"), {"q": "Darnétal"})
    assert list(response.context["cl"].result_list) == [darnetal]


@pytest.mark.parametrize("model", [m for m, _ in _registered()], ids=lambda m: m._meta.label)
def test_slugs_are_prepopulated(model):
    model_admin = admin.site._registry[model]
    has_slug = any(field.name == "slug" and field.editable for field in model._meta.fields)
    if has_slug:
        assert "slug" in model_admin.prepopulated_fields


def test_admin_home_names_sections_in_the_agents_words(agent):
    body = agent.get(reverse("admin:index")).content.decode()
    assert "Double authentification" in body and "Seconds facteurs" in body
    assert "Agenda, structures et personnes" in body
    assert ">MFA<" not in body and "Authenticators" not in body


# --- The change journal -------------------------------------------------------------------------


def test_journal_reads_in_french(agent):
    event = EventFactory(title="Atelier compost")
    audit_log(target=event, verb="event.publish", from_state="unpublished", to_state="published")
    audit_log(target=event, verb="registration.create", to_state="waitlisted")
    body = html.unescape(agent.get(reverse("admin:pacte_auditentry_changelist")).content.decode())
    assert "Événement publié" in body and "non publié → publié" in body
    assert "Inscription" in body and "en liste d'attente" in body
    assert "event.publish" not in body.split('id="changelist-filter"')[0].split("<tbody>")[1]


def test_journal_filters_by_part_of_the_portal_and_by_verb_without_technical_types(agent):
    from django.contrib.sessions.models import Session

    event = EventFactory()
    organisation = OrganisationFactory()
    audit_log(target=event, verb="event.publish", from_state="unpublished", to_state="published")
    audit_log(target=organisation, verb="membership.add", to_state="membre")
    # A technical object in the journal must not bring its content type into the filters.
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now())
    audit_log(target=Session.objects.get(session_key="x" * 32), verb="event.publish")
    url = reverse("admin:pacte_auditentry_changelist")
    response = agent.get(url)
    body = response.content.decode()
    filters = body.split('id="changelist-filter"')[1]
    for technical in ("Sessions | session", "MFA | authenticator", "content type", "type de contenu"):
        assert technical not in filters
    assert "Partie du portail" in filters and "Agenda, structures et personnes" in filters
    assert "Événement publié" in filters and "Membre ajouté" in filters
    by_verb = agent.get(url, {"action": "membership.add"})
    assert [e.verb for e in by_verb.context["cl"].result_list] == ["membership.add"]
    by_app = agent.get(url, {"partie": "pacte"})
    assert {e.verb for e in by_app.context["cl"].result_list} == {"event.publish", "membership.add"}


def test_journal_details_name_fields_and_people(agent):
    person = UserFactory(first_name="Léa", last_name="Dubois")
    event = EventFactory()
    entry = audit_log(target=event, verb="event.update", data={"fields": ["title", "capacity"]})
    other = audit_log(target=OrganisationFactory(), verb="membership.add", data={"user": person.pk})
    page = agent.get(reverse("admin:pacte_auditentry_change", args=[entry.pk])).content.decode()
    assert "champs modifiés : titre, places" in page
    page = agent.get(reverse("admin:pacte_auditentry_change", args=[other.pk])).content.decode()
    assert "personne : Léa Dubois" in page


def test_apps_register_their_verbs_and_states():
    register_verbs({"test.thing": "Chose faite"})
    assert verb_label("test.thing") == "Chose faite"
    assert verb_label("unknown.verb") == "unknown.verb"
    assert state_label("queued", "club.mailing.sent") == "en attente"
    assert state_label("sent", "club.mailing.sent") == "envoyé"
    # Agreement by subject: a practice is "publiée", an event "publié".
    assert state_label("published", "practice.restore") == "publiée"
    assert state_label("published", "event.publish") == "publié"


def test_every_verb_written_by_the_code_has_a_french_label():
    import pathlib

    from pacte.portal import portal_apps

    written = set()
    for app in portal_apps():
        for path in pathlib.Path(app.path).glob("**/*.py"):
            if "migrations" in path.parts:
                continue
            for line in path.read_text().splitlines():
                if "verb" in line:
                    written |= set(re.findall(r'"([a-z_]+(?:\.[a-z_]+)+)"', line))
    assert {"event.publish", "practice.hide", "club.mailing.sent"} <= written
    missing = sorted(verb for verb in written if verb_label(verb) == verb)
    assert not missing, f"verbes sans libellé français : {missing}"


# --- The French refusal page ----------------------------------------------------------------


@override_settings(DEBUG=False)
def test_staff_without_a_permission_gets_a_french_refusal_in_the_site_layout(settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    agent = UserFactory(staff=True)
    group = Group.objects.create(name="Lecture seule des thèmes")
    group.permissions.add(Permission.objects.get(codename="view_theme"))
    agent.groups.add(group)
    browser = Client(raise_request_exception=False)
    browser.force_login(agent)

    response = browser.get(reverse("admin:pacte_event_changelist"))

    assert response.status_code == 403
    markup = response.content.decode()
    assert "403 Forbidden" not in markup
    assert "<title>Accès refusé · PACTE" in markup
    assert "<h1>Accès refusé</h1>" in markup
    assert f"href=\"{reverse('admin:index')}\">Retour à l'accueil de l'administration</a>" in markup
    assert 'id="navigation"' in markup and "Mentions légales" in markup
    assert_valid(markup, "403")
    # The page they may use still works.
    assert browser.get(reverse("admin:pacte_theme_changelist")).status_code == 200


@override_settings(DEBUG=False)
def test_refusal_outside_the_admin_offers_the_site_ways_back(settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    browser = Client(raise_request_exception=False)
    browser.force_login(UserFactory())
    response = browser.get(reverse("admin:login"))
    assert response.status_code == 403
    markup = html.unescape(response.content.decode())
    assert "Cette page est réservée à l'équipe du PACTE." in markup
    assert "Retour à l'accueil de l'administration" not in markup
    assert "Retour à l'accueil" in markup


def test_delete_confirmations_read_naturally(agent):
    membership = MembershipFactory(organisation=OrganisationFactory(name="Les Amis du Robec"))
    single = agent.get(reverse("admin:pacte_membership_delete", args=[membership.pk]))
    text = html.unescape(single.content.decode())
    assert single.context["title"] == "Supprimer l'appartenance"
    assert f"Voulez-vous vraiment supprimer l'appartenance « {membership} » ?" in text
    bulk = agent.post(
        reverse("admin:pacte_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [membership.pk]},
    )
    assert "Voulez-vous vraiment supprimer les appartenances choisies ?" in html.unescape(
        bulk.content.decode()
    )
    event = EventFactory()
    from pacte.services.registrations import registration_create

    registration_create(event=event, user=UserFactory())
    refused = agent.get(reverse("admin:pacte_event_delete", args=[event.pk]))
    assert refused.context["title"] == "Impossible de supprimer l'événement"
    assert "Supprimer l'événement « " in html.unescape(refused.content.decode())


def test_selecting_across_pages_agrees_with_the_noun(agent, monkeypatch):
    from pacte.models import Registration
    from pacte.services.registrations import registration_create

    event = EventFactory(capacity=None)
    for _ in range(3):
        registration_create(event=event, user=UserFactory())
    monkeypatch.setattr(admin.site._registry[Registration], "list_per_page", 2)
    body = agent.get(reverse("admin:pacte_registration_changelist")).content.decode()
    assert "Choisir les 3 inscriptions" in body
    assert "Les 3 inscriptions sont choisies" in body
    assert "Sélectionner tous les 3" not in body
