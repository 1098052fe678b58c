#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into DATABASE_URL.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/kpf_restored scripts/restore.sh var/backups/portal-....dump
# Refuses a target database that already has tables unless --force is given (then the objects in
# the backup are dropped and recreated). Runs in a single transaction: all or nothing.
set -euo pipefail

force=0
file=""
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h | --help) sed -n '2,5p' "$0"; exit 0 ;;
    *) file="$arg" ;;
  esac
done

: "${DATABASE_URL:?set DATABASE_URL to the target database (postgres://...)}"
if [ -z "$file" ] || [ ! -f "$file" ]; then
  echo "restore.sh: give the backup file to restore (scripts/restore.sh FILE [--force])" >&2
  exit 2
fi
pg_restore --list "$file" >/dev/null || { echo "restore.sh: $file is not a pg_dump archive" >&2; exit 2; }

tables="$(psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 -c \
  "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
if [ "$tables" -gt 0 ] && [ "$force" -ne 1 ]; then
  echo "restore.sh: refusing: the target database is not empty ($tables tables). Use --force to replace its contents." >&2
  exit 3
fi

clean=()
[ "$force" -eq 1 ] && clean=(--clean --if-exists)
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction "${clean[@]}" \
  --dbname="$DATABASE_URL" "$file"
echo "restored $file into the target database ($(psql "$DATABASE_URL" -XAtq -c \
  "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')") tables)"
