"""Pages must validate as HTML (docs/architecture.md): parsed by html5lib, the WHATWG parsing algorithm,
with every parse error reported; plus the document-level rules a parser does not check (unique
ids, references to ids that exist, images with a text alternative).
"""

import html5lib
import pytest
from django.conf import settings

from pacte.models import Theme
from pacte.services.registrations import registration_create
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

EVENT = "event"
PUBLIC_PAGES = [
    "/",
    "/agenda/",
    EVENT,
    "/accessibilite/",
    "/donnees-personnelles/",
    "/mentions-legales/",
    "/comptes/signup/",
    "/comptes/login/",
    "/comptes/password/reset/",
]
if "clubs" in settings.INSTALLED_APPS:
    PUBLIC_PAGES.append("/clubs/")
SIGNED_IN_PAGES = ["/", EVENT, "/mon-espace/", "/mon-espace/supprimer-mon-compte/"]
# Attributes whose value is one id, or a space-separated list of ids, of the same document.
ID_REFERENCES = {"for": False, "aria-labelledby": True, "aria-describedby": True, "aria-controls": True}


@pytest.fixture
def event():
    event = EventFactory(
        title="Atelier compost au jardin",
        summary="Apprendre à composter.",
        description="Premier paragraphe.\n\nSecond paragraphe.",
    )
    event.themes.add(Theme.objects.order_by("name").first())
    full = EventFactory(title="Balade nature", capacity=1)
    registration_create(event=full, user=UserFactory())
    EventFactory(title="Rencontre du réseau", unlimited=True, registration_required=False)
    return event


def html_problems(markup: str) -> list[str]:
    # Not HTMLParser(strict=True): it stops at the first parse error, while the error list gives
    # every one with its line. Nothing is filtered out: valid HTML5 yields no error at all.
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    document = parser.parse(markup)
    problems = []
    lines = markup.splitlines()
    for (line, column), code, data in parser.errors:
        excerpt = lines[line - 1].strip()[:160] if 0 < line <= len(lines) else ""
        problems.append(f"ligne {line}, colonne {column} : {code} {data or ''} — {excerpt}")

    ids = [element.get("id") for element in document.iter() if element.get("id") is not None]
    seen = set()
    for id_ in ids:
        if id_ in seen:
            problems.append(f'id="{id_}" en double')
        seen.add(id_)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        if element.tag == "img" and element.get("alt") is None:
            problems.append(f"<img src={element.get('src')!r}> sans attribut alt")
        for attribute, is_list in ID_REFERENCES.items():
            value = element.get(attribute)
            if value is None:
                continue
            for reference in value.split() if is_list else [value]:
                if reference not in seen:
                    problems.append(f'<{element.tag} {attribute}="{value}"> : aucun élément id="{reference}"')
    return problems


def _get(client, path, event):
    response = client.get(event.get_absolute_url() if path == EVENT else path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def assert_valid(markup: str, path: str) -> None:
    problems = html_problems(markup)
    assert not problems, f"{path} n'est pas du HTML valide :\n" + "\n".join(problems)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_valid_html(client, event, path):
    assert_valid(_get(client, path, event), path)


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_page_is_valid_html(client, event, path):
    user = UserFactory()
    registration_create(event=event, user=user)
    client.force_login(user)
    assert_valid(_get(client, path, event), path)


def test_checker_reports_what_it_promises():
    page = (
        "<!DOCTYPE html><html lang=fr><head><title>t</title></head><body>"
        "<p id=a><span><ul><li>x</ul></span></p><b id=a></b><img src=x.png><label for=nowhere>l</label>"
        "</body></html>"
    )
    problems = html_problems(page)
    assert any("ligne 1" in problem for problem in problems)
    assert 'id="a" en double' in problems
    assert "<img src='x.png'> sans attribut alt" in problems
    assert '<label for="nowhere"> : aucun élément id="nowhere"' in problems


def test_form_with_errors_is_valid_html(client):
    # Errors add messages tied to fields by id: the error state must validate too.
    client.force_login(UserFactory())
    response = client.post("/mon-espace/", {"first_name": "", "last_name": "", "category": "inconnue"})
    assert response.status_code == 200
    markup = response.content.decode()
    assert "Sélectionnez un choix valide" in markup
    assert_valid(markup, "/mon-espace/")
