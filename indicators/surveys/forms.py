"""The answering form, built from the questionnaire's questions, and the filters of the free
answers."""

from django import forms

from pacte.cache import public_context
from pacte.models import Commune

from .models import MAX_TEXT_ANSWER, QuestionKind

SCALE_CHOICES = [
    ("1", "1 — pas du tout"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5 — tout à fait"),
]
YES_NO_CHOICES = [("1", "Oui"), ("0", "Non")]
REQUIRED_MESSAGE = "Répondez à cette question (obligatoire)."


def field_for(question) -> forms.Field:
    common = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
        "error_messages": {
            "required": REQUIRED_MESSAGE,
            "invalid_choice": "Choisissez une des réponses proposées.",
            "max_length": f"Votre réponse fait plus de {MAX_TEXT_ANSWER} caractères : raccourcissez-la.",
        },
    }
    if question.kind == QuestionKind.SCALE:
        return forms.ChoiceField(choices=SCALE_CHOICES, widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect, **common)
    choices = [(choice, choice) for choice in question.choice_list]
    if question.kind == QuestionKind.SINGLE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    return forms.CharField(
        max_length=MAX_TEXT_ANSWER, widget=forms.Textarea(attrs={"rows": 4}), strip=True, **common
    )


class AnswerForm(forms.Form):
    """One field `q<question id>` per question, in the questionnaire's order."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = field_for(question)

    def question_fields(self):
        """(question, bound field) pairs for the template: one fieldset per question."""
        return [(question, self[f"q{question.pk}"]) for question in self.questions]


class FreeAnswerFilter(forms.Form):
    question = forms.TypedChoiceField(label="Question", coerce=int, required=False, empty_value=None)
    # The communes' slugs and names from the shared cache (they change with the communes area):
    # the page reads no commune list.
    commune = forms.ChoiceField(label="Commune de l'événement", required=False)
    q = forms.CharField(label="Rechercher dans les réponses", required=False, max_length=100)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "Toutes"), *_commune_choices()]
        self.fields["question"].choices = [("", "Toutes les questions libres")] + [
            (question.pk, question.label) for question in questions
        ]


def _commune_choices() -> list[tuple[str, str]]:
    return public_context(
        "surveys:commune_choices",
        lambda: list(Commune.objects.order_by("name").values_list("slug", "name")),
        areas=("communes",),
    )
