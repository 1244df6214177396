#!/usr/bin/env bash
# Ctrl+C on the standalone server, timed: bench/shutdown.sh [runs] [work-directory]
# Builds the server (Release), then for each run starts it the way a terminal does (a process group of its own, its
# own Azurite in the data folder), waits until it listens, sends SIGINT to the whole group and times its exit.
# Prints one line per run and the median; the target is 2 s. Every process it starts is stopped by its PID.
set -euo pipefail
set -m # background jobs get a process group of their own and keep SIGINT, as in an interactive shell
runs=${1:-5}
work=${2:-${TMPDIR:-/tmp}/installatron-shutdown-bench}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/Installatron.Server/Installatron.Server.csproj" -c Release -v quiet -nologo >/dev/null
server="$root/src/Installatron.Server/bin/Release/net10.0/Installatron.Server.dll"
mkdir -p "$work"
times=()
for run in $(seq 1 "$runs"); do
  log="$work/server-$run.log"
  dotnet "$server" --urls http://127.0.0.1:0 --Installatron:DataPath "$work/data" --Installatron:ToolRoot "$root" \
    --Logging:LogLevel:Installatron Information >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do grep -q "Press Ctrl+C to stop" "$log" && break; sleep 0.05; done
  azurite=$(grep -o 'Azurite pid [0-9]*' "$log" | grep -o '[0-9]*$' || true)
  start=$(date +%s%N)
  kill -INT -- "-$pid"
  code=0
  wait "$pid" || code=$?
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  left="none"
  if [ -n "$azurite" ] && kill -0 "$azurite" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$azurite/status"; then
    left="Azurite pid $azurite still running"
    kill -TERM "$azurite"
  fi
  sidecar=$(grep -o 'sidecar for task hub [a-z]* stopped ([0-9]* ms)' "$log" | grep -o '[0-9]* ms' || echo '?')
  stopped=$(grep -o 'stopped by the server ([0-9]* ms)' "$log" | grep -o '[0-9]* ms' || echo '?')
  echo "run $run: exit code $code after $elapsed ms (Durable sidecar stop $sidecar, Azurite stop $stopped); left running: $left"
  times+=("$elapsed")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median: $median ms (target: 2000 ms)"
