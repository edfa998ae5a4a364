"""The admin in natural French, for every model admin of the site (PortalAdminSite.register mixes
FrenchModelAdmin into each one, the apps' and the libraries').

Django builds its admin wording by gluing a verbose name into a fixed sentence: "Ajout de
événement", "Sélectionnez l'objet événement à changer", "L'objet inscription « … » a été ajouté".
French needs the noun's gender and elision ("un événement", "une inscription", "l'adhésion"), so
the titles, the add button, the messages after a save and the inline "add another" link are
rebuilt here from the model's verbose name. Feminine nouns are listed by their head word (the first
word of the verbose name); apps add theirs with `register_feminine_nouns`.
"""

import json
import re
import unicodedata

from django.contrib import messages
from django.contrib.admin import helpers
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

# Head words of the verbose names in use that are feminine (the kernel's, Django's, the libraries').
FEMININE_HEADS = {
    "adresse",
    "adoption",
    "appartenance",
    "adhésion",
    "clé",
    "commune",
    "entrée",
    "inscription",
    "permission",
    "personne",
    "pratique",
    "réponse",
    "session",
    "signature",
    "charte",
    "structure",
    "version",
    "vignette",
    "photo",
    "liste",
    "discussion",
    "demande",
    "rencontre",
    "action",
    "application",
    "campagne",
    "candidature",
    "convention",
    "fiche",
    "lettre",
    "réservation",
    "subvention",
    "association",
    "expérience",
}


# Libraries' models whose verbose names are English or technical, as the agents should read them.
MODEL_NOUNS = {
    "mfa.authenticator": ("second facteur", "seconds facteurs"),
    "account.emailaddress": ("adresse e-mail", "adresses e-mail"),
    "auth.group": ("groupe de l'équipe", "groupes de l'équipe"),
}
# Sections of the admin home, by app label, where the app's own name is technical.
APP_NAMES = {
    "auth": "Droits de l'équipe",
    "account": "Comptes",
    "mfa": "Double authentification",
}


def register_feminine_nouns(*heads: str) -> None:
    """An app declares the feminine head words of its verbose names ("charte", "fiche"...)."""
    FEMININE_HEADS.update(head.lower() for head in heads)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class Noun:
    """A verbose name with what French grammar needs: gender and elision."""

    def __init__(self, singular, plural=None, django_singular=None):
        self.singular = str(singular)
        # The verbose name Django puts in its own messages, when the admin shows another noun.
        self.django_singular = str(django_singular or singular)
        self.plural = str(plural or f"{singular}s")
        head = re.split(r"[\s'’-]", self.singular.strip(), maxsplit=1)[0].lower()
        self.feminine = head in FEMININE_HEADS
        # An inclusive noun ("abonné·e") takes inclusive articles and agreements ("un·e", "ajouté·e").
        self.inclusive = "·" in head
        # Elision before a vowel or a mute h ("l'événement", "l'historique").
        self.elided = _plain(self.singular[:1]) in set("aeiouyh")

    @property
    def indefinite(self) -> str:
        return f"{self._pick('un', 'une', 'un·e')} {self.singular}"

    def _pick(self, masculine: str, feminine: str, inclusive: str) -> str:
        return inclusive if self.inclusive else feminine if self.feminine else masculine

    @property
    def definite(self) -> str:
        if self.elided:
            return f"l'{self.singular}"
        return f"{self._pick('le', 'la', 'le ou la')} {self.singular}"

    @property
    def another(self) -> str:
        return f"{self._pick('un autre', 'une autre', 'un·e autre')} {self.singular}"

    @property
    def pronoun(self) -> str:
        """Object pronoun before a verb starting with a consonant ("la modifier")."""
        return self._pick("le", "la", "le ou la")

    @property
    def chosen_participle(self) -> str:
        """ "choisis", "choisies", "choisi·es"."""
        return self.agree("choisi", plural=True)

    @property
    def chosen(self) -> str:
        """ "les <plural> choisis/choisies"."""
        return f"les {self.plural} {self.agree('choisi', plural=True)}"

    def agree(self, participle: str, plural: bool = False) -> str:
        """ "ajouté" → "ajoutée(s)" for this noun."""
        if self.inclusive:
            return participle + ("·es" if plural else "·e")
        return participle + ("e" if self.feminine else "") + ("s" if plural else "")


def noun_for(opts) -> Noun:
    if opts.label_lower in MODEL_NOUNS:
        return Noun(*MODEL_NOUNS[opts.label_lower], django_singular=opts.verbose_name)
    return Noun(opts.verbose_name, opts.verbose_name_plural)


def french_app_list(app_list: list[dict]) -> list[dict]:
    """The admin home's sections and model names, in the agents' words."""
    for app in app_list:
        app["name"] = APP_NAMES.get(app["app_label"], app["name"])
        for model in app["models"]:
            label = f"{app['app_label']}.{model['object_name'].lower()}"
            if label in MODEL_NOUNS:
                model["name"] = capfirst(MODEL_NOUNS[label][1])
    return app_list


# --- Messages after a save ----------------------------------------------------------------------


def _pattern(template: str) -> re.Pattern:
    """A regex matching Django's translated `template` ({name}/{obj} or %(name)s/%(obj)s)."""
    parts = re.split(r"(\{name\}|\{obj\}|%\(name\)s|%\(obj\)s)", template)
    regex = ""
    for part in parts:
        if part in {"{name}", "%(name)s"}:
            regex += r"(?P<name>.+?)" if "(?P<name>" not in regex else r"(?P=name)"
        elif part in {"{obj}", "%(obj)s"}:
            regex += r"(?P<obj>.*)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}$", re.DOTALL)


def _success_messages():
    added = gettext("The {name} “{obj}” was added successfully.")
    changed = gettext("The {name} “{obj}” was changed successfully.")
    edit_again = gettext("You may edit it again below.")
    return [
        (_pattern(f"{added} {edit_again}"), "ajouté", "edit"),
        (
            _pattern(gettext("The {name} “{obj}” was added successfully. You may add another {name} below.")),
            "ajouté",
            "another",
        ),
        (
            _pattern(gettext("The {name} “{obj}” was changed successfully. You may edit it again below.")),
            "modifié",
            "edit",
        ),
        (
            _pattern(
                gettext("The {name} “{obj}” was changed successfully. You may add another {name} below.")
            ),
            "modifié",
            "another",
        ),
        (_pattern(added), "ajouté", ""),
        (_pattern(changed), "modifié", ""),
        (_pattern(gettext("The %(name)s “%(obj)s” was deleted successfully.")), "supprimé", ""),
    ]


def french_message(noun: Noun, message) -> str | None:
    """Django's success message after a save or deletion, in natural French; None when `message`
    is not one of them."""
    text = str(message)
    for pattern, participle, follow_up in _success_messages():
        match = pattern.match(text)
        if match is None or match.group("name") not in {noun.singular, noun.django_singular}:
            continue
        sentence = f"{capfirst(noun.definite)} « {match.group('obj')} » a été {noun.agree(participle)}."
        if follow_up == "edit":
            sentence += f" Vous pouvez {noun.pronoun} modifier à nouveau ci-dessous."
        elif follow_up == "another":
            sentence += f" Vous pouvez ajouter {noun.another} ci-dessous."
        return mark_safe(sentence) if isinstance(message, SafeData) else sentence
    for count in (1, 2):
        # The list's own "save" of editable columns: "3 thèmes ont été modifiés".
        template = ngettext(
            "%(count)s %(name)s was changed successfully.",
            "%(count)s %(name)s were changed successfully.",
            count,
        )
        pattern = re.escape(template).replace(re.escape("%(count)s"), r"(?P<count>\d+)")
        pattern = pattern.replace(re.escape("%(name)s"), r"(?P<name>.+?)")
        match = re.match(f"^{pattern}$", text)
        if match and match.group("name") in {noun.singular, noun.plural, noun.django_singular}:
            n = int(match.group("count"))
            name = noun.singular if n == 1 else noun.plural
            verb = "a été" if n == 1 else "ont été"
            return f"{n} {name} {verb} {noun.agree('modifié', plural=n > 1)}."
    return None


# --- Inlines ------------------------------------------------------------------------------------


class FrenchInlineAdminFormSet(helpers.InlineAdminFormSet):
    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = capfirst(f"ajouter {Noun(self.opts.verbose_name).another}")
        return json.dumps(data)


# --- The mixin ----------------------------------------------------------------------------------


class FrenchModelAdmin:
    """Mixed into every ModelAdmin by PortalAdminSite.register."""

    @property
    def noun(self) -> Noun:
        return noun_for(self.opts)

    def changelist_view(self, request, extra_context=None):
        verb = "modifier" if self.has_change_permission(request) else "consulter"
        context = {
            "title": f"Choisir {self.noun.indefinite} à {verb}",
            "add_label": capfirst(f"ajouter {self.noun.indefinite}"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if add:
            context["title"] = capfirst(f"ajouter {self.noun.indefinite}")
        elif self.has_change_permission(request, obj):
            context["title"] = capfirst(f"modifier {self.noun.definite}")
        else:
            context["title"] = capfirst(f"consulter {self.noun.definite}")
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def render_delete_form(self, request, context):
        if context.get("perms_lacking") or context.get("protected"):
            context["title"] = f"Impossible de supprimer {self.noun.definite}"
        else:
            context["title"] = capfirst(f"supprimer {self.noun.definite}")
        return super().render_delete_form(request, context)

    def history_view(self, request, object_id, extra_context=None):
        context = {"title": capfirst(f"historique de {self.noun.definite}"), **(extra_context or {})}
        return super().history_view(request, object_id, extra_context=context)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if level == messages.SUCCESS:
            message = french_message(self.noun, message) or message
        return super().message_user(request, message, level, *args, **kwargs)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            func, name, _description = actions["delete_selected"]
            chosen = self.noun.agree("choisi", plural=True)
            actions["delete_selected"] = (func, name, f"Supprimer les {self.noun.plural} {chosen}")
        return actions

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            if type(inline_formset) is helpers.InlineAdminFormSet:
                inline_formset.__class__ = FrenchInlineAdminFormSet
        return inline_formsets


# --- Filters ------------------------------------------------------------------------------------


def titled(title: str, base=None):
    """A list filter on a field, titled `title` rather than the field's verbose name:
    `list_filter = [("is_published", titled("publication"))]`. `base` is the filter class to use
    (by default the one Django picks for the field)."""
    from django.contrib.admin import FieldListFilter

    class TitledFilter(FieldListFilter):
        def __new__(cls, field, request, params, model, model_admin, field_path):
            if base is None:
                spec = FieldListFilter.create(field, request, params, model, model_admin, field_path)
            else:
                spec = base(field, request, params, model, model_admin, field_path)
            spec.title = title
            return spec

    return TitledFilter
