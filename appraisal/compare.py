"""Compare cases: side by side, and for two versions of one case, what each change did.

- :func:`side_by_side`: the headline figures of several appraised cases in one table.
- :func:`changed_inputs`: the inputs that differ between two versions of a case,
  found in the normalized data (:attr:`appraisal.case.Case.data`, defaults
  filled in, so writing a default out explicitly is no change), by key path.
- :func:`compare_versions`: each change applied **alone** to the base version,
  re-appraised, with its effect on EIRR, ENPV and cost per tonne; and the
  interaction: what the changes do together beyond the sum of their effects
  alone (ENPV and tonnes are linear in most inputs, so it is often zero for
  ENPV; EIRR and cost per tonne are ratios and rarely add up).

Key paths read like the case file: ``economic.discount_rate``,
``components[bus-priority].capital.civil_works`` (components are matched by
``id``), ``financing.sources[0].amount`` (other arrays by position),
``grid.operating_margin.2030`` (a year of a path).

The figures compared and their labels are the result schema's ``compare`` and
``effects`` views (:mod:`appraisal.result_schema`); the terminal report is
:func:`appraisal.io.text.compare.compare_text`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from appraisal import result_schema
from appraisal.case import Case, CaseError, parse_case
from appraisal.result import AppraisalResult, to_json
from appraisal.workflow import appraise

__all__ = [
    "METRICS",
    "Change",
    "VersionComparison",
    "apply_change",
    "changed_inputs",
    "compare_document",
    "compare_versions",
    "format_path",
    "side_by_side",
]

# (key in the JSON summary, label, formatter name in appraisal.formatting): the
# result schema's "compare" view (appraisal/data/result_schema.toml)
METRICS: tuple[tuple[str, str, str], ...] = tuple(
    (f.key, f.label, f.format) for f in result_schema.view("compare")
)
# (name in the changes table, key in the JSON summary): the schema's "effects" view
EFFECTS: tuple[tuple[str, str], ...] = tuple((f.name, f.key) for f in result_schema.view("effects"))


class _Missing:
    """Marks a key that one version does not have."""

    def __repr__(self) -> str:
        return "(absent)"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Id:
    """A path part that picks the element of an array whose ``id`` is ``value``."""

    value: str


@dataclass(frozen=True)
class At:
    """A path part that picks an array element by position."""

    index: int


PathPart = str | int | Id | At


def format_path(path: Sequence[PathPart]) -> str:
    """A key path as text: ``components[bus].capital`` (an ``Id``), ``sources[0]`` (an ``At``)."""
    out = ""
    for part in path:
        if isinstance(part, Id):
            out += f"[{part.value}]"
        elif isinstance(part, At):
            out += f"[{part.index}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _get(block: Mapping[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(block, Mapping) or part not in block:
            return None
        block = block[part]
    return block


# ---------------------------------------------------------------- side by side
def side_by_side(
    results: Sequence[AppraisalResult], names: Sequence[str] | None = None
) -> pd.DataFrame:
    """Headline figures of several appraised cases, one column per case.

    Parameters
    ----------
    results
        The appraisals to compare.
    names
        Column names (default: each case's slug, made unique).

    Returns
    -------
    DataFrame
        Index: the JSON key of each figure (:data:`METRICS`); columns ``label``,
        then one per case (rates are decimals, money in each case's own unit).
    """
    if names is None:
        names = _unique([r.case.slug for r in results])
    data: dict[str, list[Any]] = {"label": [label for _, label, _ in METRICS]}
    for name, r in zip(names, results, strict=True):
        data[name] = [_get(r.summary, key) for key, _, _ in METRICS]
    return pd.DataFrame(data, index=pd.Index([k for k, _, _ in METRICS], name="key"))


def _unique(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        m, i = n, 2
        while m in out:
            m, i = f"{n}-{i}", i + 1
        out.append(m)
    return out


# ---------------------------------------------------------------- versions
@dataclass(frozen=True)
class Change:
    """One input that differs: its key path, the base value and the new one."""

    path: tuple[PathPart, ...]
    before: Any
    after: Any

    @property
    def key(self) -> str:
        return format_path(self.path)


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, Mapping) for x in v)


def _has_ids(items: list[Any]) -> bool:
    ids = [x.get("id") for x in items]
    return all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)


def _diff(a: Any, b: Any, path: tuple[PathPart, ...], out: list[Change]) -> None:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for k in [*a, *(k for k in b if k not in a)]:
            if k not in b:
                out.append(Change((*path, k), a[k], MISSING))
            elif k not in a:
                out.append(Change((*path, k), MISSING, b[k]))
            else:
                _diff(a[k], b[k], (*path, k), out)
        return
    if _is_table_array(a) and _is_table_array(b):
        if _has_ids(a) and _has_ids(b):
            ia = {x["id"]: x for x in a}
            ib = {x["id"]: x for x in b}
            for cid in [*ia, *(i for i in ib if i not in ia)]:
                if cid not in ib:
                    out.append(Change((*path, Id(cid)), ia[cid], MISSING))
                elif cid not in ia:
                    out.append(Change((*path, Id(cid)), MISSING, ib[cid]))
                else:
                    _diff(ia[cid], ib[cid], (*path, Id(cid)), out)
            return
        for i in range(max(len(a), len(b))):
            if i >= len(b):
                out.append(Change((*path, At(i)), a[i], MISSING))
            elif i >= len(a):
                out.append(Change((*path, At(i)), MISSING, b[i]))
            else:
                _diff(a[i], b[i], (*path, At(i)), out)
        return
    if a != b:
        out.append(Change(path, a, b))


def changed_inputs(base: Mapping[str, Any], other: Mapping[str, Any]) -> list[Change]:
    """The inputs that differ between two case mappings, in file order.

    Parameters
    ----------
    base, other
        Normalized case data (:attr:`appraisal.case.Case.data`).

    Notes
    -----
    Tables are compared key by key, components by ``id``, other arrays of
    tables by position; a stream (list of numbers) is one input. A component
    or table present in one version only is one change (added or removed).
    """
    out: list[Change] = []
    _diff(base, other, (), out)
    return out


def apply_change(data: dict[str, Any], change: Change) -> dict[str, Any]:
    """A deep copy of ``data`` with one change applied (set, added or removed)."""
    new = copy.deepcopy(data)
    parent: Any = new
    for part in change.path[:-1]:
        parent = _step(parent, part)
    last = change.path[-1]
    if isinstance(last, Id):
        items = parent
        pos = next((i for i, x in enumerate(items) if x.get("id") == last.value), None)
        if change.after is MISSING:
            if pos is not None:
                del items[pos]
        elif pos is None:
            items.append(copy.deepcopy(change.after))
        else:
            items[pos] = copy.deepcopy(change.after)
    elif isinstance(last, At):
        if change.after is MISSING:
            if last.index < len(parent):
                del parent[last.index]
        elif last.index >= len(parent):
            parent.append(copy.deepcopy(change.after))
        else:
            parent[last.index] = copy.deepcopy(change.after)
    elif change.after is MISSING:
        parent.pop(last, None)
    else:
        parent[last] = copy.deepcopy(change.after)
    return new


def _step(node: Any, part: PathPart) -> Any:
    if isinstance(part, Id):
        return next(x for x in node if x.get("id") == part.value)
    if isinstance(part, At):
        return node[part.index]
    return node[part]


@dataclass
class VersionComparison:
    """Two versions of a case: what changed and what each change did.

    Attributes
    ----------
    base, other
        The two appraisals.
    changes
        One row per changed input: ``key``, ``before``, ``after``, then for
        ``eirr``, ``enpv`` and ``cost_per_tco2e``: the value with that change
        alone and ``d_<figure>`` (minus the base's); ``error`` when the change
        is not a valid case on its own (it needs another change with it).
    total
        The figures of base and other and their differences, the sum of the
        one-at-a-time differences, and the interaction (difference minus sum).
    """

    base: AppraisalResult
    other: AppraisalResult
    changes: pd.DataFrame
    total: pd.DataFrame
    side_by_side: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def summary(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:
            if v is MISSING:
                return None
            if isinstance(v, float) and math.isnan(v):
                return None
            return v

        return {
            "schema_version": result_schema.SCHEMA_VERSION,
            "base": self.base.case.path,
            "other": self.other.case.path,
            "changes": [
                {k: clean(v) for k, v in rec.items()}
                for rec in self.changes.to_dict(orient="records")
            ],
            "total": {
                str(k): {c: clean(v) for c, v in row.items()}
                for k, row in self.total.to_dict(orient="index").items()
            },
        }

    def to_json(self) -> str:
        return to_json(self.summary)


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def compare_versions(
    base: Case,
    other: Case,
    *,
    base_result: AppraisalResult | None = None,
    other_result: AppraisalResult | None = None,
) -> VersionComparison:
    """What changed between two versions of a case, and the effect of each change alone.

    Parameters
    ----------
    base, other
        Two versions of one case.
    base_result, other_result
        Their appraisals, when already computed.

    Notes
    -----
    Each change is applied alone to the base's normalized data, the case is
    validated and appraised again, and EIRR, ENPV and cost per tonne are
    compared with the base's. The changes together give the other version's
    figures; "interaction" = (other - base) - sum of the effects alone.
    """
    rb = base_result if base_result is not None else appraise(base)
    ro = other_result if other_result is not None else appraise(other)
    rows = []
    sums = dict.fromkeys((k for k, _ in EFFECTS), 0.0)
    sums_valid = dict.fromkeys(sums, True)
    for ch in changed_inputs(base.data, other.data):
        row: dict[str, Any] = {
            "key": ch.key,
            "before": _show(ch.before),
            "after": _show(ch.after),
        }
        try:
            case = parse_case(apply_change(base.data, ch), source=f"{base.path} + {ch.key}")
            r = appraise(case)
        except CaseError as exc:
            row["error"] = "not a valid case alone: " + "; ".join(str(p) for p in exc.problems)
            for k, _ in EFFECTS:
                row[k] = None
                row[f"d_{k}"] = None
                sums_valid[k] = False
            rows.append(row)
            continue
        row["error"] = None
        for k, key in EFFECTS:
            v = _get(r.summary, key)
            d = _delta(_get(rb.summary, key), v)
            row[k] = v
            row[f"d_{k}"] = d
            if d is None:
                sums_valid[k] = False
            else:
                sums[k] += d
        rows.append(row)
    cols = ["key", "before", "after", "error"]
    for k, _ in EFFECTS:
        cols += [k, f"d_{k}"]
    changes = pd.DataFrame(rows, columns=cols)
    total_rows = {}
    for k, key in EFFECTS:
        a, b = _get(rb.summary, key), _get(ro.summary, key)
        d = _delta(a, b)
        s = sums[k] if sums_valid[k] else None
        total_rows[k] = {
            "base": a,
            "other": b,
            "difference": d,
            "sum_of_effects_alone": s,
            "interaction": None if d is None or s is None else d - s,
        }
    total = pd.DataFrame.from_dict(total_rows, orient="index")
    return VersionComparison(rb, ro, changes, total, side_by_side([rb, ro]))


def _show(v: Any) -> Any:
    """A value for the table: absent stays a marker, long lists and tables are abbreviated."""
    if v is MISSING:
        return "(absent)"
    if isinstance(v, Mapping):
        return "{table}" if "id" not in v else f"{{component {v['id']}}}"
    if isinstance(v, list) and len(v) > 6:
        return "[" + ", ".join(_num(x) for x in v[:5]) + f", ... {len(v)} values]"
    return v


def _num(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def compare_document(sbs: pd.DataFrame, versions: VersionComparison | None = None) -> str:
    """The JSON text of ``appraisal compare``: side by side, and the versions' changes."""
    doc: dict[str, Any] = {
        "schema_version": result_schema.SCHEMA_VERSION,
        "side_by_side": {
            str(c): {str(k): v for k, v in zip(sbs.index, sbs[c], strict=True)}
            for c in sbs.columns
            if c != "label"
        },
    }
    if versions is not None:
        doc["versions"] = versions.summary
    return to_json(doc)
