#!/usr/bin/env bash
# The backup store's benchmark (issue 12): bench/store.sh 100mb | 1gb | both [work-directory]
# Prints the load of the machine before and after (it has 2 cores shared with other work).
set -euo pipefail
size=${1:-100mb}
work=${2:-${TMPDIR:-/tmp}/installatron-bench-store}
here=$(cd "$(dirname "$0")" && pwd)
trap 'rm -rf "$work"' EXIT
dotnet build "$here/Installatron.Bench/Installatron.Bench.csproj" -c Release -v quiet -nologo
echo "load before: $(cat /proc/loadavg)"
dotnet "$here/Installatron.Bench/bin/Release/net10.0/Installatron.Bench.dll" store "$size" "$work"
echo "load after: $(cat /proc/loadavg)"
