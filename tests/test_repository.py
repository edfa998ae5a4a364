"""The repository stands on its own: nothing in it points to documents outside it."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_tracked_file_refers_to_documents_outside_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    offenders = []
    for name in files.stdout.splitlines():
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".sh", ".js", ".css", ""}:
            continue
        if not path.is_file() or name == "tests/test_repository.py":
            continue
        text = path.read_text(errors="ignore")
        # The shared design documents of the founding team are not part of the project: the
        # project's own docs/ say the same things in its own words.
        if any(marker in text for marker in ("../shared", "/work/shared", "DESIGN.md", "STYLE.md")):
            offenders.append(name)
    assert offenders == []


def test_the_project_documents_its_architecture_and_conventions():
    architecture = (ROOT / "docs" / "architecture.md").read_text()
    conventions = (ROOT / "docs" / "conventions.md").read_text()
    assert "ten steps" in architecture and "pacte/portal.py" in architecture
    for example in ["pacte/services/registrations.py", "club_mailing_send", "World", "pacte/images.py"]:
        assert example in conventions
