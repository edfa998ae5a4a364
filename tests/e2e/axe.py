"""axe-core accessibility check of the page a Playwright test has open."""

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# Served by the route that tests/e2e/conftest.py `context` installs, from node_modules.
AXE_URL = "/__e2e__/axe.min.js"


def axe_violations(page) -> list[dict]:
    """The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL)
    results = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        WCAG_TAGS,
    )
    return [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}) : {violation['help']} — {violation['helpUrl']}"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target} : {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core, {page.url} :\n{describe(violations)}"
