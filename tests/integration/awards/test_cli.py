"""`flask letters build`: issues the letters of the awards ready for one (in this process with --workers 1), writes
every current letter of the call into the folder with a manifest, and says clearly what it did or why it could not."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from fundapp.accounts.states import StaffRole
from fundapp.awards.states import AwardStatus
from fundapp.extensions import db
from tests.factories import staff_user
from tests.integration.awards.test_batches import letters_call, reload


def build(app, *args: str):  # type: ignore[no-untyped-def]
    db.session.commit()  # the command runs in its own session: let it see the test's rows
    return app.test_cli_runner().invoke(args=["letters", "build", *args])


def test_build_issues_the_ready_letters_and_writes_every_letter_with_a_manifest(app, db_session, tmp_path) -> None:
    world = letters_call(ready=2, waiting=1)
    out = tmp_path / "letters"
    result = build(app, "--round", world.setup.round.code, "--output", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output + result.stderr
    manager = world.setup.manager
    assert (
        f"Letters are signed by {manager.full_name} <{manager.email}> (the call's first fund manager" in result.output
    )
    assert (
        f"{world.setup.round.code}: issued 2 letters, skipped 1 waiting on due diligence, wrote 3 files to {out}."
        in result.output
    )
    assert [reload(a).status for a in world.ready] == [AwardStatus.LETTER_ISSUED] * 2
    assert reload(world.waiting[0]).status == AwardStatus.OFFERED
    assert reload(world.ready[0]).letter_issued_by_id == manager.id
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{a.reference}.pdf" for a in world.ready] + ["manifest.csv"])
    with (out / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert row["sha256"] == hashlib.sha256((out / f"{row['reference']}.pdf").read_bytes()).hexdigest()


def test_build_again_issues_nothing_new_and_still_writes_the_letters(app, db_session, tmp_path) -> None:
    world = letters_call(ready=1, waiting=0)
    build(app, "--round", world.setup.round.code, "--output", str(tmp_path / "first"), "--workers", "1")
    result = build(app, "--round", world.setup.round.code, "--output", str(tmp_path / "again"), "--workers", "1")
    assert result.exit_code == 0, result.output + result.stderr
    assert "issued 0 letters, skipped 0 waiting on due diligence, wrote 2 files" in result.output
    assert (Path(tmp_path / "again") / f"{world.ready[0].reference}.pdf").read_bytes().startswith(b"%PDF")


def test_build_signs_as_the_fund_manager_named_with_actor(app, db_session, tmp_path) -> None:
    world = letters_call(ready=1, waiting=0)
    other = staff_user(StaffRole.FUND_MANAGER, round_id=world.setup.round.id)
    result = build(
        app, "--round", world.setup.round.code, "--output", str(tmp_path), "--actor", other.email, "--workers", "1"
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert f"Letters are signed by {other.full_name} <{other.email}>." in result.output
    assert reload(world.ready[0]).letter_issued_by_id == other.id


def test_build_refuses_an_actor_who_is_not_a_fund_manager_of_the_call(app, db_session, tmp_path) -> None:
    world = letters_call(ready=1, waiting=0)
    result = build(
        app, "--round", world.setup.round.code, "--output", str(tmp_path), "--actor", world.setup.finance.email
    )
    assert result.exit_code == 1
    assert f"{world.setup.finance.email} is not a fund manager of {world.setup.round.code}" in result.stderr
    assert reload(world.ready[0]).status == AwardStatus.OFFERED


def test_build_refuses_an_unknown_call(app, db_session, tmp_path) -> None:
    result = build(app, "--round", "NOPE-1", "--output", str(tmp_path))
    assert result.exit_code == 1
    assert "No call has the code 'NOPE-1'" in result.stderr


def test_build_refuses_a_call_whose_outcomes_are_not_published(app, db_session, tmp_path) -> None:
    world = letters_call(ready=1, waiting=0, publish=False)
    result = build(app, "--round", world.setup.round.code, "--output", str(tmp_path))
    assert result.exit_code == 1
    assert "have not been published yet" in result.stderr
    assert not any(tmp_path.iterdir())
