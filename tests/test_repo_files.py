"""Files kept in the repository beside the package agree with their source."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_published_case_schema_is_the_package_schema() -> None:
    # templates/case_schema.toml is what the input template's instructions point a
    # loan officer at; `make template` copies it from the package, which reads
    # appraisal/data/case_schema.toml. A stale copy would document other fields.
    published = (ROOT / "templates" / "case_schema.toml").read_bytes()
    packaged = (ROOT / "appraisal" / "data" / "case_schema.toml").read_bytes()
    assert published == packaged, "run `make template` to refresh templates/case_schema.toml"
