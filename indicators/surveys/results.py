"""Results of a questionnaire, per question, with the threshold applied here once: a question (or
a whole questionnaire) with fewer answers than `min_answers` has no figure at all, so no page,
chart, table or export can show one.

Each function runs a fixed number of aggregate queries, whatever the number of answers: the
counts of a questionnaire (and of its first questionnaire, for a follow-up) come in one query, a
UNION of the aggregates (`_tallies`).
"""

from dataclasses import dataclass, field

from django.db.models import CharField, Count, IntegerField, Q, Sum, Value

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


def _tallies(parts: dict[str, object]) -> dict[str, tuple[dict, dict]]:
    """For each named set of answers: ({question id: {value: count}}, {question id: people who
    answered}), all in one query (a UNION ALL of the aggregates, tagged by set and kind)."""
    queries = []
    for name, answers in parts.items():
        queries.append(
            answers.exclude(number__isnull=True, choice="")
            .values("question_id", "number", "choice")
            .annotate(n=Count("id"))
            .annotate(tag=Value(f"{name}:value", output_field=CharField()))
            .values_list("tag", "question_id", "number", "choice", "n")
            .order_by()
        )
        queries.append(
            answers.values("question_id")
            .annotate(n=Count("response_id", distinct=True))
            .annotate(
                tag=Value(f"{name}:people", output_field=CharField()),
                no_number=Value(None, output_field=IntegerField()),
                no_choice=Value("", output_field=CharField()),
            )
            .values_list("tag", "question_id", "no_number", "no_choice", "n")
            .order_by()
        )
    tallies = {name: ({}, {}) for name in parts}
    first, *rest = queries
    for tag, question_id, number, choice, n in first.union(*rest, all=True):
        name, kind = tag.rsplit(":", 1)
        per_value, people = tallies[name]
        if kind == "people":
            people[question_id] = n
        else:
            value = choice if number is None else str(number)
            per_value.setdefault(question_id, {})[value] = n
    return tallies


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
    survey_shown = response_count >= survey.min_answers
    parts = {"self": Answer.objects.filter(question_id__in=[q.pk for q in questions])}
    comparing = bool(survey.follow_up_of_id and survey_shown)
    if comparing:
        parts.update(_comparison_parts(survey, questions))
    tallies = _tallies(parts)
    per_value, answered = tallies["self"]
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
    if comparing and "before" in tallies:
        _compare(survey, results, tallies)
    return results


def _compared_sources(questions) -> dict[int, Question]:
    return {q.source_id: q for q in questions if q.source_id and q.kind != QuestionKind.TEXT}


def _comparison_parts(survey: Survey, questions) -> dict:
    """The answers compared before (the first questionnaire) and after (this follow-up). When the
    answers name their people, only the people who answered both are compared."""
    sources = _compared_sources(questions)
    if not sources:
        return {}
    first = survey.follow_up_of
    after_answers = Answer.objects.filter(question_id__in=[q.pk for q in sources.values()])
    before_answers = Answer.objects.filter(question_id__in=sources)
    if not survey.is_anonymous and not first.is_anonymous:
        people = Response.objects.filter(survey=survey, user__isnull=False).values("user_id")
        both = Response.objects.filter(survey=first, user__in=people).values("user_id")
        after_answers = after_answers.filter(response__user__in=both)
        before_answers = before_answers.filter(response__user__in=both)
    return {"before": before_answers, "after": after_answers}


def _compare(survey: Survey, results: list[QuestionResult], tallies) -> None:
    """Before / after per question, from the tallies of `_comparison_parts`."""
    first = survey.follow_up_of
    matched = not survey.is_anonymous and not first.is_anonymous
    sources = {r.question.source_id: r for r in results if r.question.source_id and r.question.kind != "text"}
    before, before_people = tallies["before"]
    after, after_people = tallies["after"]
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


def text_questions_answered(survey: Survey, *, commune: str = "", search: str = "") -> list[Question]:
    """The free-text questions of the questionnaire, each with `answered` (people who answered),
    and, for the free answers' filters, `in_commune` (the answers at events of the `commune` slug,
    all when empty) and `found` (those of them that contain `search`): one query gives the
    threshold's counts and the page's total."""
    written = ~Q(answers__text="")
    here = written & (Q(answers__response__event__commune__slug=commune) if commune else Q())
    found = here & (Q(answers__text__icontains=search) if search else Q())
    return list(
        survey.questions.filter(kind=QuestionKind.TEXT).annotate(
            answered=Count("answers", filter=written),
            in_commune=Count("answers", filter=here),
            found=Count("answers", filter=found),
        )
    )


def free_answers(questions: list[Question], *, allowed, question=None, commune: str = "", search=""):
    """(queryset of free answers, count before the search, count after it) of the `allowed`
    questions (those shown: above the threshold), counted from `text_questions_answered(…)` with
    the same filters; the caller shows none when the count before the search is below the
    threshold too, so that a commune filter cannot single anybody out."""
    chosen = [q for q in questions if q.pk in allowed and (question is None or q.pk == question)]
    answers = (
        Answer.objects.filter(question_id__in=[q.pk for q in chosen])
        .exclude(text="")
        .select_related("question", "response__event__commune")
        .order_by("-response__submitted_on", "-id")
    )
    if commune:
        answers = answers.filter(response__event__commune__slug=commune)
    if search:
        answers = answers.filter(text__icontains=search)
    before_search = sum(q.in_commune for q in chosen)
    return answers, before_search, sum(q.found for q in chosen)


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
