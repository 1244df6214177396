#!/usr/bin/env bash
# Request throughput of the standalone server on its own Azurite, with autocannon (pinned in package.json):
#   bench/api.sh [seconds] [connections]
# 1. POST /installs/{demo}/update {"user": ..., "dryrun": "input"} with the right key (the cheap-read path);
# 2. the same with a wrong key (refused before any read);
# 3. a bare Kestrel endpoint answering the same 403 envelope (Installatron.Bench bare-kestrel), on the slim and on the
#    default host builder: the floor.
# Each: a 5 s warm-up, then the measured run. Prints requests/s (mean) and latency p50/p99. Stops what it starts, by PID.
set -euo pipefail
seconds=${1:-20}
connections=${2:-32}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work=$(mktemp -d "${TMPDIR:-/tmp}/installatron-api-bench.XXXXXX")
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
[ -x "$root/node_modules/.bin/autocannon" ] || (cd "$root" && npm ci --no-audit --no-fund >/dev/null)
dotnet build "$root/src/Installatron.Server/Installatron.Server.csproj" -c Release -v quiet -nologo >/dev/null
dotnet build "$here/Installatron.Bench/Installatron.Bench.csproj" -c Release -v quiet -nologo >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
key=bench-key-0123456789abcdef0123456789
port=$(free_port)
dotnet "$root/src/Installatron.Server/bin/Release/net10.0/Installatron.Server.dll" --urls "http://127.0.0.1:$port" \
  --Installatron:DataPath "$work/data" --Installatron:ToolRoot "$root" --Installatron:Key "$key" \
  --Installatron:AutoUpdateMinutes 0 --Installatron:CatalogSyncMinutes 0 --Installatron:CatalogSourceUrl "" \
  --Logging:LogLevel:Default Warning >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 1200); do grep -q "Press Ctrl+C to stop" "$work/server.log" && break; sleep 0.05; done
bare=$(free_port)
dotnet "$here/Installatron.Bench/bin/Release/net10.0/Installatron.Bench.dll" bare-kestrel "$bare" slim >"$work/bare.log" 2>&1 &
pids+=($!)
bare_default=$(free_port)
dotnet "$here/Installatron.Bench/bin/Release/net10.0/Installatron.Bench.dll" bare-kestrel "$bare_default" default >"$work/bare-default.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do grep -q "listening" "$work/bare.log" && grep -q "listening" "$work/bare-default.log" && break; sleep 0.05; done
cannon() { # name url key
  local body='{"user": "useraccountname", "dryrun": "input"}'
  "$root/node_modules/.bin/autocannon" -c "$connections" -d 5 -m POST -H "X-API-KEY=$3" -H "Content-Type=application/json" -b "$body" "$2" >/dev/null 2>&1
  "$root/node_modules/.bin/autocannon" -j -c "$connections" -d "$seconds" -m POST -H "X-API-KEY=$3" -H "Content-Type=application/json" -b "$body" "$2" 2>/dev/null >"$work/$1.json"
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const codes = Object.entries(r).filter(([k]) => /^[0-9]xx$/.test(k) && r[k] > 0).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(`| ${process.argv[2]} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.errors} errors, ${r.timeouts} timeouts; ${codes} |`);
  ' "$work/$1.json" "$1"
}
echo "| endpoint ($connections connections, ${seconds} s) | requests/s | p50 (ms) | p99 (ms) | answers |"
echo "|---|---:|---:|---:|---|"
cannon "dryrun=input" "http://127.0.0.1:$port/installs/1234567890abcdefghij12345/update" "$key"
cannon "wrong key" "http://127.0.0.1:$port/installs/1234567890abcdefghij12345/update" "wrong-key"
cannon "bare Kestrel (slim builder)" "http://127.0.0.1:$bare/installs/1234567890abcdefghij12345/update" "wrong-key"
cannon "bare Kestrel (default builder)" "http://127.0.0.1:$bare_default/installs/1234567890abcdefghij12345/update" "wrong-key"
