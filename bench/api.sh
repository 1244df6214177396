#!/usr/bin/env bash
# Request throughput of the standalone server on its own Azurite, with autocannon (pinned in package.json):
#   bench/api.sh [seconds] [connections] [rounds]
# 1. POST /installs/{demo}/update {"user": ..., "dryrun": "input"} with the right key (the cheap-read path);
# 2. the same with a wrong key (refused before any read);
# 3. a bare Kestrel endpoint answering the same 403 envelope (Installatron.Bench bare-kestrel), on the slim and on the
#    default host builder: the floor.
# The machine is shared: every endpoint gets a 5 s warm-up, then the measured runs are interleaved, round after round
# (each round runs every endpoint once, with the load average when it started), and the medians over the rounds are
# printed at the end with the wrong key's ratio to the bare endpoints. Besides requests/s, each run reports the CPU time
# the answering process spent per request (utime + stime from /proc, over the run): on a shared machine the rate swings
# with the other work, the CPU per request much less. BASELINE_SERVER_DLL=<path to another build's
# Installatron.Server.dll> adds that build's wrong-key answer to every round (an A/B of a change). Stops what it starts, by PID.
set -euo pipefail
seconds=${1:-10}
connections=${2:-32}
rounds=${3:-5}
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
install=1234567890abcdefghij12345
server() { # dll data-folder log; sets $started_port and $started_pid (not in a subshell: its PID must reach the cleanup)
  local port; port=$(free_port)
  started_port=$port
  dotnet "$1" --urls "http://127.0.0.1:$port" \
    --Installatron:DataPath "$2" --Installatron:ToolRoot "$root" --Installatron:Key "$key" \
    --Installatron:AutoUpdateMinutes 0 --Installatron:CatalogSyncMinutes 0 --Installatron:CatalogSourceUrl "" \
    --Logging:LogLevel:Default Warning >"$3" 2>&1 &
  pids+=($!)
  started_pid=$!
  for _ in $(seq 1 1200); do grep -q "Press Ctrl+C to stop" "$3" && break; sleep 0.05; done
}
server "$root/src/Installatron.Server/bin/Release/net10.0/Installatron.Server.dll" "$work/data" "$work/server.log"
port=$started_port
targets=("dryrun=input|http://127.0.0.1:$port/installs/$install/update|$key|$started_pid" "wrong key|http://127.0.0.1:$port/installs/$install/update|wrong-key|$started_pid")
if [ -n "${BASELINE_SERVER_DLL:-}" ]; then
  server "$BASELINE_SERVER_DLL" "$work/baseline-data" "$work/baseline.log"
  baseline=$started_port
  targets+=("wrong key (baseline build)|http://127.0.0.1:$baseline/installs/$install/update|wrong-key|$started_pid")
fi
for builder in slim default; do
  bare=$(free_port)
  dotnet "$here/Installatron.Bench/bin/Release/net10.0/Installatron.Bench.dll" bare-kestrel "$bare" "$builder" >"$work/bare-$builder.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do grep -q "listening" "$work/bare-$builder.log" && break; sleep 0.05; done
  targets+=("bare Kestrel ($builder builder)|http://127.0.0.1:$bare/installs/$install/update|wrong-key|$!")
done
body='{"user": "useraccountname", "dryrun": "input"}'
cannon() { # duration url key [json-out]
  "$root/node_modules/.bin/autocannon" -j -c "$connections" -d "$1" -m POST -H "X-API-KEY=$3" -H "Content-Type=application/json" -b "$body" "$2" 2>/dev/null >"${4:-/dev/null}"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
for target in "${targets[@]}"; do IFS='|' read -r name url presented pid <<<"$target"; cannon 5 "$url" "$presented"; done
echo "| round | endpoint ($connections connections, ${seconds} s) | load average at start | requests/s | p50 (ms) | p99 (ms) | CPU µs per request | answers |"
echo "|---:|---|---:|---:|---:|---:|---:|---|"
for round in $(seq 1 "$rounds"); do
  for i in "${!targets[@]}"; do
    IFS='|' read -r name url presented pid <<<"${targets[$i]}"
    load=$(cut -d' ' -f1 /proc/loadavg)
    before=$(cpu_ticks "$pid")
    cannon "$seconds" "$url" "$presented" "$work/r$round-$i.json"
    echo $(( $(cpu_ticks "$pid") - before )) >"$work/r$round-$i.ticks"
    node -e '
      const [file, round, name, load, ticks, hz] = process.argv.slice(1);
      const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
      const codes = Object.entries(r).filter(([k]) => /^[0-9]xx$/.test(k) && r[k] > 0).map(([k, v]) => `${k} ${v}`).join(", ");
      const cpu = (ticks * 1e6 / hz / r.requests.total).toFixed(1);
      console.log(`| ${round} | ${name} | ${load} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${cpu} | ${r.errors} errors, ${r.timeouts} timeouts; ${codes} |`);
    ' "$work/r$round-$i.json" "$round" "$name" "$load" "$(cat "$work/r$round-$i.ticks")" "$(getconf CLK_TCK)"
  done
done
names=(); for target in "${targets[@]}"; do names+=("${target%%|*}"); done
node -e '
  const [work, rounds, hz, ...names] = process.argv.slice(1);
  const fs = require("fs");
  const median = xs => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const runs = names.map((_, i) => Array.from({ length: +rounds }, (_, r) => JSON.parse(fs.readFileSync(`${work}/r${r + 1}-${i}.json`, "utf8"))));
  const cpus = names.map((_, i) => Array.from({ length: +rounds }, (_, r) =>
    +fs.readFileSync(`${work}/r${r + 1}-${i}.ticks`, "utf8") * 1e6 / hz / runs[i][r].requests.total));
  const rate = i => median(runs[i].map(r => r.requests.average));
  const cpu = i => median(cpus[i]);
  console.log("\n| endpoint | median requests/s | median p50 (ms) | median p99 (ms) | median CPU µs per request |\n|---|---:|---:|---:|---:|");
  names.forEach((n, i) => console.log(`| ${n} | ${rate(i).toFixed(0)} | ${median(runs[i].map(r => r.latency.p50))} | ${median(runs[i].map(r => r.latency.p99))} | ${cpu(i).toFixed(1)} |`));
  const named = prefix => names.map((n, i) => [n, i]).filter(([n]) => n.startsWith(prefix));
  for (const [w, wrong] of named("wrong key")) {
    for (const [n, i] of named("bare")) {
      const perRound = runs[wrong].map((r, k) => (r.requests.average / runs[i][k].requests.average).toFixed(2)).join(", ");
      console.log(`\n${w} / ${n}: ${(rate(wrong) / rate(i)).toFixed(2)} in requests/s (medians; per round: ${perRound}); ` +
        `${(cpu(i) / cpu(wrong)).toFixed(2)} in CPU per request (bare over wrong key, medians)`);
    }
  }
' "$work" "$rounds" "$(getconf CLK_TCK)" "${names[@]}"
