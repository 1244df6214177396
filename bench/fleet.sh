#!/usr/bin/env bash
# Automatic updates at fleet scale on the standalone server over Azurite: bench/fleet.sh [installs] [updates] [all|plan|updates|two-servers|limit|broken]
# Builds the server and the benchmark (Release) and runs Installatron.Bench fleet: it starts its own in-memory Azurite
# and, per scenario, tables of their own, tiny generated sites (in a temporary folder, deleted at the end) and the
# server(s) as child processes whose table traffic goes through a counting proxy. Prints a markdown report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
[ -x "$root/node_modules/.bin/azurite" ] || (cd "$root" && npm ci --no-audit --no-fund >/dev/null)
dotnet build "$here/Installatron.Bench/Installatron.Bench.csproj" -c Release -v quiet -nologo >/dev/null
exec dotnet "$here/Installatron.Bench/bin/Release/net10.0/Installatron.Bench.dll" fleet "${1:-10000}" "${2:-1000}" "${3:-all}"
