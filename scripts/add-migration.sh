#!/usr/bin/env bash
# Adds a migration with the same name to both providers' migration sets.
# Usage: scripts/add-migration.sh NameOfChange
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh NameOfChange}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build BacklogPortal.csproj -nologo -v q
for provider in Sqlite SqlServer; do
  dotnet ef migrations add "$name" --no-build \
    --context "${provider}PortalDbContext" \
    --output-dir "src/Data/Migrations/$provider" \
    --namespace "BacklogPortal.Data.Migrations.$provider"
done
# dotnet ef derives the snapshot's folder from its namespace, which starts with the project name,
# so it lands in ./BacklogPortal/...; keep it beside its migrations.
if [ -d BacklogPortal/Data/Migrations ]; then
  for provider in Sqlite SqlServer; do
    if compgen -G "BacklogPortal/Data/Migrations/$provider/*.cs" >/dev/null; then
      mv BacklogPortal/Data/Migrations/$provider/*.cs "src/Data/Migrations/$provider/"
    fi
  done
  rm -rf BacklogPortal
fi
