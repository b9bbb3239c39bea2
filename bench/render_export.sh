#!/usr/bin/env bash
# Render an Excel export to PNG pages, to look at it as a reader would (not part of the tests).
#
#   bench/render_export.sh                 # builds the test fixture's workbook, renders it
#   bench/render_export.sh study.xlsx      # renders an existing workbook
#   OUT=/tmp/render bench/render_export.sh # where the PDF and PNGs go (default /tmp/qualkit_render)
#
# Needs LibreOffice Calc and poppler (apt-get install -y libreoffice-calc poppler-utils).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${OUT:-/tmp/qualkit_render}"
# PYTHON=... to choose; else the repo's venv, else the main checkout's, else python3
PY="${PYTHON:-}"
for cand in "$REPO/.venv/bin/python" /work/main/.venv/bin/python python3; do
  [ -n "$PY" ] && break
  command -v "$cand" >/dev/null 2>&1 && PY="$cand"
done
mkdir -p "$OUT"
if [ $# -ge 1 ]; then
  XLSX="$1"
else
  XLSX="$OUT/fixture.xlsx"
  PYTHONPATH="$REPO:$REPO/tests" "$PY" - "$XLSX" <<'PYEOF'
import sys
import export_fixture as f
from qualkit.export.excel import write_workbook
from qualkit.export.workbook import assemble
from qualkit.foi_tally import tally

book = assemble(f.codings(), f.segments(), f.DOCUMENTS, f.CODES, project="Fixture study",
                coders=["ana", "ben"], exported="2024-05-01", codeframe="Data linkage (test)",
                themes=f.themes(), quotes=f.quotes(), agreement=f.agreement(),
                foi_answers=f.foi_answers(), foi_tally=tally(f.foi_answers(), f.FOI_DOCUMENTS))
book.foi_answers = __import__("qualkit.export.tables", fromlist=["x"]).foi_answer_grid(
    f.foi_answers(), f.FOI_DOCUMENTS)
write_workbook(sys.argv[1], book, mode=0o644)
print("wrote", sys.argv[1])
PYEOF
fi
command -v soffice >/dev/null || { echo "soffice not found: apt-get install -y libreoffice-calc" >&2; exit 1; }
# A private profile: never touch (or wait on) the user's LibreOffice settings.
soffice -env:UserInstallation=file://"$OUT"/lo-profile --headless --convert-to pdf \
  --outdir "$OUT" "$XLSX" >/dev/null
PDF="$OUT/$(basename "${XLSX%.*}").pdf"
rm -f "$OUT"/page-*.png
pdftoppm -png -r "${DPI:-60}" "$PDF" "$OUT/page"
ls "$OUT"/page-*.png
