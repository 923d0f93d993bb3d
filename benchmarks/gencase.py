"""A case of N components for the benchmarks: Xiangtan's six components repeated.

Usage: ``python benchmarks/gencase.py N OUT_DIR [SOURCE]`` writes ``OUT_DIR/case.toml``
(SOURCE: the case file copied, by default ``cases/xiangtan/case.toml``).

The Xiangtan case (``cases/xiangtan/case.toml``) with its component blocks copied
until there are N, each copy's ``id`` and ``name`` numbered; the capital of each is
divided by N / 6 so the financing still covers the program. The risk section is
left out (its variables are not needed to time the writers).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "cases" / "xiangtan" / "case.toml"


def generate(n: int, out_dir: Path, source: Path = SOURCE) -> Path:
    """Write a case of ``n`` components into ``out_dir``; return the case file's path."""
    text = source.read_text(encoding="utf-8")
    start = text.index("[[components]]")
    end = text.index("[risk]")
    head, body = text[:start], text[start:end]
    blocks = ["[[components]]" + b for b in body.split("[[components]]")[1:]]
    scale = len(blocks) / n
    copies = []
    for i in range(n):
        b = blocks[i % len(blocks)]
        b = re.sub(r'^id = "([^"]*)"', rf'id = "\1-{i}"', b, count=1, flags=re.M)
        b = re.sub(r'^name = "([^"]*)"', rf'name = "\1 #{i}"', b, count=1, flags=re.M)
        cap = b.index("[components.capital]")
        nxt = b.find("\n[", cap + 1)
        nxt = len(b) if nxt < 0 else nxt
        section = re.sub(
            r"^(\w+) = ([0-9.]+)",
            lambda m: f"{m.group(1)} = {float(m.group(2)) * scale!r}",
            b[cap:nxt],
            flags=re.M,
        )
        copies.append(b[:cap] + section + b[nxt:])
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "case.toml"
    path.write_text(head + "".join(copies), encoding="utf-8")
    return path


if __name__ == "__main__":
    src = Path(sys.argv[3]) if len(sys.argv) > 3 else SOURCE
    print(generate(int(sys.argv[1]), Path(sys.argv[2]), src))
