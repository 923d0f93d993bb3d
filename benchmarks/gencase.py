"""A case of N components for the benchmarks: Xiangtan's six components repeated.

Usage: ``python benchmarks/gencase.py N OUT_DIR [SOURCE]`` writes ``OUT_DIR/case.toml``
(SOURCE: the case file copied, by default ``cases/xiangtan/case.toml``).

The Xiangtan case (``cases/xiangtan/case.toml``) with its components copied until
there are N, each copy's ``id`` and ``name`` numbered; the capital of each (and an
on-lent loan) is divided by N / 7 so the financing still covers the program. The
risk section is left out (its variables are not needed to time the writers). The
case is written back with ``appraisal convert``'s TOML writer.
"""

from __future__ import annotations

import copy
import sys
import tomllib
from pathlib import Path

from appraisal.case import parse_case
from appraisal.io.template import case_to_toml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "cases" / "xiangtan" / "case.toml"


def generate(n: int, out_dir: Path, source: Path = SOURCE) -> Path:
    """Write a case of ``n`` components into ``out_dir``; return the case file's path."""
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    data.pop("risk", None)
    blocks = data["components"]
    scale = len(blocks) / n
    copies = []
    for i in range(n):
        b = copy.deepcopy(blocks[i % len(blocks)])
        b["id"] = f"{b['id']}-{i}"
        b["name"] = f"{b['name']} #{i}"
        if "capital" in b:  # parametric: the capital by category, scaled
            b["capital"] = {k: v * scale for k, v in b["capital"].items()}
        fin = b.get("financial") or {}
        if "on_lent_loan" in fin:  # the loan on-lent to the copies adds up to the same
            fin["on_lent_loan"] = fin["on_lent_loan"] * scale
        copies.append(b)
    data["components"] = copies
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "case.toml"
    path.write_text(case_to_toml(parse_case(data, source=str(source))), encoding="utf-8")
    return path


if __name__ == "__main__":
    src = Path(sys.argv[3]) if len(sys.argv) > 3 else SOURCE
    print(generate(int(sys.argv[1]), Path(sys.argv[2]), src))
