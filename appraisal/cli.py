"""The command line: ``appraisal run|validate|...``.

A thin layer (sqlite-utils is the model): each command parses its options,
makes one library call, writes the result. No arithmetic here. Bad input gives
one line per problem, ``error: <file>: <where>: <what>``, and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from appraisal._version import __version__
from appraisal.case import CaseError

__all__ = ["main"]

EXIT_INPUT = 2


class UsageError(Exception):
    """An input problem that is not a case problem (e.g. a bad option value)."""


def _print_case_error(exc: CaseError) -> None:
    for p in exc.problems:
        print(f"error: {exc.source}: {p.path}: {p.message}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    """Appraise a case; print the summary; write JSON (and workbook, PDF) to --out."""
    from appraisal.io.cases import load_case
    from appraisal.io.outputs import write_outputs
    from appraisal.io.terminal import summary_table
    from appraisal.workflow import appraise

    case = load_case(args.case)
    result = appraise(case)
    out = Path(args.out) if args.out else Path("out") / case.slug
    written = write_outputs(result, out, formats=args.formats)
    sys.stdout.write(summary_table(result))
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a case file; print 'ok' or one line per problem."""
    from appraisal.io.cases import load_case

    case = load_case(args.case)
    print(f"ok: {args.case}: {case.meta.name}: {len(case.components)} components")
    return 0


def _add_run(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "run", help="appraise a case and write its outputs", description=cmd_run.__doc__
    )
    p.add_argument("case", help="case file (.toml or filled .xlsx template) or case folder")
    p.add_argument("--out", help="output folder (default out/<case>)")
    p.add_argument(
        "--formats",
        default="json,xlsx,pdf",
        help="comma-separated outputs to write (default json,xlsx,pdf)",
    )
    p.set_defaults(func=cmd_run)


def _add_validate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("validate", help="check a case file", description=cmd_validate.__doc__)
    p.add_argument("case", help="case file or folder")
    p.set_defaults(func=cmd_validate)


# Each entry adds one sub-command; new commands append here.
COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    _add_run,
    _add_validate,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="appraisal",
        description="Appraise climate-finance loans the way development banks do.",
    )
    parser.add_argument("--version", action="version", version=f"appraisal {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        return int(args.func(args))
    except CaseError as exc:
        _print_case_error(exc)
        return EXIT_INPUT
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
