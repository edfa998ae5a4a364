"""Results of a questionnaire, per question, with the threshold applied here once: a question (or
a whole questionnaire) with fewer answers than `min_answers` has no figure at all, so no page,
chart, table or export can show one.

Each function runs a fixed number of aggregate queries, whatever the number of answers.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from ..charts import bar_chart
from .forms import SCALE_CHOICES, YES_NO_CHOICES
from .models import Answer, Question, QuestionKind, Response, Survey


@dataclass
class QuestionResult:
    question: Question
    answered: int  # people who answered this question
    shown: bool
    rows: list[tuple[str, int]] = field(default_factory=list)  # (option, count)
    mean: float | None = None
    # Follow-ups: (option, before, after) rows and the means; None when below the threshold.
    comparison: list[tuple[str, int, int]] | None = None
    mean_before: float | None = None
    mean_after: float | None = None
    compared: int = 0  # people (matched) or answers (anonymous) compared
    matched: bool = False

    @property
    def chart(self):
        if not self.shown or self.question.kind == QuestionKind.TEXT:
            return ""
        return bar_chart(self.rows, title=self.question.label, unit=("réponse", "réponses"))

    def percent(self, count: int) -> float:
        return round(100 * count / self.answered, 1) if self.answered else 0.0


def options(question: Question) -> list[tuple[str, str]]:
    """(stored value, label) of every option, in the form's order."""
    if question.kind == QuestionKind.SCALE:
        return SCALE_CHOICES
    if question.kind == QuestionKind.YES_NO:
        return YES_NO_CHOICES
    return [(choice, choice) for choice in question.choice_list]


def _counts(question_ids) -> tuple[dict, dict]:
    """({question id: {value: count}}, {question id: people who answered})."""
    per_value: dict[int, dict[str, int]] = {}
    for row in (
        Answer.objects.filter(question_id__in=question_ids)
        .exclude(number__isnull=True, choice="")
        .values("question_id", "number", "choice")
        .annotate(n=Count("id"))
        .order_by()
    ):
        value = row["choice"] if row["number"] is None else str(row["number"])
        per_value.setdefault(row["question_id"], {})[value] = row["n"]
    answered = dict(
        Answer.objects.filter(question_id__in=question_ids)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
        .values_list("question_id", "n")
    )
    return per_value, answered


def _mean(question: Question, counts: dict[str, int]) -> float | None:
    if question.kind != QuestionKind.SCALE:
        return None
    total = sum(counts.values())
    if not total:
        return None
    return round(sum(int(value) * n for value, n in counts.items()) / total, 2)


def survey_results(survey: Survey, response_count: int) -> list[QuestionResult]:
    """Per question results; nothing shown when the questionnaire or the question is below its
    threshold."""
    questions = list(survey.questions.all())
    per_value, answered = _counts([q.pk for q in questions])
    survey_shown = response_count >= survey.min_answers
    results = []
    for question in questions:
        n = answered.get(question.pk, 0)
        shown = survey_shown and n >= survey.min_answers
        result = QuestionResult(question=question, answered=n, shown=shown)
        if shown and question.kind != QuestionKind.TEXT:
            counts = per_value.get(question.pk, {})
            result.rows = [(label, counts.get(value, 0)) for value, label in options(question)]
            result.mean = _mean(question, counts)
        results.append(result)
    if survey.follow_up_of_id and survey_shown:
        _compare(survey, results)
    return results


def _compare(survey: Survey, results: list[QuestionResult]) -> None:
    """Before (the first questionnaire) and after (this follow-up), per question. When the
    answers name their people, only the people who answered both are compared."""
    first = survey.follow_up_of
    matched = not survey.is_anonymous and not first.is_anonymous
    sources = {r.question.source_id: r for r in results if r.question.source_id and r.question.kind != "text"}
    if not sources:
        return
    after_answers = Answer.objects.filter(question__in=[r.question for r in sources.values()])
    before_answers = Answer.objects.filter(question_id__in=sources)
    if matched:
        people = Response.objects.filter(survey=survey, user__isnull=False).values("user_id")
        both = Response.objects.filter(survey=first, user__in=people).values("user_id")
        after_answers = after_answers.filter(response__user__in=both)
        before_answers = before_answers.filter(response__user__in=both)

    def tally(answers):
        table, people = {}, {}
        for row in (
            answers.values("question_id", "number", "choice")
            .annotate(n=Count("id"), p=Count("response_id"))
            .order_by()
        ):
            value = row["choice"] if row["number"] is None else str(row["number"])
            table.setdefault(row["question_id"], {})[value] = row["n"]
        for row in answers.values("question_id").annotate(p=Count("response_id", distinct=True)).order_by():
            people[row["question_id"]] = row["p"]
        return table, people

    before, before_people = tally(before_answers)
    after, after_people = tally(after_answers)
    for source_id, result in sources.items():
        question = result.question
        n_before, n_after = before_people.get(source_id, 0), after_people.get(question.pk, 0)
        compared = min(n_before, n_after)
        result.matched = matched
        result.compared = compared
        if compared < survey.min_answers or compared < first.min_answers:
            continue
        b, a = before.get(source_id, {}), after.get(question.pk, {})
        result.comparison = [(label, b.get(value, 0), a.get(value, 0)) for value, label in options(question)]
        result.mean_before, result.mean_after = _mean(question, b), _mean(question, a)


def text_questions_answered(survey: Survey) -> list[Question]:
    """The free-text questions of the questionnaire, each with `answered` (people who answered)."""
    return list(
        survey.questions.filter(kind=QuestionKind.TEXT).annotate(
            answered=Count("answers", filter=~Q(answers__text=""))
        )
    )


def free_answers(survey: Survey, *, allowed, question=None, commune=None, search=""):
    """(queryset of free answers, count before the search) of the `allowed` questions (those shown:
    above the threshold); the caller shows none when the filtered count is below the threshold
    too, so that a commune filter cannot single anybody out."""
    answers = (
        Answer.objects.filter(question_id__in=allowed)
        .exclude(text="")
        .select_related("question", "response__event__commune")
        .order_by("-response__submitted_on", "-id")
    )
    if question is not None:
        answers = answers.filter(question_id=question)
    if commune is not None:
        answers = answers.filter(response__event__commune=commune)
    before_search = answers.count()
    if search:
        answers = answers.filter(text__icontains=search)
    return answers, before_search


@dataclass
class SurveySummary:
    """One line of the dashboard's questionnaire table."""

    survey: Survey
    shown: bool  # enough answers to show the mean
    mean: float | None  # mean of the scale answers (1–5), None when hidden or without scale

    @property
    def rate(self) -> int | None:
        invited = self.survey.invitation_count
        return round(100 * self.survey.used_count / invited) if invited else None


def dashboard_summary(action: str | None = None, limit: int = 8) -> list[SurveySummary]:
    """The latest questionnaires (of one action, or all) with their answers, response rate and the
    mean of their scale questions, under the same threshold as the results: two queries."""
    surveys = Survey.objects.for_listing()
    if action:
        surveys = surveys.filter(action=action)
    surveys = list(surveys[:limit])
    scale = (
        Answer.objects.filter(
            question__survey__in=[survey.pk for survey in surveys],
            question__kind=QuestionKind.SCALE,
            number__isnull=False,
        )
        .values("question__survey")
        .annotate(total=Sum("number"), answers=Count("pk"))
        .order_by()
    )
    by_survey = {row["question__survey"]: row for row in scale}
    summaries = []
    for survey in surveys:
        row = by_survey.get(survey.pk)
        shown = survey.response_count >= survey.min_answers
        mean = None
        if shown and row and row["answers"] >= survey.min_answers:
            mean = round(row["total"] / row["answers"], 1)
        summaries.append(SurveySummary(survey, shown, mean))
    return summaries
