#!/usr/bin/env bash
# The README's test command: installs the real clients and peers the end-to-end tests use when they are missing
# (Debian packages; npm packages from the lock file), then runs every test of the solution.
# Usage: tests/run.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
# The PostgreSQL store's tests start a throw-away server from the Debian package's binaries (initdb, pg_ctl).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "tests/run.sh: installing ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

js=tests/TagImmutability.Server.Tests/js
if [ -f "$js/package-lock.json" ]; then
  npm ci --prefix "$js" --no-audit --no-fund
fi

dotnet test TagImmutability.sln "$@"
