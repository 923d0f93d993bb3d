"""A batch written as its cases finish: the same bytes as the all-at-the-end write, flat memory.

Independent evidence: the files :func:`appraisal.io.batch_outputs.write_batch` writes
from items held in memory (the write of every batch before cases were staged as they
finish) and each case appraised alone; the file system for what is on disk when.
"""

from __future__ import annotations

import json

import pytest

import appraisal
from appraisal.batch import BatchItem, appraise_one, portfolio_summary, run_batch
from appraisal.cli import main
from appraisal.io.atomic import StagedWrite
from appraisal.io.batch_outputs import BatchWriter, write_batch
from appraisal.result import to_json
from tests.conftest import CASES

PATHS = [
    CASES / "excel-npv-example" / "case.toml",
    CASES / "filemaker-npv-ex1" / "case.toml",
    CASES / "changzhutan" / "changsha.toml",
]


def _files(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _portfolio(tmp_path, bad=False):
    folder = tmp_path / "portfolio"
    for p in PATHS:
        (folder / p.parent.name).mkdir(parents=True)
        (folder / p.parent.name / "case.toml").write_bytes(p.read_bytes())
    if bad:
        (folder / "bad.toml").write_text('[case]\nname = "bad"\n', "utf-8")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_batch_writes_what_write_batch_writes(tmp_path, capsys, jobs):
    folder = _portfolio(tmp_path, bad=True)
    out = tmp_path / "out"
    argv = ["run", str(folder), "--out", str(out), "--formats", "json,xlsx", "--jobs", jobs]
    assert main(argv) == 2  # the bad case fails alone
    assert "bad.toml" in capsys.readouterr().err
    expected = tmp_path / "expected"
    paths = sorted(folder.rglob("*.toml"))
    write_batch(run_batch(paths, formats="json,xlsx", jobs=1, root=folder), expected)
    assert _files(out) == _files(expected)  # byte for byte, portfolio.json included
    for p in PATHS:  # and each case's JSON is the case appraised alone
        alone = appraisal.appraise(appraisal.load_case(p)).to_json()
        assert (out / p.parent.name / f"{p.parent.name}.json").read_text("utf-8") == alone
    assert not [p for p in out.rglob(".*")]  # no temporary file left


def test_each_case_is_on_disk_and_released_before_the_next_is_appraised(tmp_path):
    out = tmp_path / "out"
    alone = {str(p): appraise_one(str(p), "json,pdf").outputs for p in PATHS}
    seen: list[BatchItem] = []
    with BatchWriter(out, PATHS, root=CASES) as write:

        def on_item(item: BatchItem) -> None:
            # jobs=1: called before the next case starts
            staged = sorted(out.rglob(".*.tmp"))
            assert len(staged) == 2 * len(seen)
            write(item)
            assert item.outputs == {} and item.summary is None and item.ok  # released
            folder = out / item.name
            on_disk = sorted(folder.glob(".*.tmp"))
            assert sorted(p.read_bytes() for p in on_disk) == sorted(alone[item.path].values())
            seen.append(item)

        items = run_batch(PATHS, formats="json,pdf", jobs=1, root=CASES, on_item=on_item)
        written = write.finish(items)
    assert len(written) == 2 * len(PATHS) + 1 and not list(out.rglob(".*.tmp"))
    for item in seen:
        assert (out / item.name / f"{item.slug}.pdf").read_bytes() == alone[item.path]["pdf"]


def test_released_items_give_the_same_portfolio(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[case]\nname = "bad"\n', "utf-8")
    items = run_batch([*PATHS, bad], jobs=1, root=CASES)
    before = to_json(portfolio_summary(items))
    for item in items:
        item.release()
    assert to_json(portfolio_summary(items)) == before
    assert [i.ok for i in items] == [True, True, True, False]
    assert json.loads(before)["failed"] == 1


def test_a_batch_stopped_midway_writes_nothing(tmp_path):
    out = tmp_path / "out"
    calls = []

    def stop_at_second(item: BatchItem) -> None:
        write(item)
        calls.append(item)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), BatchWriter(out, PATHS, root=CASES) as write:
        run_batch(PATHS, jobs=2, root=CASES, on_item=stop_at_second)
    assert len(calls) == 2 and not out.exists()  # temporary files and folders removed


def test_two_cases_for_one_folder_are_refused_before_any_work(tmp_path, capsys):
    folder = tmp_path / "dup"
    (folder / "a").mkdir(parents=True)
    (folder / "a.toml").write_bytes(PATHS[0].read_bytes())
    (folder / "a" / "case.toml").write_bytes(PATHS[0].read_bytes())
    assert main(["run", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 2
    # one line, no progress bar (no case was run), nothing written
    assert capsys.readouterr().err.splitlines() == [
        f"error: {folder / 'a.toml'}: (file): writes a/ like {folder / 'a' / 'case.toml'}; "
        "rename one of them (the output name is the file name, or the folder's for case.toml)"
    ]
    assert not (tmp_path / "out").exists()


def test_staged_write_renames_all_on_commit_and_nothing_otherwise(tmp_path):
    with StagedWrite() as staged:
        staged.add({tmp_path / "a" / "x.json": b"1"})
        staged.add({tmp_path / "b" / "y.json": b"2"})
        assert not (tmp_path / "a" / "x.json").exists()  # staged, not yet in place
    assert list(tmp_path.iterdir()) == []  # no commit: all removed
    with StagedWrite() as staged:
        staged.add({tmp_path / "a" / "x.json": b"1"})
        with pytest.raises(ValueError, match="written twice"):
            staged.add({tmp_path / "a" / "x.json": b"3"})
        staged.commit()
    assert _files(tmp_path) == {"a/x.json": b"1"}


def test_dask_batch_streams_the_same_bytes(tmp_path):
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "out"
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        BatchWriter(out, PATHS, root=CASES) as write,
    ):
        items = run_batch(PATHS, scheduler=cluster.scheduler_address, root=CASES, on_item=write)
        write.finish(items)
    assert all(i.ok and i.outputs == {} for i in items)
    expected = tmp_path / "expected"
    write_batch(run_batch(PATHS, jobs=1, root=CASES), expected)
    assert _files(out) == _files(expected)
