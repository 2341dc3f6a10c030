#!/usr/bin/env bash
# THE command that runs every test of the solution: unit, bUnit, integration and end-to-end (headless Chromium).
# Works on a fresh Debian machine: installs Debian's chromium when it is missing (as root, or through sudo).
# Extra arguments go to `dotnet test`, e.g. scripts/test.sh --filter "FullyQualifiedName~Backlog".
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-debian-package.sh /usr/bin/chromium chromium

dotnet tool restore
# Prints one "Passed! - Failed: 0, Passed: N, ..." line per test assembly (and every failure); .ci/run adds them up.
# A hung test fails its assembly after 10 minutes, naming the test, instead of eating CI's 90.
exec dotnet test BacklogPortal.sln -nologo --blame-hang-timeout 10m --blame-hang-dump-type none "$@"
