"""Limits on input (docs/limits.md): what used to hang, exhaust memory or raise.

Issue 14's adversarial corpus found: a 100,000-character case name hanging the PDF
(quadratic text fitting), ``risk.draws = 10**8`` growing past 2.5 GB, and tracebacks
for ``components = []``, deeply nested arrays and a NUL in ``case.country``. Each is
now refused as bad input (exit 2, one line naming the field or cell, nothing written)
or done in bounded time. The limits themselves (200 / 2,000 / 64 characters, 32
levels, 10^7 draws) are definitions, read from ``appraisal.schema`` and
``docs/limits.md``; the expected cut points of :func:`fit_text` come from the
earlier algorithm, copied below as the reference.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import math
import random
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from reportlab.pdfbase import pdfmetrics

from appraisal.case import CaseError, parse_case
from appraisal.cli import main
from appraisal.io.cases import parse_toml
from appraisal.io.pdf import drawing, render_pdf
from appraisal.io.pdf.fonts import BODY_BOLD, BODY_FONT, CJK_FONT, font_runs, register_fonts
from appraisal.io.template import template_bytes
from appraisal.schema import (
    KEY_LENGTH,
    LINE_LENGTH,
    MAX_DEPTH,
    PARAGRAPH_LENGTH,
    field_by_key,
    fields,
    validate,
)
from appraisal.uncertainty.montecarlo import MAX_DRAWS
from tests.conftest import CASES, ROOT, minimal_case

LINE = re.compile(r"^error: (?P<file>[^:]+): (?P<where>[^:]+): (?P<what>.+)$")


# ---------------------------------------------------------------- helpers


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)  # JSON string escapes (\u0000, \n) are TOML basic-string escapes
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        items = ", ".join(f"{json.dumps(str(k))} = {_toml_value(x)}" for k, x in v.items())
        return "{ " + items + " }"
    return repr(v)


def _toml(data: dict[str, Any]) -> str:
    """A case as TOML text: each top-level key one line (inline tables)."""
    return "".join(f"{k} = {_toml_value(v)}\n" for k, v in data.items())


def _refused(tmp_path: Path, capsys: Any, data_or_text: Any, where: str, word: str) -> None:
    """`validate` and `run` both exit 2 with one located line each, and write nothing."""
    text = data_or_text if isinstance(data_or_text, str) else _toml(data_or_text)
    case = tmp_path / "bad.toml"
    case.write_text(text, "utf-8")
    out = tmp_path / "out"
    for argv in (["validate", str(case)], ["run", str(case), "--out", str(out)]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1, err
        m = LINE.match(err[0])
        assert m, err
        assert (m["file"], m["where"]) == (str(case), where), err
        assert word in m["what"], err
        assert len(err[0]) < 400  # a bad value is quoted cut, never in full
    assert not out.exists()


def _concrete(key: str) -> str:
    """A key path of the schema made concrete: [] -> [0], * -> x."""
    return key.replace("[]", "[0]").replace("*", "x")


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    """Set the field ``key`` (a schema key) to ``value``, creating what leads to it."""
    parts = re.findall(r"[^.\[\]]+|\[\]", key.replace("*", "x"))
    cur: Any = data
    for i, part in enumerate(parts[:-1]):
        if part == "[]":
            continue
        nxt_is_array = parts[i + 1] == "[]"
        if nxt_is_array:
            cur = cur.setdefault(part, [{}])
            if not cur:
                cur.append({})
            cur = cur[0]
        else:
            cur = cur.setdefault(part, {})
    cur[parts[-1]] = value


TEXT_FIELDS = [f.key for f in fields() if f.type == "str"]


# ---------------------------------------------------------------- text fields


def test_the_limits_are_the_documented_ones() -> None:
    # docs/limits.md states each number; the schema is where the code reads them.
    doc = (ROOT / "docs" / "limits.md").read_text("utf-8")
    assert (LINE_LENGTH, PARAGRAPH_LENGTH, KEY_LENGTH, MAX_DEPTH) == (200, 2000, 64, 32)
    for figure in ("200", "2,000", "64", "32", "10,000,000"):
        assert figure in doc, figure
    assert field_by_key()["risk.draws"].max == MAX_DRAWS == 10_000_000
    assert field_by_key()["case.description"].length_limit == PARAGRAPH_LENGTH
    assert field_by_key()["case.name"].length_limit == LINE_LENGTH
    assert field_by_key()["components[].id"].length_limit == KEY_LENGTH


@pytest.mark.parametrize("key", TEXT_FIELDS)
def test_every_text_field_refuses_too_long_text_naming_the_field(key: str) -> None:
    limit = field_by_key()[key].length_limit
    assert limit is not None
    for length, refused in ((limit, False), (limit + 1, True)):
        data = minimal_case()
        _put(data, key, "a" * length)
        problems = [p for p in validate(data)[1] if p.path == _concrete(key)]
        too_long = [p for p in problems if "too long" in p.message]
        assert bool(too_long) == refused, (key, length, problems)
        if refused:
            assert too_long[0].message == (
                f"{limit + 1} characters is too long; expected at most {limit}"
            )


@pytest.mark.parametrize("key", TEXT_FIELDS)
def test_every_text_field_refuses_a_nul_naming_the_field(key: str) -> None:
    data = minimal_case()
    _put(data, key, "ab\x00c")
    problems = [str(p) for p in validate(data)[1]]
    expected = (
        f"{_concrete(key)}: contains the control character U+0000 at character 3; "
        "expected printable text"
    )
    assert expected in problems, problems


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\x85", "\ufffe"])
def test_other_control_characters_are_refused(char: str) -> None:
    # C0, DEL, C1 (U+0085 next line) and U+FFFE (not a character in XML 1.0)
    data = minimal_case()
    data["case"]["description"] = f"x{char}"
    assert [str(p) for p in validate(data)[1]] == [
        f"case.description: contains the control character U+{ord(char):04X} at "
        "character 2; expected printable text"
    ]


def test_tab_and_line_breaks_only_in_multiline_text() -> None:
    data = minimal_case()
    data["case"]["description"] = "Line 1\r\nLine 2\twith a tab"
    data["components"][0]["source"] = "FSR, Table 3\nPAM, para 12"
    assert validate(data)[1] == []
    data["case"]["name"] = "Xiangtan\nLow-Carbon"
    assert [str(p) for p in validate(data)[1]] == [
        "case.name: contains the control character U+000A at character 9; expected "
        "printable text (line breaks and tabs only in descriptions and sources)"
    ]


def test_names_of_user_named_members_are_limited_and_shown_escaped() -> None:
    data = minimal_case()
    data["economic"]["conversion_factors"] = {"k" * KEY_LENGTH: 1.0, "k" * 65: 1.0}
    data["economic"]["sources"] = {"\x1b[31mred": "x"}
    shown = "'" + "k" * 40 + "'..."
    assert [str(p) for p in validate(data)[1]] == [
        f"economic.conversion_factors.{shown}: a name of 65 characters is too long; "
        f"expected at most {KEY_LENGTH}",
        "economic.sources.'\\x1b[31mred': contains the control character U+001B at "
        "character 1; expected printable text",
    ]


def test_nul_in_the_country_is_refused_by_validate_and_run(tmp_path, capsys) -> None:
    # Was: validate "ok", then run crashed in openpyxl (IllegalCharacterError).
    data = minimal_case()
    data["case"]["country"] = "China\x00"
    _refused(tmp_path, capsys, data, "case.country", "control character U+0000")


def test_a_100000_character_name_is_refused_before_any_output(tmp_path, capsys) -> None:
    # Was: the PDF footer's fit_text ran for minutes (quadratic).
    data = minimal_case()
    data["case"]["name"] = "Xiangtan " * 11_112
    _refused(tmp_path, capsys, data, "case.name", "100008 characters is too long")


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    case = parse_case(minimal_case())
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(case)))
    names = {}
    for name in ("case_name", "case_country", "case_description"):
        sheet, cells = next(iter(wb.defined_names[name].destinations))
        names[name] = f"{sheet}!{cells.replace('$', '')}"
    return {"case": case, "names": names}


@pytest.mark.parametrize(
    ("key", "value", "word"),
    [
        ("name", "N" * 201, "201 characters is too long; expected at most 200"),
        ("country", "People's\nRepublic", "control character U+000A at character 9"),
        ("description", "D" * 2001, "2001 characters is too long; expected at most 2000"),
    ],
)
def test_a_filled_template_is_held_to_the_same_limits_naming_the_cell(
    tmp_path, capsys, template, key, value, word
) -> None:
    d = copy.deepcopy(template["case"].data)
    d["case"][key] = value
    path = tmp_path / "loan.xlsx"
    path.write_bytes(template_bytes(dataclasses.replace(template["case"], data=d)))
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    m = LINE.match(err[0])
    assert len(err) == 1 and m, err
    assert (m["file"], m["where"]) == (str(path), template["names"][f"case_{key}"])
    assert word in m["what"]
    assert not out.exists()


# ---------------------------------------------------------------- structure


def test_no_components_is_refused_by_validate_and_run(tmp_path, capsys) -> None:
    # Was: validate "ok", then run raised IndexError in the workbook writer.
    data = minimal_case()
    data["components"] = []
    _refused(tmp_path, capsys, data, "components", "has 0 entries; expected at least 1")


@pytest.mark.parametrize("levels", [MAX_DEPTH, 40, 3000])
def test_nesting_deeper_than_the_limit_is_refused(tmp_path, capsys, levels) -> None:
    # Top level 1 + components 2 + element 3 + streams 4 + benefits 5 + the list 6:
    # the benefit list below nests `levels - 6` lists more.
    data = minimal_case()
    extra = levels - 6
    text = _toml(data)
    deep = "[" * extra + "1.0" + "]" * extra
    text = text.replace('"time_savings" = [', f'"time_savings" = [{deep}, ', 1)
    assert text != _toml(data)
    if levels <= MAX_DEPTH:
        # as deep as allowed: the nesting passes and the value is refused as a number
        with pytest.raises(CaseError) as exc:
            parse_toml(text, source="x.toml")
        assert [p.path for p in exc.value.problems] == [
            "components[0].streams.benefits.time_savings[0]"
        ]
        return
    if levels < 300:
        where = "components[0].streams.benefits.time_savings" + "[0]" * (MAX_DEPTH - 5)
        word = f"nested {MAX_DEPTH + 1} or more deep; expected at most {MAX_DEPTH}"
    else:  # tomllib itself recurses: refused at the file, same limit stated
        where, word = "(toml)", f"expected at most {MAX_DEPTH}"
    _refused(tmp_path, capsys, text, where, word)


def test_deep_nesting_given_as_data_is_refused_without_recursion() -> None:
    # parse_case on data (the Python API): 100,000 levels, far past the recursion limit.
    data = minimal_case()
    deep: Any = 1.0
    for _ in range(100_000):
        deep = {"a": deep}
    data["case"]["name"] = deep
    with pytest.raises(CaseError) as exc:
        parse_case(data)
    assert len(exc.value.problems) == 1
    assert f"expected at most {MAX_DEPTH}" in exc.value.problems[0].message


def test_fund_and_cluster_read_a_malformed_cluster_toml_alike(tmp_path, capsys) -> None:
    # Was: `fund` printed a TOMLDecodeError traceback; `cluster` one line.
    folder = tmp_path / "cluster"
    shutil.copytree(CASES / "changzhutan", folder)
    (folder / "cluster.toml").write_text("[cluster\nname = 'x'\n", "utf-8")
    lines = []
    for argv in (["cluster", str(folder)], ["fund", str(folder), "--budget", "10"]):
        assert main([*argv, "--out", str(tmp_path / "out")]) == 2
        lines.append(capsys.readouterr().err.strip().splitlines())
    assert lines[0] == lines[1] and len(lines[0]) == 1
    assert lines[0][0].startswith(f"error: {folder / 'cluster.toml'}: (toml): not valid TOML")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- Monte Carlo draws


def test_draws_above_the_cap_are_refused_stating_the_cap_and_why(tmp_path, capsys) -> None:
    data = minimal_case()
    data["risk"] = {"draws": 100_000_000}
    _refused(tmp_path, capsys, data, "risk.draws", "expected 1 to 10000000 [draws] (each draw")
    data["risk"]["draws"] = MAX_DRAWS  # the cap itself is allowed
    assert validate(data)[1] == []


def test_monte_carlo_refuses_more_draws_than_the_cap_before_allocating(xiangtan_result) -> None:
    # The API and `risk --draws` bypass the case schema: the engine holds the same cap.
    from appraisal.workflow import risk

    with pytest.raises(ValueError, match="at most 10,000,000"):
        risk(xiangtan_result, MAX_DRAWS + 1)


# ---------------------------------------------------------------- PDF text fitting


def _fit_text_reference(text: str, width: float, size: float, font: str = BODY_FONT) -> str:
    """fit_text before issue 14 (rich_width inlined): drop one character, re-measure."""

    def rich_width(t: str) -> float:
        return float(sum(pdfmetrics.stringWidth(run, f, size) for f, run in font_runs(t, font)))

    if rich_width(text) <= width:
        return text
    while text and rich_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


@pytest.fixture(scope="module")
def fonts() -> None:
    register_fonts()


# Latin, Cyrillic, CJK (another font), a combining accent and a ligature, spaces
# (rstrip), the ellipsis itself, full-width forms.
ALPHABET = "abcdefghij XYZ  湘潭低碳 Астана\u0301ﬁ—…ＡＢ"


def test_fit_text_cuts_where_the_one_character_loop_cut(fonts) -> None:
    rng = random.Random(20240514)
    cut = 0
    for _ in range(4000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 80)))
        width = rng.uniform(0.0, 250.0)
        size = rng.choice([6.0, 7.0, 8.5, 11.0])
        font = rng.choice([BODY_FONT, BODY_BOLD, CJK_FONT])
        expected = _fit_text_reference(text, width, size, font)
        assert drawing.fit_text(text, width, size, font) == expected, (text, width, size, font)
        cut += expected != text
    assert 1000 < cut < 4000  # both branches (fits, cut) were exercised


def test_fit_text_measures_o_n_log_n_characters(fonts, monkeypatch) -> None:
    # Not timed: the characters handed to stringWidth are counted. The old loop
    # measured about n^2 / 2 of them (5e9 for n = 100,000).
    measured = [0]
    real = pdfmetrics.stringWidth

    def counting(text: str, font: str, size: float) -> float:
        measured[0] += len(text)
        return float(real(text, font, size))

    monkeypatch.setattr(drawing.pdfmetrics, "stringWidth", counting)
    for text in ("Xiangtan " * 11_112, "湘潭" * 50_000, "ab湘" * 33_334):
        n = len(text)
        measured[0] = 0
        out = drawing.fit_text(text, 300.0, 7.0)
        assert out.endswith("…") and len(out) < 200
        assert measured[0] <= n * (math.log2(n) + 4), (n, measured[0])


def test_pdf_bytes_are_those_of_the_one_character_loop(fonts, monkeypatch) -> None:
    # The footer cuts the case name (200 characters, two scripts, the schema's
    # limit); the tornado chart cuts long test names. Same bytes with the reference.
    data = minimal_case()
    data["case"]["name"] = ("Xiangtan 湘潭 low-carbon Улаанбаатар " * 8)[:LINE_LENGTH]
    import appraisal

    result = appraisal.appraise(parse_case(data))
    new = render_pdf(result)
    import appraisal.io.pdf.charts as charts
    import appraisal.io.pdf.document as document

    monkeypatch.setattr(document, "fit_text", _fit_text_reference)
    monkeypatch.setattr(charts, "fit_text", _fit_text_reference)
    assert render_pdf(result) == new
