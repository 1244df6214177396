#!/usr/bin/env bash
# Full update of the live WordPress site with revert=true against the same work by hand (issue 12): bench/live.sh [rounds]
# Debian's WordPress 6.1.9 (/usr/share/wordpress) under php -S with its own MariaDB (mariadbd), as LiveWordPressTests
# run it, imported into the standalone server (Release) on its own Azurite; each round, in alternating order, the site
# (files, tables, install row) is put back and updated to the catalog's "6.1.10": (a) by hand: tar czf + mariadb-dump +
# unzip -o + GET wp-admin/upgrade.php?step=1 + GET /; (b) POST /installs/{id}/update {"revert": true} with the account's
# backup store emptied first; (c) the same with the earlier backup of the same site still in the store, then (d) POST
# /installs/{id}/restore of the backup (c) took (the site checked byte-identical to the saved one, tables too) against
# (e) tar xzf of a full archive of the site into an empty folder. Prints a markdown report (medians, ratios, each
# step's median, machine load). Every process it starts is stopped by its PID.
# Needs: wordpress php-cli php-mysql mariadb-server (as the live tests; .ci/run installs them), tar and unzip.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
[ -x "$root/node_modules/.bin/azurite" ] || (cd "$root" && npm ci --no-audit --no-fund >/dev/null)
dotnet build "$root/src/Installatron.Server/Installatron.Server.csproj" -c Release -v quiet -nologo >/dev/null
dotnet build "$here/Installatron.Bench/Installatron.Bench.csproj" -c Release -v quiet -nologo >/dev/null
exec dotnet "$here/Installatron.Bench/bin/Release/net10.0/Installatron.Bench.dll" live "${1:-5}"
