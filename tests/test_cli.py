"""The command line: run, validate, and refusal of bad input (exit 2, one line each)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import pytest

from appraisal.cli import main
from tests.conftest import CASES, ROOT, minimal_case, write_toml

LINE = re.compile(r"^error: (?P<file>[^:]+): (?P<where>[^:]+): (?P<what>.+)$")


def test_run_writes_json_and_prints_the_table(tmp_path, capsys):
    assert main(["run", str(CASES / "xiangtan"), "--out", str(tmp_path), "--formats", "json"]) == 0
    out = capsys.readouterr().out
    assert "PROGRAM" in out and "bus-priority" in out
    summary = json.loads((tmp_path / "xiangtan.json").read_text("utf-8"))
    assert summary["case"]["name"].startswith("Xiangtan")


def test_validate_ok(capsys):
    assert main(["validate", str(CASES / "xiangtan" / "case.toml")]) == 0
    assert capsys.readouterr().out.startswith("ok:")


def _break(kind: str) -> tuple[dict, str, str]:
    """A broken case, the key path the message must name, and a word it must contain."""
    d = minimal_case()
    if kind == "missing key":
        del d["case"]["price_year"]
        return d, "case.price_year", "missing"
    if kind == "wrong type":
        d["economic"]["discount_rate"] = "nine percent"
        return d, "economic.discount_rate", "number"
    if kind == "wrong list length":
        d["components"][0]["streams"]["capital"] = [1.0] * 26
        return d, "components[0].streams.capital", "26 values"
    if kind == "negative life":
        comp = d["components"][0]
        del comp["streams"]
        comp["capital"] = {"civil_works": 10.0}
        comp["life_years"] = -5
        return d, "components[0].life_years", "out of range"
    if kind == "unknown carbon path":
        d["economic"]["carbon_price"] = "adb-2099"
        return d, "economic.carbon_price", "unknown carbon price path"
    if kind == "rate as percent":
        d["economic"]["discount_rate"] = 9
        return d, "economic.discount_rate", "decimals"
    raise AssertionError(kind)


KINDS = [
    "missing key",
    "wrong type",
    "wrong list length",
    "negative life",
    "unknown carbon path",
    "rate as percent",
]


@pytest.mark.parametrize("kind", KINDS)
def test_invalid_input_one_line_exit_2_nothing_written(tmp_path, capsys, kind):
    data, where, word = _break(kind)
    case = write_toml(tmp_path / "bad.toml", data)
    before = hashlib.sha256(case.read_bytes()).hexdigest()
    out_dir = tmp_path / "out"
    assert main(["run", str(case), "--out", str(out_dir)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    m = LINE.match(err[0])
    assert m, err[0]
    assert m["file"] == str(case) and m["where"] == where and word in m["what"]
    assert not out_dir.exists()
    assert hashlib.sha256(case.read_bytes()).hexdigest() == before


def test_every_problem_is_reported_in_one_run(tmp_path, capsys):
    d = minimal_case()
    d["economic"]["discount_rate"] = 9
    d["economic"]["carbon_price"] = "nope"
    del d["case"]["years"]
    case = write_toml(tmp_path / "bad.toml", d)
    assert main(["validate", str(case)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(LINE.match(e) for e in err)


def test_not_toml_and_missing_file(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[case\nname = 1\n", "utf-8")
    assert main(["validate", str(bad)]) == 2
    assert main(["validate", str(tmp_path / "nope.toml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(LINE.match(e) for e in err)


def test_console_script_gives_no_traceback(tmp_path):
    data, _, _ = _break("rate as percent")
    case = write_toml(tmp_path / "bad.toml", data)
    proc = subprocess.run(
        [sys.executable, "-m", "appraisal.cli", "run", str(case)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("error: ")


def test_every_command_has_help():
    # sqlite-utils' test_docs idea: a command without help text fails here.
    from appraisal.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, p in sub.choices.items():
        assert p.description, f"{name} lacks a description"
        helps = {a.help for a in sub._choices_actions if a.dest == name}
        assert helps and all(helps), f"{name} lacks help"


def test_docs_case_format_is_up_to_date():
    from appraisal.io.docs import case_format_markdown

    assert (ROOT / "docs" / "case-format.md").read_text("utf-8") == case_format_markdown(), (
        "run `make docs`"
    )


def test_unwritable_output_folder_is_one_line_not_a_traceback(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    code = main(
        ["run", str(CASES / "xiangtan"), "--out", str(blocker / "out"), "--formats", "json"]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and err[0].startswith("error: ")
    assert blocker.read_text("utf-8") == "not a folder"


def test_loan_grace_shorter_than_disbursement_is_a_located_error(tmp_path, capsys):
    import copy

    from tests.conftest import case_data

    data = copy.deepcopy(case_data("xiangtan"))
    data["financing"]["loan"]["grace_years"] = 2  # disbursed over 5 years
    from appraisal.case import CaseError, parse_case

    with pytest.raises(CaseError) as err:
        parse_case(data, source="x.toml")
    assert [p.path for p in err.value.problems] == ["financing.loan.grace_years"]


@pytest.mark.parametrize(
    "argv",
    [
        ["run", str(CASES / "xiangtan")],
        ["risk", str(CASES / "xiangtan"), "--draws", "10"],
        ["run", str(CASES)],  # a batch
        ["cluster", str(CASES / "changzhutan")],
        ["fund", str(CASES / "changzhutan")],
        ["compare", str(CASES / "xiangtan"), str(CASES / "astana")],
    ],
)
@pytest.mark.parametrize("formats", ["json,docx", "pdf,", ""])
def test_unknown_output_format_is_a_usage_error_before_any_work(tmp_path, capsys, argv, formats):
    # Expected: one error line naming --formats, exit 2, nothing written (README:
    # bad input never gives a traceback). cluster, fund and compare write no pdf.
    if formats == "pdf," and argv[0] in ("run", "risk"):
        formats = "json,xls"
    out = tmp_path / "out"
    code = main([*argv, "--out", str(out), "--formats", formats])
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("error: --formats "), err
    assert captured.out == "" and not out.exists()


def test_cli_case_formats_are_the_renderers():
    from appraisal.cli import _CASE_FORMATS
    from appraisal.io.outputs import RENDERERS

    assert tuple(RENDERERS) == _CASE_FORMATS


@pytest.mark.parametrize("under", [False, True])
def test_output_folder_that_is_a_file_says_a_folder_is_expected(tmp_path, capsys, under):
    # Before: "error: <path>: File exists" (or "Not a directory"), not saying what to do.
    blocker = tmp_path / "results"
    blocker.write_text("not a folder", "utf-8")
    out = blocker / "sub" if under else blocker
    code = main(["run", str(CASES / "xiangtan"), "--out", str(out), "--formats", "json"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1, err
    assert str(blocker) in err[0] and "where a folder is needed (check --out)" in err[0]
    assert blocker.read_text("utf-8") == "not a folder"
