#!/usr/bin/env bash
# Debian's PostgreSQL server and nginx for the team stack (`make team`) and its tests, installed with apt-get when
# missing and running as root; elsewhere one line says what to install.
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The team stack needs Debian's ${missing[*]}: install them (sudo apt-get install ${missing[*]})." >&2
  exit 1
fi
# The packages' own services must not start (nginx's would listen on every address): the team stack runs its own
# PostgreSQL and nginx, on loopback, in the foreground.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
