"""Batch: results equal one-by-one results, in a process pool and through a Dask LocalCluster."""

from __future__ import annotations

import io
import json

import pytest

import appraisal
from appraisal.batch import appraise_one, run_batch
from appraisal.io.batch_outputs import write_batch
from appraisal.io.folders import discover
from appraisal.io.progress import DrawsBar, ProgressBar
from tests.conftest import CASES

# Small, quick cases: the batch machinery is under test, not the engine.
PATHS = [
    CASES / "excel-npv-example" / "case.toml",
    CASES / "filemaker-npv-ex1" / "case.toml",
    CASES / "changzhutan" / "changsha.toml",
]


def one_by_one(path):
    return appraisal.appraise(appraisal.load_case(path)).to_json()


def test_discover_finds_cases_and_cluster_cities():
    found = discover(CASES)
    assert CASES / "xiangtan" / "case.toml" in found
    assert CASES / "changzhutan" / "zhuzhou.toml" in found
    assert not any(p.name in ("cluster.toml", "expected.toml") for p in found)


def test_process_pool_results_equal_one_by_one():
    seen = []
    items = run_batch(PATHS, jobs=2, progress=lambda d, t, f: seen.append((d, t, f)))
    assert [i.path for i in items] == [str(p) for p in PATHS]  # input order kept
    for item, path in zip(items, PATHS, strict=True):
        assert item.ok and item.summary == one_by_one(path)  # same bytes
        assert item.outputs["json"] == item.summary.encode()
    assert seen[-1] == (3, 3, 0)


def test_a_bad_case_fails_alone_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[case]\nname = "bad"\n', "utf-8")
    items = run_batch([PATHS[0], bad], jobs=1, root=tmp_path)
    assert items[0].ok and not items[1].ok
    assert any("case.price_year" in e for e in items[1].errors)
    written = write_batch(items, tmp_path / "out")
    assert not (tmp_path / "out" / "bad").exists()
    doc = json.loads((tmp_path / "out" / "portfolio.json").read_text())
    assert (doc["ok"], doc["failed"]) == (1, 1)
    assert len(written) == 2


def test_dask_local_cluster_results_equal_one_by_one():
    distributed = pytest.importorskip("distributed")
    # processes=False: workers are threads of this process (fast, no subprocess warnings);
    # the client still talks to the scheduler by its address, as with a remote cluster.
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        items = run_batch(PATHS, scheduler=cluster.scheduler_address)
    for item, path in zip(items, PATHS, strict=True):
        assert item.ok and item.summary == one_by_one(path)


def test_progress_bar_draws_once_off_a_terminal():
    buf = io.StringIO()
    bar = ProgressBar(buf)
    for done in range(1, 4):
        bar(done, 3, 0)
    assert buf.getvalue() == "\r[" + "#" * 30 + "] 3/3 cases\n"
    draws = io.StringIO()
    bar_draws = DrawsBar(draws)
    for done in (100_000, 250_000):
        bar_draws(done, 250_000)
    assert draws.getvalue() == "\r[" + "#" * 30 + "] 250,000/250,000 draws\n"
    assert appraise_one(str(PATHS[0])).slug == "excel-npv-example"


def test_cli_run_folder_is_a_batch(tmp_path, capsys):
    from appraisal.cli import main

    folder = tmp_path / "portfolio"
    for p in PATHS[:2]:
        (folder / p.parent.name).mkdir(parents=True)
        (folder / p.parent.name / "case.toml").write_bytes(p.read_bytes())
    out = tmp_path / "out"
    assert main(["run", str(folder), "--out", str(out), "--formats", "json", "--jobs", "1"]) == 0
    assert "excel-npv-example" in capsys.readouterr().out
    assert (out / "filemaker-npv-ex1" / "filemaker-npv-ex1.json").read_text() == one_by_one(
        PATHS[1]
    )


def test_a_declared_risk_analysis_runs_in_a_batch_as_in_a_single_run(tmp_path):
    # Independent evidence: `appraisal run` on the case alone (docs/cluster.md: batch
    # results are byte-for-byte those of running each case alone). Xiangtan declares
    # [risk] inputs (10,000 draws, its own seed), so both JSON files carry "risk".
    from appraisal.cli import main

    xiangtan = CASES / "xiangtan" / "case.toml"
    assert main(["run", str(xiangtan), "--out", str(tmp_path / "one"), "--formats", "json"]) == 0
    alone = (tmp_path / "one" / "xiangtan.json").read_bytes()
    (item,) = run_batch([xiangtan], jobs=1, root=CASES)
    assert item.ok and "risk" in json.loads(item.summary)
    assert item.outputs["json"] == alone
