from django import forms

from .enums import PublicCategory
from .models import Commune, User


class CommuneChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Commune.objects.order_by("name"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "Hors de la Métropole ou non précisée")
        kwargs.setdefault("label", "Commune de résidence")
        super().__init__(**kwargs)


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form gains: only what the programme needs (RGPD minimisation).

    allauth builds its sign-up form on top of this class; `field_order` puts the account fields
    (allauth's) before the profile fields (ours).
    """

    field_order = ["email", "password1", "password2", "first_name", "last_name", "home_commune", "category"]

    first_name = forms.CharField(label="Prénom", max_length=150, required=True)
    last_name = forms.CharField(label="Nom", max_length=150, required=True)
    home_commune = CommuneChoiceField()
    category = forms.ChoiceField(
        label="Vous êtes", choices=PublicCategory.choices, initial=PublicCategory.HABITANT
    )

    def signup(self, request, user):
        """allauth hook; the adapter already copied the fields."""


class ProfileForm(forms.ModelForm):
    home_commune = CommuneChoiceField()

    class Meta:
        model = User
        fields = ["first_name", "last_name", "home_commune", "category"]


class AccountDeletionForm(forms.Form):
    confirm = forms.BooleanField(
        label="Je comprends que mon compte sera supprimé définitivement.",
        required=True,
        error_messages={"required": "Cochez la case pour confirmer la suppression."},
    )


class AttendanceForm(forms.Form):
    walk_in_count = forms.IntegerField(label="Personnes venues sans inscription", min_value=0, initial=0)

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"] = forms.MultipleChoiceField(
            label="Personnes inscrites présentes",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(r.pk, r.user.display_name if r.user_id else "Compte supprimé") for r in registrations],
        )
