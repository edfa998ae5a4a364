from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
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
