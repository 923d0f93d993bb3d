#!/usr/bin/env bash
# SHA-256 of every output of every case in cases/, and of the cluster, fund and
# compare outputs: the refactor check of issue 10 (same inputs, same bytes).
#
#   scripts/output-hashes.sh > before.sha256      # on the old commit
#   scripts/output-hashes.sh | diff before.sha256 -   # on the new one: no lines
#
# The recorded figures are in scripts/output-hashes.sha256: first made on b1b2cfc,
# before the refactor of issue 10 (which left them unchanged), and made again when
# outputs changed on purpose (issues 11, 12, 14, 16). Regenerate it in the commit
# that changes an output on purpose and say which and why. A new openpyxl or
# reportlab may change bytes by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
APP=$(realpath "${APPRAISAL:-.venv/bin/appraisal}")
work=$(mktemp -d)
mkdir -p "$work/run" "$work/text" "$work/template"
trap 'rm -rf "$work"' EXIT
for dir in cases/*/; do
  name=$(basename "$dir")
  if [ -f "$dir/case.toml" ]; then
    "$APP" run "$dir" --out "$work/run/$name" --formats json,xlsx,pdf | grep -v '^wrote' > "$work/run/$name.txt"
  fi
done
for f in cases/changzhutan/*.toml; do
  [ "$(basename "$f")" = cluster.toml ] && continue
  n=changzhutan-$(basename "$f" .toml)
  "$APP" run "$f" --out "$work/run/$n" --formats json,xlsx,pdf | grep -v '^wrote' > "$work/run/$n.txt"
done
mkdir -p "$work/text"
"$APP" cluster cases/changzhutan --out "$work/cluster" --formats json,xlsx | grep -v '^wrote' > "$work/text/cluster.txt"
"$APP" fund cases/changzhutan --out "$work/fund" --formats json,xlsx | grep -v '^wrote' > "$work/text/fund.txt"
"$APP" compare cases/xiangtan/case.toml cases/changzhutan/xiangtan.toml --out "$work/compare" \
  --formats json,xlsx | grep -v '^wrote' > "$work/text/compare.txt"
"$APP" risk cases/xiangtan --draws 20000 --seed 7 --out "$work/risk" --formats json,xlsx,pdf \
  2>/dev/null | grep -v '^wrote' > "$work/text/risk.txt"
"$APP" run cases/changzhutan --out "$work/batch" --formats json --jobs 1 2>/dev/null \
  | grep -v '^wrote' > "$work/text/batch.txt"
"$APP" template --out "$work/template/template.xlsx" >/dev/null
"$APP" convert cases/xiangtan --to xlsx --out "$work/template/xiangtan.xlsx" >/dev/null
(cd "$work/template" && "$APP" convert xiangtan.xlsx --to toml --out xiangtan.toml >/dev/null)
(cd "$work" && find . -type f | LC_ALL=C sort | xargs sha256sum)
