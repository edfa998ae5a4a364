# The questionnaire builder lives with the surveys (indicators/surveys/admin.py).
from .surveys import admin as surveys_admin  # noqa: F401
