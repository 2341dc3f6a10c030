#!/usr/bin/env bash
# Refreshes the README's pictures (docs/screenshots/*.png): the end-to-end tests that sign in and open
# /backlog save what headless Chromium shows when BACKLOGPORTAL_SCREENSHOTS names a folder.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  echo "Debian's chromium is missing: run scripts/test.sh once (it installs it) or apt-get install -y chromium." >&2
  exit 1
fi
BACKLOGPORTAL_SCREENSHOTS="$PWD/docs/screenshots" \
  dotnet test tests/BacklogPortal.EndToEnd -nologo --filter "FullyQualifiedName~BacklogPortal.EndToEnd.Backlog|FullyQualifiedName~BacklogPortal.EndToEnd.Staff" "$@"
ls -l docs/screenshots
