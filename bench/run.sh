#!/usr/bin/env bash
# Builds the benchmark in Release and runs it: bench/run.sh 100mb | 1gb | both [work-directory]
# Generated sites go to the work directory (default: /tmp/installatron-bench) and are deleted at the end.
set -euo pipefail
size=${1:-100mb}
work=${2:-${TMPDIR:-/tmp}/installatron-bench}
here=$(cd "$(dirname "$0")" && pwd)
trap 'rm -rf "$work"' EXIT
dotnet build "$here/Installatron.Bench/Installatron.Bench.csproj" -c Release -v quiet -nologo
dotnet "$here/Installatron.Bench/bin/Release/net10.0/Installatron.Bench.dll" run "$size" "$work"
