#!/usr/bin/env bash
# Two portal instances on one SQLite database behind Debian's nginx (sticky sessions, WebSockets), checked end to end:
# customers through the proxy, a cookie valid on both instances, each email sent exactly once, an instance killed
# mid-dispatch. Installs nginx when missing; publishes the portal first (Production needs published output).
# README: "Running more than one instance". Extra arguments go to the harness, e.g. --customers 200.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-debian-package.sh /usr/sbin/nginx nginx
scripts/ensure-debian-package.sh /usr/bin/chromium chromium

app=artifacts/two-instances/app
dotnet publish BacklogPortal.csproj -c Release -o "$app" -nologo -v quiet
exec dotnet run -c Release --project bench/BacklogPortal.TwoInstances -- --app "$PWD/$app" "$@"
