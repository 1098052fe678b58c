#!/usr/bin/env bash
# Back up the portal's PostgreSQL database (DATABASE_URL) into var/backups/ (or $BACKUP_DIR)
# in pg_dump's custom format, with a UTC timestamp. Prints the file's path.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/kitakyushu_pf scripts/backup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to the portal database (postgres://...)}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL must be a PostgreSQL URL (SQLite: copy var/portal.sqlite3)" >&2; exit 2 ;;
esac

umask 077  # the dump holds personal data: owner-only
backup_dir="${BACKUP_DIR:-var/backups}"
mkdir -p "$backup_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$backup_dir/portal-$stamp.dump"
[ -e "$out" ] && out="$backup_dir/portal-$stamp-$$.dump"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$partial"
pg_restore --list "$partial" >/dev/null  # the archive is complete and readable
mv "$partial" "$out"
echo "$out"
