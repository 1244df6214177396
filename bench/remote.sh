#!/usr/bin/env bash
# Remote update over loopback sshd (issue 11): Debian's WordPress 6.1.9 tree in an SSH account's home, updated by the
# engine over SSH (backup + apply + verify) next to the same work done by hand, for an account with a shell and one
# limited to SFTP. Needs root (it creates two accounts and runs its own sshd on a free port, both removed at the end).
#   bench/remote.sh [extra-upload-MB]   (default 0; e.g. 200 adds an incompressible upload to show memory stays flat)
#   bench/remote.sh store [extra-upload-MB]   a remote site's first and second backup (issue 12): today's tar.gz against
#     the account's store in a blob container (Azurite from the repository's node_modules), hashed on the server or read
#     over SFTP, for both accounts
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=update
if [ "${1:-}" = store ]; then mode=store; shift; fi
extra_mb=${1:-0}
work=$(mktemp -d /tmp/installatron-remote-bench.XXXXXX)
chmod 755 "$work"
tag=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
shell_user="itbsh$tag"; sftp_user="itbft$tag"
sshd_pid=""
cleanup() {
  declare -F api_stop >/dev/null && api_stop
  [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null || true
  userdel "$shell_user" 2>/dev/null || true; userdel "$sftp_user" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build "$here/Installatron.Bench/Installatron.Bench.csproj" -c Release -v quiet -nologo >/dev/null
bench="dotnet $here/Installatron.Bench/bin/Release/net10.0/Installatron.Bench.dll"

mkdir -p "$work/keys" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
fingerprint=$(ssh-keygen -lf "$work/host_key.pub" | cut -d' ' -f2)
ssh-keygen -q -t ed25519 -N '' -f "$work/client_key"
for user in "$shell_user" "$sftp_user"; do
  useradd --create-home --home-dir "$work/home/$user" --shell /bin/bash --user-group --password "*" "$user"
  cp "$work/client_key.pub" "$work/keys/$user"
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile none
UsePAM no
PasswordAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $work/keys/%u
StrictModes no
AllowUsers $shell_user $sftp_user
Subsystem sftp internal-sftp
Match User $sftp_user
    ForceCommand internal-sftp
CONF
/usr/sbin/sshd -D -f "$work/sshd_config" & sshd_pid=$!
sleep 1
echo "[127.0.0.1]:$port $(cat "$work/host_key.pub")" > "$work/known_hosts"
ssh_opts=(-i "$work/client_key" -o UserKnownHostsFile="$work/known_hosts" -o BatchMode=yes -p "$port")
scp_opts=(-q -i "$work/client_key" -o UserKnownHostsFile="$work/known_hosts" -o BatchMode=yes -P "$port")

# The packages: 6.1.9 as Debian ships it (old), and 6.1.10 = the same with 10 % of the core files changed (new), rooted at wordpress/.
mkdir -p "$work/pkg"
cp -rL /usr/share/wordpress "$work/tree"
cp -rL /usr/share/wordpress "$work/pkg/wordpress"
rm -f "$work/pkg/wordpress/wp-config.php"
(cd "$work/pkg" && zip -qr -X "$work/old.zip" wordpress)
sed -i "s/^\$wp_version = '6.1.9';/\$wp_version = '6.1.10';/" "$work/pkg/wordpress/wp-includes/version.php"
find "$work/pkg/wordpress" -path '*/wp-content' -prune -o -type f -name '*.php' -print | sort | awk 'NR % 10 == 0' | while read -r f; do echo "// changed" >> "$f"; done
(cd "$work/pkg" && zip -qr -X "$work/new.zip" wordpress)

site_setup() { # user → a fresh copy of the site in that user's home
  local home="$work/home/$1"
  rm -rf "$home/wordpress" "$home/.appdata"
  cp -rL /usr/share/wordpress "$home/wordpress"
  if [ "$extra_mb" -gt 0 ]; then head -c "${extra_mb}M" /dev/urandom > "$home/wordpress/wp-content/uploads-big.bin"; fi
  mkdir -p "$home/.appdata/backups"
  chown -R "$1:$1" "$home"
}
source "$here/remote-api.sh"
api_start
api_setup

timed() { /usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -1; }

row() { python3 -c 'import json,sys
for line in sys.stdin:
    if line.startswith("{"):
        r=json.loads(line); print("| %s | %.2f | %.0f | %s |" % (r["Phase"], r["Seconds"], r["PeakRssMb"], r["Note"]))'; }

if [ "$mode" = store ]; then
  echo "| backup | wall (s) | peak RSS (MB) | note |"
  echo "|---|---:|---:|---|"
  for user in "$shell_user" "$sftp_user"; do
    site_setup "$user"
    home="$work/home/$user"
    $bench remote-store 127.0.0.1 "$port" "$user" "$work/client_key" "$fingerprint" "$home/wordpress" "$home/.appdata/backups" \
      "$work/old.zip" "$(cd "$here/.." && pwd)" | row
  done
  exit 0
fi

echo "| run | what | wall (s) | peak RSS (MB) | note |"
echo "|---|---|---:|---:|---|"
for round in 1 2; do
  # By hand, shell account: archive on the host, package copied, unzipped over the site.
  site_setup "$shell_user"
  start=$(date +%s.%N)
  ssh "${ssh_opts[@]}" "$shell_user@127.0.0.1" "tar czf .appdata/backups/hand.tar.gz wordpress"
  scp "${scp_opts[@]}" "$work/new.zip" "$shell_user@127.0.0.1:new.zip"
  ssh "${ssh_opts[@]}" "$shell_user@127.0.0.1" "unzip -o -q new.zip"
  hand=$(echo "$(date +%s.%N) - $start" | bc)
  echo "| $round | by hand: ssh tar czf + scp package + ssh unzip -o | $(printf '%.2f' "$hand") | | |"

  site_setup "$shell_user"
  home="$work/home/$shell_user"
  out=$($bench remote-update 127.0.0.1 "$port" "$shell_user" "$work/client_key" "$fingerprint" "$home/wordpress" \
    "$home/.appdata/backups/engine.tar.gz" "$home/.appdata/staging/engine" "$work/new.zip" "$work/old.zip" | tail -1)
  echo "| $round | engine, shell account: backup + apply + verify | $(echo "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.2f | %.0f | %s" % (r["Seconds"], r["PeakRssMb"], r["Note"]))') |"

  # SFTP-only account: the tree copied by scp -r, against the engine streaming over SFTP.
  site_setup "$sftp_user"
  start=$(date +%s.%N)
  scp -r "${scp_opts[@]}" "$work/tree" "$sftp_user@127.0.0.1:copy-$round"
  hand=$(echo "$(date +%s.%N) - $start" | bc)
  echo "| $round | by hand: scp -r of the tree | $(printf '%.2f' "$hand") | | |"
  home="$work/home/$sftp_user"
  out=$($bench remote-update 127.0.0.1 "$port" "$sftp_user" "$work/client_key" "$fingerprint" "$home/wordpress" \
    "$home/.appdata/backups/engine.tar.gz" "$home/.appdata/staging/engine" "$work/new.zip" "$work/old.zip" | tail -1)
  echo "| $round | engine, SFTP-only account: backup + apply + verify | $(echo "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.2f | %.0f | %s" % (r["Seconds"], r["PeakRssMb"], r["Note"]))') |"

  # The product through its API: POST /installs/{id}/update with revert=true, from the POST to the task's end.
  for user in "$shell_user" "$sftp_user"; do
    read -r seconds status steps < <(api_update "$user" "$round")
    kind=$([ "$user" = "$shell_user" ] && echo "shell" || echo "SFTP-only")
    echo "| $round | API, $kind account: POST update revert=true → task $status | $(printf '%.2f' "$seconds") | | $steps |"
  done
done
