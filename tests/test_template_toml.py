"""Round trips of a case through the input template and back to TOML.

Expected values here are identities: TOML -> xlsx -> TOML gives the same case
data and the same results.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from appraisal.cli import main
from appraisal.io.cases import load_case, parse_toml
from appraisal.io.template import case_to_toml, read_template, template_bytes
from appraisal.workflow import appraise
from tests.conftest import CASE_FILES


def _summary(case: Any) -> dict[str, Any]:
    return json.loads(appraise(case).to_json())


@pytest.mark.parametrize("case_file", CASE_FILES, ids=lambda p: p.parent.name)
def test_round_trip_toml_xlsx_toml(tmp_path, case_file):
    case = load_case(case_file)
    xlsx = tmp_path / "case.xlsx"
    xlsx.write_bytes(template_bytes(case))
    back = read_template(xlsx)
    assert back.data == case.data
    toml_text = case_to_toml(back)
    again = parse_toml(toml_text)
    assert again.data == case.data
    assert _summary(back) == _summary(case) == _summary(again)


def test_convert_cli_both_ways_and_refuses_to_overwrite(tmp_path, capsys):
    src = CASE_FILES[0]
    xlsx, toml = tmp_path / "c.xlsx", tmp_path / "c.toml"
    assert main(["convert", str(src), "--to", "xlsx", "--out", str(xlsx)]) == 0
    assert main(["convert", str(xlsx), "--to", "toml", "--out", str(toml)]) == 0
    assert load_case(toml).data == load_case(src).data
    before = hashlib.sha256(xlsx.read_bytes()).hexdigest()
    assert main(["convert", str(xlsx), "--to", "xlsx", "--out", str(xlsx)]) == 2
    assert main(["convert", str(src), "--to", "xlsx", "--out", str(xlsx)]) == 2  # exists
    assert hashlib.sha256(xlsx.read_bytes()).hexdigest() == before
    assert "would replace this input" in capsys.readouterr().err
