"""The 360Giving schema, version 1.4.3, checked offline from the copies shipped in fundapp/reporting/data/360giving.

The validators are built once. The package schema's reference to the grant schema is a remote URL (it names version
1.4.2); a local registry maps that URL, and the grant schema's own $id, to the local grant schema, and it has no way
to fetch anything, so validation never touches the network. Both files say "$schema": "http://…/draft/2020-12/schema"
(http), which a validator may not recognise, so the draft is named explicitly. Format checking is on (with the
rfc3339-validator package, date-time is checked): without it a plain YYYY-MM-DD awardDate matches both branches of
its oneOf and fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_VERSION = "1.4.3"
# What the package's "version" says: the standard's major.minor, as the package schema asks.
PACKAGE_VERSION = "1.4"
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "360giving"
GRANT_SCHEMA_PATH = DATA_DIR / "360-giving-schema.json"
PACKAGE_SCHEMA_PATH = DATA_DIR / "360-giving-package-schema.json"

# A date or a date and time: the branches of the schema's oneOf for dates.
_DATE_ONE_OF_HINT = "a date (YYYY-MM-DD) or a full date and time"


@cache
def grant_schema() -> dict[str, Any]:
    """The grant record schema (read once from the package's data folder)."""
    return _load(GRANT_SCHEMA_PATH)


@cache
def package_schema() -> dict[str, Any]:
    """The package schema (read once from the package's data folder)."""
    return _load(PACKAGE_SCHEMA_PATH)


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def registry() -> Registry[Any]:
    """Every schema URL the validators may meet, each mapped to a local copy; anything else is unresolvable."""
    grant = DRAFT202012.create_resource(grant_schema())
    package = package_schema()
    grant_urls = {grant_schema()["$id"], package["properties"]["grants"]["items"]["$ref"]}
    resources: list[tuple[str, Resource[Any]]] = [(url, grant) for url in sorted(grant_urls)]
    resources.append((package["$id"], DRAFT202012.create_resource(package)))
    return Registry().with_resources(resources)


@cache
def grant_validator() -> Draft202012Validator:
    """A validator of one grant against the grant schema (draft 2020-12, formats checked, offline)."""
    return Draft202012Validator(grant_schema(), registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def package_validator() -> Draft202012Validator:
    """A validator of a whole package (its grants checked against the local grant schema, formats checked)."""
    return Draft202012Validator(
        package_schema(), registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def schema_problems(grant: Mapping[str, Any]) -> list[str]:
    """What is wrong with the grant against the 360Giving grant schema, in plain words ([] when it is valid)."""
    return _describe_all(grant_validator().iter_errors(grant))


def package_problems(package: Mapping[str, Any]) -> list[str]:
    """What is wrong with a whole package against the package schema, in plain words ([] when it is valid)."""
    return _describe_all(package_validator().iter_errors(package))


def _describe_all(errors: Iterable[ValidationError]) -> list[str]:
    ordered = sorted(errors, key=lambda e: [str(part) for part in e.absolute_path])
    return [describe_error(error) for error in ordered]


def describe_error(error: ValidationError) -> str:
    """One schema error as a sentence naming the field (its path in the record, like recipientOrganization.0.id)."""
    where = _path(error.absolute_path)
    instance = error.instance
    kind = error.validator
    if kind == "required":
        return f"{where}: {error.message.replace(' is a required property', '')} is missing"
    if kind == "oneOf" and isinstance(instance, dict):
        missing = _missing_required(instance)
        return f"{where}: the grant is missing {missing}" if error.absolute_path else f"The grant is missing {missing}"
    if kind == "oneOf":
        return f"{where}: {instance!r} is not {_DATE_ONE_OF_HINT}"
    if kind == "format":
        return f"{where}: {instance!r} is not a valid {error.validator_value}"
    if kind == "type":
        return f"{where}: should be {_a(error.validator_value)}, not {instance!r}"
    if kind == "enum":
        return f"{where}: {instance!r} is not one of the values the standard allows"
    if kind == "uniqueItems":
        return f"{where}: two or more items are exactly the same"
    if kind == "minItems":
        return f"{where}: needs at least {error.validator_value} item"
    return f"{where}: {error.message}"


def _path(parts: Sequence[str | int]) -> str:
    return ".".join(str(part) for part in parts) or "The record"


def _a(kind: object) -> str:
    if isinstance(kind, list):
        return " or ".join(_a(k) for k in kind)
    return {"array": "a list", "object": "an object", "integer": "a whole number", "null": "empty"}.get(
        str(kind), f"a {kind}"
    )


def _missing_required(instance: object) -> str:
    """Which of the fields every grant needs (to an organisation) the record lacks."""
    branches = grant_schema()["oneOf"]
    needed: list[str] = branches[0]["required"]
    present = instance if isinstance(instance, dict) else {}
    missing = [field for field in needed if field not in present]
    return ", ".join(missing) if missing else "a recipient organisation or a recipient individual (only one)"
