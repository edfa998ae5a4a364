"""Forms of action 3: they check formats and bounds, in French; completeness is the services'
business (a draft may be incomplete, a submission may not)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator

from pacte.documents import MAX_DOCUMENT_BYTES
from pacte.forms import CommuneChoiceField
from pacte.images import process_image
from pacte.models import Commune, Theme
from pacte.validators import validate_siret

from .enums import EXPENSE_CATEGORIES, INCOME_CATEGORIES, BudgetCategory, TargetPublic

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK = [("", "Choisir…")]
DOCUMENT_HELP = "PDF, Word, Excel, PowerPoint ou OpenDocument, 10 Mo au plus."
MAX_AMOUNT = Decimal("1000000")


class AmountField(forms.DecimalField):
    """Euros as people type them: "1 250,50", "1250.50", "1 250 €"."""

    def to_python(self, value):
        if isinstance(value, str):
            for char in (" ", "\u00a0", "\u202f", "€"):
                value = value.replace(char, "")
            value = value.replace(",", ".")
        return super().to_python(value)


def amount_field(label, **kwargs):
    return AmountField(
        label=label,
        max_digits=9,
        decimal_places=2,
        min_value=0,
        max_value=MAX_AMOUNT,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": "Indiquez un montant en euros, par exemple 1 250,50."},
        **kwargs,
    )


def document_field(label, **kwargs):
    return forms.FileField(
        label=label,
        help_text=DOCUMENT_HELP,
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp,application/pdf",
            }
        ),
        **kwargs,
    )


def clean_document_size(uploaded):
    if uploaded is not None and uploaded.size > MAX_DOCUMENT_BYTES:
        raise ValidationError("Le document dépasse 10 Mo.")
    return uploaded


# --- Label ------------------------------------------------------------------------------------


class LabelRequestForm(forms.Form):
    rna = forms.CharField(
        label="Numéro RNA",
        max_length=10,
        required=False,
        help_text="W suivi de 9 chiffres, inscrit sur le récépissé de la préfecture.",
        validators=[RegexValidator(r"^W\d{9}$", "Le numéro RNA s'écrit W suivi de 9 chiffres.")],
    )
    siret = forms.CharField(
        label="SIRET",
        max_length=17,
        required=False,
        help_text="14 chiffres ; nécessaire pour recevoir une subvention.",
    )
    statutes = document_field("Statuts de l'association")
    motivation = forms.CharField(
        label="Pourquoi devenir Relais COP21 ?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
        required=False,
        help_text="Vos actions pour la transition écologique, les publics que vous touchez.",
    )
    charter_accepted = forms.BooleanField(
        label="J'ai lu la charte des Relais COP21 et l'association s'engage à la respecter",
        error_messages={"required": "Acceptez la charte des Relais COP21 pour demander le label."},
    )

    def clean_rna(self):
        return self.cleaned_data["rna"].strip().upper()

    def clean_siret(self):
        siret = self.cleaned_data["siret"].replace(" ", "")
        if siret:
            validate_siret(siret)
        return siret

    def clean_statutes(self):
        return clean_document_size(self.cleaned_data.get("statutes"))

    def clean(self):
        data = super().clean()
        if (
            not data.get("rna")
            and not data.get("siret")
            and "rna" not in self.errors
            and "siret" not in self.errors
        ):
            self.add_error("rna", "Indiquez le numéro RNA ou le SIRET de l'association (ou les deux).")
        return data


# --- Application steps ------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    title = forms.CharField(label="Titre du programme", max_length=200, required=False)
    summary = forms.CharField(
        label="Résumé",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text="Quelques lignes : il sera publié avec le montant si la subvention est accordée.",
    )
    objectives = forms.CharField(
        label="Objectifs", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000, required=False
    )
    themes = forms.ModelMultipleChoiceField(
        label="Thèmes", queryset=Theme.objects.active(), required=False, widget=forms.CheckboxSelectMultiple
    )
    publics = forms.MultipleChoiceField(
        label="Publics visés",
        choices=TargetPublic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    programme_start = forms.DateField(label="Début du programme", required=False, widget=DATE_WIDGET)
    programme_end = forms.DateField(label="Fin du programme", required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        start, end = data.get("programme_start"), data.get("programme_end")
        if start and end and end < start:
            self.add_error("programme_end", "La fin du programme doit suivre son début.")
        return data


# Selects of repeatable rows start blank: an untouched extra row must not count as filled.
class PlannedActionForm(forms.Form):
    title = forms.CharField(label="Intitulé de l'action", max_length=200)
    public = forms.ChoiceField(label="Public", choices=BLANK + TargetPublic.choices)
    expected_participants = forms.IntegerField(
        label="Participants attendus",
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        widget=forms.NumberInput(attrs={"min": 1, "max": 100000}),
    )
    communes = forms.ModelMultipleChoiceField(
        label="Communes",
        queryset=Commune.objects.all(),  # French order (Commune.sort_name)
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
    )
    starts_on = forms.DateField(label="Début", widget=DATE_WIDGET)
    ends_on = forms.DateField(label="Fin", widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "La fin de l'action doit suivre son début.")
        return data


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(
        label="Poste",
        choices=[
            *BLANK,
            ("Dépenses", [(value, BudgetCategory(value).label) for value in EXPENSE_CATEGORIES]),
            ("Recettes", [(value, BudgetCategory(value).label) for value in INCOME_CATEGORIES]),
        ],
    )
    label = forms.CharField(label="Détail", max_length=200, required=False)
    amount = amount_field("Montant (€)")


class _BaseFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """The rows to keep: every existing row (changed or not) and the extra rows filled in,
        except those marked for deletion."""
        kept = []
        for index, form in enumerate(self.forms):
            existing = index < self.initial_form_count()
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            if existing or form.has_changed():
                kept.append({key: value for key, value in form.cleaned_data.items() if key != "DELETE"})
        return kept


PlannedActionFormSet = forms.formset_factory(
    PlannedActionForm,
    formset=_BaseFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    absolute_max=30,
    validate_max=True,
)
BudgetLineFormSet = forms.formset_factory(
    BudgetLineForm,
    formset=_BaseFormSet,
    extra=2,
    can_delete=True,
    max_num=40,
    absolute_max=40,
    validate_max=True,
)


class DocumentUploadForm(forms.Form):
    file = document_field("Fichier")

    def clean_file(self):
        return clean_document_size(self.cleaned_data.get("file"))


class OtherDocumentUploadForm(DocumentUploadForm):
    """A document the campaign does not ask for: the association names it."""

    title = forms.CharField(label="Titre du document", max_length=150, required=False)

    field_order = ["title", "file"]


class AnswersForm(forms.Form):
    certifies_accuracy = forms.BooleanField(
        label="Je certifie exactes les informations du dossier, y compris le budget.", required=False
    )
    certifies_obligations = forms.BooleanField(
        label="Je certifie que l'association est à jour de ses obligations sociales et fiscales "
        "(déclarations et paiements correspondants).",
        required=False,
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"question-{question.pk}"] = forms.CharField(
                label=question.label,
                help_text=question.help_text,
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=5000,
                required=False,
            )
        # Questions first, then the declarations.
        self.order_fields([f"question-{q.pk}" for q in self.questions])

    def answers(self) -> dict:
        return {str(q.pk): self.cleaned_data.get(f"question-{q.pk}", "") for q in self.questions}


class MessageForm(forms.Form):
    body = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    attachment = document_field("Pièce jointe", required=False)

    def clean_attachment(self):
        return clean_document_size(self.cleaned_data.get("attachment"))


# --- Bilan ------------------------------------------------------------------------------------


class BilanForm(forms.Form):
    actions_held = forms.IntegerField(
        label="Nombre d'actions réalisées",
        required=False,
        validators=[MinValueValidator(0), MaxValueValidator(10_000)],
        widget=forms.NumberInput(attrs={"min": 0, "max": 10000}),
    )
    account = forms.CharField(
        label="Compte rendu qualitatif",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        required=False,
        help_text="Ce qui a été réalisé, ce qui a marché, ce qui a moins bien marché, les suites.",
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"actual-{line.pk}"] = amount_field(
                f"{line.get_category_display()}{' · ' + line.label if line.label else ''} : réalisé (€)",
                required=False,
                help_text=f"Prévu : {line.amount} €",
            )
            self.fields[f"gap-{line.pk}"] = forms.CharField(
                label="Explication de l'écart (obligatoire au-delà de 10 %)",
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=1000,
                required=False,
            )

    def actuals(self) -> dict:
        return {
            line.pk: (self.cleaned_data.get(f"actual-{line.pk}"), self.cleaned_data.get(f"gap-{line.pk}", ""))
            for line in self.lines
        }

    def line_fields(self):
        return [(line, self[f"actual-{line.pk}"], self[f"gap-{line.pk}"]) for line in self.lines]


class ParticipationForm(forms.Form):
    public = forms.ChoiceField(label="Public", choices=BLANK + TargetPublic.choices)
    commune = CommuneChoiceField(label="Commune", required=True, empty_label="Choisir…")
    participants = forms.IntegerField(
        label="Participants",
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        widget=forms.NumberInput(attrs={"min": 1, "max": 100000}),
    )


ParticipationFormSet = forms.formset_factory(
    ParticipationForm,
    formset=_BaseFormSet,
    extra=2,
    can_delete=True,
    max_num=100,
    absolute_max=100,
    validate_max=True,
)


class BilanPhotoForm(forms.Form):
    image = forms.ImageField(
        label="Photo", help_text="JPEG, PNG, WebP ou GIF ; les métadonnées (GPS) sont retirées."
    )
    caption = forms.CharField(
        label="Légende", max_length=200, help_text="Décrit la photo pour qui ne la voit pas."
    )

    def clean_image(self):
        uploaded = self.cleaned_data["image"]
        return process_image(uploaded)
