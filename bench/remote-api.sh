# Sourced by bench/remote.sh: the product end to end — the standalone server (its own Azurite) updating a remote site
# through its API (POST /installs/{id}/update with revert=true), timed from the POST to the task's end.
# Uses from remote.sh: work, tag, port, fingerprint, shell_user, sftp_user, the client key and the packages.

root=$(dirname "$here")
api_key="bench-$tag-0123456789abcdef0123456789"
api_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
api_url="http://127.0.0.1:$api_port"
server_pid=""
[ -x "$root/node_modules/.bin/azurite" ] || (cd "$root" && npm ci --no-audit --no-fund >/dev/null)
dotnet build "$root/src/Installatron.Server/Installatron.Server.csproj" -c Release -v quiet -nologo >/dev/null

api_start() {
  dotnet "$root/src/Installatron.Server/bin/Release/net10.0/Installatron.Server.dll" --urls "$api_url" \
    --Installatron:Key "$api_key" --Installatron:DataPath "$work/server-data" --Installatron:DemoData false \
    --Installatron:AutoUpdateMinutes 0 --Installatron:CatalogSyncMinutes 0 --Logging:LogLevel:Default Warning \
    > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 240); do grep -q "listening on" "$work/server.log" && return 0; sleep 0.5; done
  cat "$work/server.log" >&2; return 1
}
api_stop() { # SIGTERM (a background job ignores SIGINT): the server stops its own Azurite
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
api() { # method path [curl args...] → the envelope; fails on a status other than 2xx
  local method=$1 path=$2; shift 2
  curl -sS --fail-with-body -X "$method" -H "X-API-KEY: $api_key" "$api_url$path" "$@"
}
json_field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }

api_setup() { # the two accounts (key login), and the old and new versions published from the wordpress.org-shaped zips
  local user
  for user in "$shell_user" "$sftp_user"; do
    python3 - "$user" "$work/home/$user" "$port" "$fingerprint" "$work/client_key" > "$work/user-$user.json" <<'PY'
import json, sys
user, home, port, fingerprint, key = sys.argv[1:]
print(json.dumps({"user": user, "home": home, "vhosts": ["website.com"], "php_version": "8.2", "db_server": "mariadb",
    "db_version": "10.11", "remote_protocol": "sftp", "remote_host": "127.0.0.1", "remote_port": int(port),
    "remote_login": user, "remote_host_key": fingerprint, "remote_private_key": open(key).read()}))
PY
    api POST /users -H 'Content-Type: application/json' --data-binary "@$work/user-$user.json" >/dev/null
  done
  api POST /browser/wordpress/versions -F version=6.1.9 -F "package=@$work/old.zip" >/dev/null
  api POST /browser/wordpress/versions -F version=6.1.10 -F "package=@$work/new.zip" >/dev/null
}

api_update() { # user round → "seconds outcome steps" of a full update with revert=true of that user's fresh site
  local user=$1 round=$2 install task status steps started site="$work/home/$1/site$2"
  rm -rf "$site" "$work/home/$user/.appdata"
  cp -rL /usr/share/wordpress "$site"
  if [ "$extra_mb" -gt 0 ]; then head -c "${extra_mb}M" /dev/urandom > "$site/wp-content/uploads-big.bin"; fi
  chown -R "$user:$user" "$work/home/$user"
  install=$(api POST /installs -H 'Content-Type: application/json' -d "{\"user\": \"$user\", \"application\": \"wordpress\",
    \"path\": \"$site\", \"url\": \"http://website.com/r$round$user\", \"db_type\": \"mysql\",
    \"db_host\": \"localhost\", \"db_name\": \"wordpress\", \"db_user\": \"wordpress\", \"db_pass\": \"unused\",
    \"db_prefix\": \"wp_\", \"tables\": [], \"plugins\": [], \"themes\": []}" | json_field "['data']['id']")
  started=$(date +%s.%N)
  task=$(api POST "/installs/$install/update" -H 'Content-Type: application/json' \
    -d '{"version": "6.1.10", "revert": true, "background": true}' | json_field "['data']['id']")
  while :; do
    api GET "/tasks/$task" > "$work/task.json"
    [ "$(json_field "['data']['is_finished']" < "$work/task.json")" = True ] && break
    sleep 0.05
  done
  status=$(json_field "['data']['status']" < "$work/task.json")
  steps=$(python3 -c "import json,sys; d=json.load(sys.stdin)['data']; print(', '.join('%s %.2f s' % (s['step'], s['duration_ms'] / 1000) for s in d['steps']))" < "$work/task.json")
  echo "$(echo "$(date +%s.%N) - $started" | bc) $status $steps"
  grep -q "\$wp_version = '6.1.10';" "$site/wp-includes/version.php" || echo "the site does not report 6.1.10" >&2
}
