"""360Giving: the award register published as open data, checked offline against the standard (schema 1.4.3).

- mapping: a register row as a grant record (Publisher, publisher_from_config, is_published, grant_record);
- quality: the data-quality rules (Problem, quality_problems);
- schema: the local schema copies and validators built once (schema_problems, package_problems);
- writers: the JSON package and the flat CSV and XLSX, written one grant at a time.
"""

from __future__ import annotations

from fundapp.reporting.threesixtygiving.mapping import (
    Publisher,
    grant_record,
    is_published,
    publisher_from_config,
)
from fundapp.reporting.threesixtygiving.quality import Problem, quality_problems
from fundapp.reporting.threesixtygiving.schema import package_problems, schema_problems
from fundapp.reporting.threesixtygiving.writers import (
    FLAT_HEADER,
    write_flat_csv,
    write_flat_xlsx,
    write_package_json,
)

__all__ = [
    "FLAT_HEADER",
    "Problem",
    "Publisher",
    "grant_record",
    "is_published",
    "package_problems",
    "publisher_from_config",
    "quality_problems",
    "schema_problems",
    "write_flat_csv",
    "write_flat_xlsx",
    "write_package_json",
]
