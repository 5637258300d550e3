"""House rules that a reviewer would otherwise have to remember, checked on every run."""

from __future__ import annotations

import re
from pathlib import Path

FUNDAPP = Path(__file__).resolve().parents[2] / "fundapp"


def _python_files() -> list[Path]:
    return sorted(FUNDAPP.rglob("*.py"))


def test_status_is_only_assigned_inside_services() -> None:
    """State changes are explicit, audited transitions: only services.py files may set `.status`."""
    assignment = re.compile(r"\.status\s*=[^=]")
    offenders = [
        f"{path.relative_to(FUNDAPP)}:{number}"
        for path in _python_files()
        if path.name != "services.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if assignment.search(line)
    ]
    assert offenders == []


def test_only_jobs_cli_and_the_request_boundary_commit() -> None:
    """Services flush; commits happen once per request, per CLI command or per job."""
    allowed = {"transactions.py", "jobs.py", "cli.py"}
    offenders = [
        f"{path.relative_to(FUNDAPP)}:{number}"
        for path in _python_files()
        if path.name not in allowed
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "session.commit()" in line
    ]
    assert offenders == []


def test_nothing_reads_the_shared_folder_at_run_time() -> None:
    """The project is self-contained: a fresh clone has no ../shared."""
    offenders = [str(path) for path in _python_files() if "shared/" in path.read_text()]
    assert offenders == []


def test_every_domain_package_is_present() -> None:
    for name in ("core", "accounts", "programmes", "applications", "assessment", "awards", "reporting"):
        assert (FUNDAPP / name / "__init__.py").is_file(), name
