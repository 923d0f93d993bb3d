"""The command line: ``appraisal run|validate|...``.

A thin layer (sqlite-utils is the model): each command parses its options,
makes one library call, writes the result. No arithmetic here. Bad input gives
one line per problem, ``error: <file>: <where>: <what>``, and exit code 2; the
form and every exit code are in docs/errors.md.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TypeAlias

from appraisal._version import __version__
from appraisal.case import CaseError
from appraisal.io.atomic import ReplacesInputError, check_outputs

__all__ = ["main"]

# Exit codes (docs/errors.md): 0 done; 2 bad input or usage; 1 the machine (a
# folder we may not write, a full disk, a missing font); 130 interrupted; 141 the
# reader of our output went away (a closed pipe: `| head`), as for cat or grep.
EXIT_INPUT = 2
EXIT_ENVIRONMENT = 1
EXIT_INTERRUPTED = 130
EXIT_CLOSED_PIPE = 141
# What --formats may name: a case's outputs (appraisal.io.outputs.RENDERERS, not
# imported here so --help stays fast) and those of cluster, fund and compare.
_CASE_FORMATS = ("json", "xlsx", "pdf")
_TABLE_FORMATS = ("json", "xlsx")
_FORMATS_HELP = {_CASE_FORMATS: "comma-separated outputs to write", _TABLE_FORMATS: "outputs"}


class UsageError(Exception):
    """An input problem that is not a case problem (e.g. a bad option value)."""


class _Parser(argparse.ArgumentParser):
    """argparse with one ``error: <where>: <what>`` line (exit 2) instead of its usage lines."""

    def error(self, message: str) -> NoReturn:
        where, what = self.prog, message
        if m := re.match(r"argument (\S+): (.*)", message):
            where, what = m.groups()
        elif m := re.match(r"the following arguments are required: (.*)", message):
            where, what = m.group(1), "missing"
        elif m := re.match(r"unrecognized arguments: (.*)", message):
            where, what = m.group(1), "not an option of this command"
        raise UsageError(f"{where}: {what}; see `{self.prog} --help`")


def _formats(value: str, allowed: Sequence[str]) -> str:
    """The --formats list, checked before any work: a typo must not cost a run."""
    wanted = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in allowed]
    if unknown or not wanted:
        got = ", ".join(repr(f) for f in unknown) if unknown else "nothing"
        raise UsageError(
            f"--formats {value!r}: unknown or empty ({got}); expected one or more of "
            f"{', '.join(allowed)}, comma-separated"
        )
    return ",".join(wanted)


def _add_output_options(p: argparse.ArgumentParser, *, out: str, formats: tuple[str, ...]) -> None:
    """--out and --formats of a command that writes outputs; ``main`` checks --formats first."""
    p.add_argument("--out", help=f"output folder (default {out})")
    default = ",".join(formats)
    p.add_argument(
        "--formats", default=default, help=f"{_FORMATS_HELP[formats]} (default {default})"
    )
    p.set_defaults(allowed_formats=formats)


_Commands: TypeAlias = "argparse._SubParsersAction[_Parser]"


def _command(
    sub: _Commands, name: str, func: Callable[..., int], summary: str
) -> argparse.ArgumentParser:
    """The sub-command ``name`` (``summary`` in the list), run by ``func``; its docstring is
    the command's --help description."""
    p = sub.add_parser(name, help=summary, description=func.__doc__)
    p.set_defaults(func=func)
    return p


def _add_force(p: argparse.ArgumentParser) -> None:
    """--force of a command that writes one file."""
    p.add_argument("--force", action="store_true", help="overwrite an existing file")


def _out_dir(args: argparse.Namespace, default: str) -> Path:
    """The --out folder, else out/<default>."""
    return Path(args.out) if args.out else Path("out") / default


def _print_written(paths: Sequence[Path]) -> None:
    for path in paths:
        print(f"wrote {path}")


def _print_case_error(exc: CaseError) -> None:
    for p in exc.problems:
        print(f"error: {exc.source}: {p.path}: {p.message}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    """Appraise a case; print the summary; write JSON (and workbook, PDF) to --out.

    Given a folder without case.toml, appraise every case in it as a batch: in
    parallel processes (--jobs), or on a Dask cluster (--scheduler ADDRESS).
    """
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(
            f"--jobs {args.jobs}: not a number of workers; expected a whole number >= 1"
        )
    target = Path(args.case)
    if target.is_dir() and not (target / "case.toml").exists():
        return _run_batch(args, target)  # before this path's imports: the batch needs none
    from appraisal.io.cases import load_case
    from appraisal.io.outputs import output_paths, render_ahead, write_outputs
    from appraisal.io.progress import risk_progress
    from appraisal.io.text import summary_table
    from appraisal.workflow import appraise

    case = load_case(args.case)
    out = _out_dir(args, case.slug)
    check_outputs(out, output_paths(case.slug, out, args.formats).values(), [case.path])
    draws = case.declared_risk_draws  # a declared [risk] runs with its draws and seed
    bar = risk_progress(case) if draws is not None else None
    with render_ahead(args.formats) as ahead:  # writers load in children meanwhile
        result = appraise(case, risk_draws=draws, progress=bar)
        written = write_outputs(result, out, formats=args.formats, ahead=ahead)
    sys.stdout.write(summary_table(result))
    _print_written(written)
    return 0


def _run_batch(args: argparse.Namespace, folder: Path) -> int:
    from appraisal.batch import run_batch
    from appraisal.io.batch_outputs import BatchWriter
    from appraisal.io.folders import discover
    from appraisal.io.progress import ProgressBar
    from appraisal.io.text import portfolio_text

    paths = discover(folder)
    if not paths:
        raise UsageError(
            f"{folder}: no case files found; expected *.toml cases or sub-folders with case.toml"
        )
    out = _out_dir(args, folder.resolve().name)
    # Refuses, before any work, what cannot be written; stages each case as it finishes.
    with BatchWriter(out, paths, root=folder) as write:
        items = run_batch(
            paths,
            formats=args.formats,
            jobs=args.jobs,
            scheduler=args.scheduler,
            progress=ProgressBar(sys.stderr),
            root=folder,
            on_item=write,
        )
        for item in items:
            for line in item.errors:
                print(line, file=sys.stderr)
        written = write.finish(items)
    sys.stdout.write(portfolio_text(items))
    print(f"wrote {len(written)} files to {out}")
    if any(i.internal for i in items):
        return 1
    return EXIT_INPUT if any(not i.ok for i in items) else 0


def _parse_limits(values: list[str] | None, option: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for v in values or []:
        city, sep, amount = v.partition("=")
        try:
            out[city.strip()] = float(amount)
        except ValueError:
            sep = ""
        if not sep or not city.strip():
            raise UsageError(f"{option} {v!r}: not CITY=AMOUNT; expected e.g. Changsha=10 (money)")
    return out


def _table_paths(
    args: argparse.Namespace, stem: str, default_out: str, inputs: Sequence[str] = ()
) -> dict[str, Path]:
    """``<stem>.json`` and, when --formats names it, ``<stem>.xlsx`` in --out; called
    with the command's path arguments before any work, checked by ``check_outputs``."""
    from appraisal.io.inputs import input_files

    out = _out_dir(args, default_out)
    wanted = ["json", *(["xlsx"] if "xlsx" in args.formats.split(",") else [])]
    paths = {f: out / f"{stem}.{f}" for f in wanted}
    if inputs:
        check_outputs(out, paths.values(), input_files(inputs))
    return paths


def _write_tables(
    args: argparse.Namespace,
    stem: str,
    default_out: str,
    json_text: str,
    xlsx: Callable[[], bytes],
    *,
    text: str = "",
    inputs: Sequence[str] = (),
) -> None:
    """Write ``<stem>.json`` and, when --formats names it, ``<stem>.xlsx`` to --out, all or
    none; then print ``text`` and the files (a closed pipe cannot stop the writing)."""
    from appraisal.io.atomic import write_all_atomic
    from appraisal.io.inputs import input_files

    paths = _table_paths(args, stem, default_out)
    data = {paths["json"]: json_text.encode("utf-8")}
    if "xlsx" in paths:
        data[paths["xlsx"]] = xlsx()
    written = write_all_atomic(data, inputs=input_files(inputs))
    sys.stdout.write(text)
    _print_written(written)


def cmd_cluster(args: argparse.Namespace) -> int:
    """Combine a city cluster's programs: trajectories, peak vs target, ENPV/EIRR, MAC curve."""
    from appraisal.io.clusters import appraise_cluster_folder
    from appraisal.io.text import cluster_text
    from appraisal.io.workbook import render_cluster_workbook

    folder = Path(args.folder).resolve().name
    _table_paths(args, "cluster", folder, [args.folder])
    cr = appraise_cluster_folder(args.folder)
    render = lambda: render_cluster_workbook(cr)  # noqa: E731
    _write_tables(
        args, "cluster", folder, cr.to_json(), render, text=cluster_text(cr), inputs=[args.folder]
    )
    return 0


def cmd_fund(args: argparse.Namespace) -> int:
    """Choose the projects a fixed budget supports: exact (integer program) vs MAC order."""
    from appraisal.io.folders import fund_inputs
    from appraisal.io.text import fund_text
    from appraisal.io.workbook import render_fund_workbook

    city_min = _parse_limits(args.city_min, "--city-min")
    city_max = _parse_limits(args.city_max, "--city-max")
    _table_paths(args, "fund", "fund", args.cases)
    inputs = fund_inputs(args.cases, by=args.by, support_share=args.support_share)
    if args.budget is None and inputs.defaults.get("budget") is None:
        raise UsageError(
            "--budget: missing; expected a budget here or [fund] budget in cluster.toml"
        )
    try:
        alloc = inputs.allocate(
            args.budget, objective=args.objective, city_min=city_min, city_max=city_max
        )
    except ValueError as exc:
        raise UsageError(f"fund: {exc}") from None
    render = lambda: render_fund_workbook(alloc)  # noqa: E731
    _write_tables(
        args, "fund", "fund", alloc.to_json(), render, text=fund_text(alloc), inputs=args.cases
    )
    # "infeasible" (no choice meets the city limits): the outputs say why; exit 2.
    return 0 if alloc.status == "optimal" else EXIT_INPUT


def cmd_peak(args: argparse.Namespace) -> int:
    """Least-cost projects for every city (or the cluster) to peak by the target year; the curve."""
    from appraisal.io.clusters import appraise_cluster_folder
    from appraisal.io.text import peak_text
    from appraisal.io.workbook import render_peak_workbook
    from appraisal.peak import plan_peak

    folder = Path(args.folder).resolve().name
    _table_paths(args, "peak", folder, [args.folder])
    cr = appraise_cluster_folder(args.folder)
    opts = {k: getattr(args, k) for k in ("target_year", "scope", "objective", "budget")}
    try:
        plan = plan_peak(cr.spec, [c.result for c in cr.cities], **opts)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    render = lambda: render_peak_workbook(plan)  # noqa: E731
    text = peak_text(plan)
    _write_tables(args, "peak", folder, plan.to_json(), render, text=text, inputs=[args.folder])
    return 0  # an infeasible target is a finding (its year and gap are written), not bad input


def cmd_compare(args: argparse.Namespace) -> int:
    """Show cases side by side; for two versions of a case, what each changed input did."""
    from appraisal.compare import compare_document, compare_versions, side_by_side
    from appraisal.io.cases import load_case
    from appraisal.io.text import compare_text
    from appraisal.io.workbook import render_compare_workbook
    from appraisal.workflow import appraise

    if len(args.cases) < 2:
        raise UsageError("compare: one case given; expected two or more case files")
    _table_paths(args, "compare", "compare", args.cases)
    cases = [load_case(p) for p in args.cases]
    results = [appraise(c) for c in cases]
    versions = None
    if len(cases) == 2:
        versions = compare_versions(
            cases[0], cases[1], base_result=results[0], other_result=results[1]
        )
    sbs = side_by_side(results)
    _write_tables(
        args,
        "compare",
        "compare",
        compare_document(sbs, versions),
        lambda: render_compare_workbook(sbs, versions),
        text=compare_text(sbs, versions, currency=cases[0].meta.currency),
        inputs=args.cases,
    )
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a case file; print 'ok' or one line per problem."""
    from appraisal.io.cases import load_case
    from appraisal.workflow import appraise

    case = load_case(args.case)
    # Appraising finds what only the whole case shows (e.g. risk variables naming a
    # component that does not exist); nothing is written.
    appraise(case)
    print(f"ok: {args.case}: {case.meta.name}: {len(case.components)} components")
    return 0


def _add_run(sub: _Commands) -> None:
    p = _command(sub, "run", cmd_run, "appraise a case and write its outputs")
    p.add_argument("case", help="case file (.toml or filled .xlsx template) or case folder")
    _add_output_options(p, out="out/<case>", formats=_CASE_FORMATS)
    p.add_argument(
        "--jobs", type=int, help="batch: worker processes (default: the CPU count; 1: in turn)"
    )
    p.add_argument(
        "--scheduler", help="batch: run on this Dask scheduler (tcp://host:8786; needs [dask])"
    )


def _add_validate(sub: _Commands) -> None:
    p = _command(sub, "validate", cmd_validate, "check a case file")
    p.add_argument("case", help="case file or folder")


def cmd_risk(args: argparse.Namespace) -> int:
    """Monte Carlo risk analysis of a case over its [risk] inputs.

    Prints the summary table and the ENPV/EIRR distribution; writes the same
    outputs as `run` with the JSON `risk` block (and the workbook's Risk sheet).
    """
    from appraisal.io.cases import load_case
    from appraisal.io.outputs import output_paths, write_outputs
    from appraisal.io.progress import risk_progress
    from appraisal.io.text import risk_text
    from appraisal.uncertainty.montecarlo import MAX_DRAWS
    from appraisal.workflow import appraise, risk

    if args.draws is not None and not 1 <= args.draws <= MAX_DRAWS:
        raise UsageError(
            f"--draws {args.draws}: out of range; expected a whole number from 1 to "
            f"{MAX_DRAWS:,} (docs/limits.md: memory grows with the draws)"
        )
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed {args.seed}: negative; expected a whole number >= 0")
    case = load_case(args.case)
    out = _out_dir(args, case.slug)
    check_outputs(out, output_paths(case.slug, out, args.formats).values(), [case.path])
    result = risk(appraise(case), args.draws, args.seed, progress=risk_progress(case, args.draws))
    written = write_outputs(result, out, formats=args.formats)
    sys.stdout.write(risk_text(result))
    _print_written(written)
    return 0


def _add_risk(sub: _Commands) -> None:
    p = _command(sub, "risk", cmd_risk, "Monte Carlo risk analysis of a case")
    p.add_argument("case", help="case file (.toml or filled .xlsx template) or case folder")
    p.add_argument("--draws", type=int, help="number of draws (default: the case's risk.draws)")
    p.add_argument("--seed", type=int, help="random seed (default: the case's risk.seed)")
    _add_output_options(p, out="out/<case>", formats=_CASE_FORMATS)


def cmd_template(args: argparse.Namespace) -> int:
    """Write a blank Excel input template, generated from the case schema, to fill in."""
    from appraisal.io.atomic import write_bytes_atomic
    from appraisal.io.template import template_bytes

    out = Path(args.out)
    if not 1 <= args.components <= 100:
        raise UsageError(
            f"--components {args.components}: out of range; expected a whole number 1 to 100"
        )
    if out.exists() and not args.force:
        raise UsageError(f"{out}: (file): already exists; expected a new file, or --force")
    write_bytes_atomic(out, template_bytes(components=args.components))
    print(f"wrote {out}")
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    """Convert a case between a TOML case file and the Excel input template (xlsx)."""
    from appraisal.io.atomic import refuse_replacing, write_bytes_atomic
    from appraisal.io.cases import load_case
    from appraisal.io.template import case_to_toml, template_bytes

    case = load_case(args.case)
    src = Path(case.path)
    out = Path(args.out) if args.out else src.with_suffix(f".{args.to}")
    refuse_replacing([out], [src])
    if out.exists() and not args.force:
        raise UsageError(f"{out}: (file): already exists; expected a new file, or --force")
    data = template_bytes(case) if args.to == "xlsx" else case_to_toml(case).encode("utf-8")
    write_bytes_atomic(out, data)
    print(f"wrote {out}")
    return 0


def _add_template(sub: _Commands) -> None:
    p = _command(sub, "template", cmd_template, "write a blank Excel input template")
    p.add_argument(
        "--out",
        default="appraisal-input-template.xlsx",
        help="file to write (default appraisal-input-template.xlsx)",
    )
    p.add_argument(
        "--components", type=int, default=3, help="number of component sheets (default 3)"
    )
    _add_force(p)


def _add_convert(sub: _Commands) -> None:
    p = _command(sub, "convert", cmd_convert, "convert a case between TOML and xlsx")
    p.add_argument("case", help="case file (.toml or filled .xlsx template) or case folder")
    p.add_argument("--to", required=True, choices=["xlsx", "toml"], help="format to write")
    p.add_argument("--out", help="file to write (default: the case file with the new suffix)")
    _add_force(p)


def _add_cluster(sub: _Commands) -> None:
    p = _command(sub, "cluster", cmd_cluster, "combine a city cluster's programs")
    p.add_argument("folder", help="cluster folder: cluster.toml and one case file per city")
    _add_output_options(p, out="out/<folder>", formats=_TABLE_FORMATS)


def _add_fund(sub: _Commands) -> None:
    p = _command(sub, "fund", cmd_fund, "allocate a fixed budget among projects")
    p.add_argument("cases", nargs="+", help="case files or folders (a cluster folder: its cities)")
    p.add_argument("--budget", type=float, help="the fund's budget (money, the cases' unit)")
    p.add_argument("--objective", choices=["tco2e", "enpv"], help="maximise tonnes avoided or ENPV")
    p.add_argument("--city-min", action="append", metavar="CITY=X", help="minimum support")
    p.add_argument("--city-max", action="append", metavar="CITY=X", help="maximum support")
    p.add_argument(
        "--support-share",
        type=float,
        help="share of a project's capital cost the fund pays (default 1, or cluster.toml's)",
    )
    p.add_argument(
        "--by", choices=["component", "case"], help="a project is a component (default) or a case"
    )
    _add_output_options(p, out="out/fund", formats=_TABLE_FORMATS)


def _add_peak(sub: _Commands) -> None:
    p = _command(sub, "peak", cmd_peak, "least-cost projects to peak by a target year")
    p.add_argument("folder", help="cluster folder: cluster.toml and one case file per city")
    p.add_argument("--target-year", type=int, help="default: cluster.peak_target_year")
    p.add_argument("--scope", choices=["city", "cluster"], default="city", help="default city")
    p.add_argument("--objective", choices=["support", "economic-cost"], default="support")
    p.add_argument("--budget", type=float, help="cap on the total support (money); default none")
    _add_output_options(p, out="out/<folder>", formats=_TABLE_FORMATS)


def _add_compare(sub: _Commands) -> None:
    p = _command(sub, "compare", cmd_compare, "compare cases or two versions of a case")
    p.add_argument("cases", nargs="+", help="two or more case files (two: base, then new)")
    _add_output_options(p, out="out/compare", formats=_TABLE_FORMATS)


# Each entry adds one sub-command; new commands append here.
COMMANDS: list[Callable[[_Commands], None]] = [
    _add_run,
    _add_validate,
    _add_cluster,
    _add_fund,
    _add_peak,
    _add_compare,
    _add_risk,
    _add_template,
    _add_convert,
]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="appraisal",
        description="Appraise climate-finance loans the way development banks do.",
    )
    parser.add_argument("--version", action="version", version=f"appraisal {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


def _silence_stdout() -> None:
    """Point stdout at the null device: no closed pipe at exit (Python docs, "Note on SIGPIPE")."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no file (a test's capture): no flush
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (the table is in docs/errors.md)."""
    args = None
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "allowed_formats", None):
            args.formats = _formats(args.formats, args.allowed_formats)
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, not at the interpreter's exit
        return code
    except BrokenPipeError:
        # The reader went away (`appraisal run ... | head -1`): the files are
        # written before anything is printed; quiet, 128 + SIGPIPE like cat or grep.
        _silence_stdout()
        return EXIT_CLOSED_PIPE
    except CaseError as exc:
        _print_case_error(exc)
        return EXIT_INPUT
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except ReplacesInputError as exc:
        kind = "file" if getattr(args, "command", None) == "convert" else "folder"
        print(
            f"error: {exc.input}: --out: the output {exc.output} would replace this input; "
            f"choose another --out {kind}",
            file=sys.stderr,
        )
        return EXIT_INPUT
    except OSError as exc:
        # The machine, not the input: an output folder we may not write, a full
        # disk, a font that is not installed. One line, no traceback, exit 1.
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        what = exc.strerror or str(exc)
        if isinstance(exc, (FileExistsError, NotADirectoryError)):
            # mkdir's own words ("File exists") do not say which way round it is.
            what += ": a file stands where a folder is needed (check --out)"
        elif isinstance(exc, IsADirectoryError):
            what += ": a folder stands where this output goes (move it, or check --out)"
        print(f"error: {where}{what}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
