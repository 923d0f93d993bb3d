"""The PDF annex: what a reader sees is what the summary table and the JSON say.

The PDF is read back with poppler (``pdftotext``, ``pdftoppm``, ``pdfinfo``,
``pdffonts``), an implementation independent of reportlab. Without poppler the
tests skip locally and fail on CI (``CI`` set), where scripts/system-deps.sh
installs it.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import appraisal
from appraisal import formatting as fmt
from appraisal.case import parse_case
from appraisal.io.pdf import SECTIONS, render_pdf
from appraisal.io.pdf.layout import num as layout_num
from appraisal.io.text import summary_table
from tests.conftest import CASES, minimal_case

# The structure of an ADB "Economic and Financial Analysis" linked document, as the
# issue lists it; written out here so that renaming a section breaks this test.
HEADINGS = [
    "1. The project and its components",
    "2. Method and assumptions",
    "3. Economic analysis",
    "4. Financial analysis",
    "5. GHG emissions and abatement cost",
    "6. Co-benefits",
    "7. Climate finance and adaptation",
    "8. Sensitivity and risk",
    "9. Checks and caveats",
]

NAME = "湘潭低碳转型 / Улаанбаатар / Астана"
COMPONENT = "Улаанбаатар ногоон орон сууц 乌兰巴托绿色住房"
COUNTRY = "Монгол Улс / Қазақстан / 中华人民共和国"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} (poppler-utils) is not installed: apt-get install poppler-utils"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=60)


def _text(pdf: Path) -> str:
    """pdftotext of the whole file; pages are separated by form feeds."""
    done = _run(_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-")
    assert done.returncode == 0, done.stderr
    return done.stdout


def _has(text: str, figure: str) -> bool:
    """Whether ``figure`` is printed in ``text`` as a whole number, not inside a longer one."""
    return re.search(rf"(?<![\d.,\-]){re.escape(figure)}(?![\d])", text) is not None


def _pages(pdf: Path) -> int:
    done = _run(_tool("pdfinfo"), str(pdf))
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


@pytest.fixture(scope="module")
def xiangtan(tmp_path_factory: pytest.TempPathFactory, xiangtan_result: Any) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "xiangtan.pdf"
    path.write_bytes(render_pdf(xiangtan_result))
    return path


@pytest.fixture(scope="module")
def xiangtan_text(xiangtan: Path) -> str:
    return _text(xiangtan)


def _summary_rows(result: Any) -> dict[str, list[str]]:
    """The terminal summary table, parsed: component id -> its cells."""
    lines = summary_table(result).splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("component")) + 2
    rows = {}
    for line in lines[start:]:
        if not line.strip():
            break
        cells = line.split()
        rows[cells[0]] = cells
    return rows


def test_headline_figures_exactly_as_the_summary_table(
    xiangtan_text: str, xiangtan_result: Any
) -> None:
    # Columns of the terminal table: id, ENPV, EIRR, BCR, ENPV w/o C, EIRR w/o C, FIRR,
    # tCO2e, cost per tonne, jobs. Every figure of every row must be in the PDF as printed.
    rows = _summary_rows(xiangtan_result)
    assert set(rows) == {c.id for c in xiangtan_result.components} | {"PROGRAM"}
    for cid, cells in rows.items():
        for col, label in ((1, "ENPV"), (2, "EIRR"), (8, "cost per tonne")):
            assert _has(xiangtan_text, cells[col]), f"{cid} {label} {cells[col]} not in the PDF"
        for value in cells[1:]:
            assert _has(xiangtan_text, value), f"{cid}: {value} not in the PDF"
    # ... and they are the JSON summary's numbers under the shared rounding rules.
    e = xiangtan_result.summary["economic"]
    assert rows["PROGRAM"][1] == fmt.money(e["enpv"])
    assert rows["PROGRAM"][2] == fmt.rate(e["eirr"])
    assert rows["PROGRAM"][8] == fmt.per_tonne(
        xiangtan_result.summary["abatement"]["cost_per_tco2e"]
    )


def test_every_section_heading_and_the_footer(xiangtan: Path, xiangtan_text: str) -> None:
    assert list(SECTIONS) == HEADINGS
    for heading in HEADINGS:
        assert heading in xiangtan_text
    assert "Economic and Financial Analysis" in xiangtan_text
    pages = xiangtan_text.split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) == _pages(xiangtan) >= 8
    for i, page in enumerate(pages, start=1):
        assert f"Page {i} of {len(pages)}" in page
        assert "Xiangtan Low-Carbon Transformation Sector Development Program" in page
        assert "USD million (2020 prices)" in page  # money unit and price year


def test_pdftoppm_renders_every_page(xiangtan: Path, tmp_path: Path) -> None:
    n = _pages(xiangtan)
    done = _run(_tool("pdftoppm"), "-png", "-r", "30", str(xiangtan), str(tmp_path / "p"))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # poppler reports damaged objects and missing fonts here
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == n
    assert all(p.stat().st_size > 1000 for p in images)


def test_charts_are_vector_graphics(xiangtan: Path, xiangtan_text: str) -> None:
    for caption in (
        "Net economic benefit by year",
        "Emissions without and with the program",
        "Marginal abatement cost curve",
    ):
        assert caption in xiangtan_text
    # No raster image anywhere: every chart is drawn with reportlab.graphics.
    assert b"/Subtype /Image" not in xiangtan.read_bytes()


def test_rerun_is_byte_identical_in_process_and_from_the_cli(
    xiangtan: Path, xiangtan_result: Any, tmp_path: Path
) -> None:
    first = xiangtan.read_bytes()
    # Another document rendered in between must not change the bytes (font subsets,
    # object numbering, IDs are per document).
    render_pdf(appraisal.appraise(parse_case(minimal_case())))
    assert render_pdf(xiangtan_result) == first
    assert b"D:20000101000000" in first  # invariant mode: fixed creation and modification dates
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "appraisal.cli",
            "run",
            str(CASES / "xiangtan"),
            "--out",
            str(tmp_path),
            "--formats",
            "pdf",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # `run` adds the Monte Carlo run a case declares ([risk]: its draws and seed), so the
    # fresh process is compared with the same appraisal done in process.
    case = appraisal.load_case(CASES / "xiangtan")
    with_risk = appraisal.appraise(case, risk_draws=case.data["risk"]["draws"])
    assert (tmp_path / "xiangtan.pdf").read_bytes() == render_pdf(with_risk)


@pytest.fixture(scope="module")
def multiscript(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    data = minimal_case()
    data["case"]["name"] = NAME
    data["case"]["country"] = COUNTRY
    data["components"][0]["name"] = COMPONENT
    data["components"][0]["id"] = "ub-housing"
    result = appraisal.appraise(parse_case(data))
    path = tmp_path_factory.mktemp("pdf") / "multiscript.pdf"
    path.write_bytes(render_pdf(result))
    return path, result


def test_chinese_and_cyrillic_names_render(multiscript: tuple[Path, Any]) -> None:
    path, result = multiscript
    text = _text(path)
    for s in (NAME, COUNTRY, COMPONENT, "Улаанбаатар", "湘潭低碳转型", "乌兰巴托绿色住房"):
        assert s in text, s
    # The footer carries the name on every page, both scripts included.
    assert text.count("Улаанбаатар") >= _pages(path)
    fonts = _run(_tool("pdffonts"), str(path)).stdout
    assert "STSong-Light" in fonts  # Chinese runs
    dejavu = [x for x in fonts.splitlines() if "DejaVuSans" in x]
    assert dejavu and all(" yes " in x for x in dejavu)  # embedded TrueType subsets
    out = path.parent / "multiscript"
    done = _run(_tool("pdftoppm"), "-png", "-r", "20", "-f", "1", "-l", "2", str(path), str(out))
    assert done.returncode == 0 and done.stderr == ""
    e = result.summary["economic"]
    assert _has(text, fmt.money(e["enpv"]))


def test_long_tables_split_with_the_header_repeated(tmp_path: Path) -> None:
    # 90 years: Table 3.1 (economic cash flow, one row a year) cannot fit one page.
    data = minimal_case()
    data["case"]["years"] = 90
    data["components"][0]["streams"]["benefits"]["time_savings"] = [0, 0] + [3.6] * 88
    path = tmp_path / "long.pdf"
    path.write_bytes(render_pdf(appraisal.appraise(parse_case(data))))
    pages = _text(path).split("\f")
    # "Total costs" is a header cell of Table 3.1 only.
    with_header = [p for p in pages if "Total costs" in p]
    assert len(with_header) >= 2, "Table 3.1 did not split with its header repeated"
    assert "2021" in with_header[0] and "2021" not in with_header[1]
    assert "2110" in with_header[-1]  # the last year, on a continuation page under the header


def test_section_8_not_computed(xiangtan_result: Any, tmp_path: Path) -> None:
    result = dataclasses.replace(xiangtan_result, sensitivity=None, risk=None)
    path = tmp_path / "none8.pdf"
    path.write_bytes(render_pdf(result))
    text = _text(path)
    assert "8. Sensitivity and risk" in text
    assert "Sensitivity analysis: not computed" in text
    assert "Risk analysis (Monte Carlo): not computed" in text


def test_section_8_from_the_engine(xiangtan_result: Any, tmp_path: Path) -> None:
    # The sensitivity tests appraise() runs (ADB's four and their combination, one a
    # delay in years) and a Monte Carlo run of the case's [risk] inputs, read back
    # from the PDF as the engine's figures under the shared rounding rules.
    result = appraisal.risk(xiangtan_result, draws=2000, seed=7)
    sens, risk = result.sensitivity, result.risk
    path = tmp_path / "s8.pdf"
    path.write_bytes(render_pdf(result))
    text = _text(path)
    assert "not computed" not in text
    for value in sens.table["enpv"]:
        assert _has(text, fmt.money(value))
    units = {str(r.test): sens.units.get(str(r.test)) for r in sens.table.itertuples()}
    assert "years" in units.values() and "decimal" in units.values()
    # Changes and switching values as the terminal prints them ("+10%", "+1 yr",
    # "+49.1%", "0.63 yr"): its sensitivity lines, read back, are in the PDF.
    terminal = summary_table(result).split("Sensitivity (ADB standard tests, program):")[1]
    for r in sens.table.itertuples():
        unit = units[str(r.test)]
        change = fmt.change(layout_num(r.change), unit or "decimal")
        sv = fmt.switching_value(layout_num(r.switching_value), unit or "decimal")
        for shown in (change, sv):
            if shown and shown != fmt.DASH:
                assert shown in terminal, (r.test, shown)
                assert shown in text, (r.test, shown)
        if unit == "decimal":
            assert _has(text, fmt.ratio(r.sensitivity_indicator)), r.test
    table = text.split("Sensitivity tests (")[1].split("Tornado")[0]
    assert "10.00%" not in table and "1.00 years" not in table  # the old, unlike the terminal
    for key in ("eirr_p5", "eirr_p50", "eirr_p95", "p_enpv_negative"):
        assert _has(text, fmt.rate(risk.summary[key])), key
    for key in ("enpv_p5", "enpv_p50", "enpv_p95"):
        assert _has(text, fmt.money(risk.summary[key])), key
    for caption in ("Tornado", "Distribution of the ENPV", "S-curve"):
        assert caption in text
    # The drivers and the inputs in words: the case schema's labels of the sensitivity
    # changes of the same name (data/case_schema.toml, sensitivity.tests[].carbon_price
    # "Change in carbon value", .operating "Change in O&M cost", .delay_years "Delay of
    # benefits (years)"), not the codes of cases/xiangtan's [[risk.variables]].
    drivers = text.split("What drives the ENPV")[1].split("9. Checks and caveats")[0]
    for words in ("Carbon value", "O&M cost", "Capital cost", "Delay of benefits"):
        assert words in drivers, words
    assert "carbon_price" not in drivers and "operating" not in drivers
    done = _run(_tool("pdftoppm"), "-png", "-r", "20", str(path), str(tmp_path / "p"))
    assert done.returncode == 0 and done.stderr == ""
    assert render_pdf(result) == path.read_bytes()


def test_words_not_codes_and_headers_whole(xiangtan_text: str, xiangtan_result: Any) -> None:
    # Check codes are shown as their labels (appraisal.checks.CHECK_LABELS), the carbon
    # path by its description, the program's revenue as a count of its parts, and a
    # header word is never broken inside ("Commitm / ent fee" was).
    from appraisal.checks import check_label

    s = xiangtan_result.summary
    for c in s["checks"]:
        assert check_label(c["code"]) in xiangtan_text
        if "-" in c["code"]:  # a code, not a word
            assert c["code"] not in xiangtan_text, c["code"]
    cp = s["carbon_price"]
    assert cp["description"].split(":")[0] in xiangtan_text
    assert f"{cp['path']}: {cp['description']}" not in xiangtan_text
    # Each compared path by the words of its data file, data/carbon_paths/<id>.toml
    # (its description up to the colon), never by its id ("us-epa-2023-2.0" was).
    from appraisal.carbon import carbon_paths

    words = " ".join(xiangtan_text.split())  # a long name wraps in its cell
    assert len(s["carbon"]["paths"]) == 4  # cases/xiangtan: carbon_paths_compared
    for row in s["carbon"]["paths"]:
        assert carbon_paths()[row["path"]].description.split(":")[0] in words, row["path"]
        assert row["path"] not in xiangtan_text, row["path"]
    assert f"times the chosen carbon path ({cp['description'].split(':')[0]})" in words
    earning = sum(c["financial"]["revenue_earning"] for c in s["components"])
    assert f"{earning} of {len(s['components'])}" in xiangtan_text
    lines = xiangtan_text.splitlines()
    for word in ("Commitment", "Principal", "Weighted", "Sensitivity", "Switching"):
        assert word in xiangtan_text, word
        assert not any(line.strip() == word[:-3] for line in lines), word
