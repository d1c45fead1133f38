#!/usr/bin/env bash
# Installs the packaged retention purge timer for a checkout's binary
# (`make purge-timer`): the units of packaging/ go to the user's systemd
# folder with ExecStart pointing at this checkout's bin/veriport, and the
# timer is enabled and started, so photos and galleries are purged every
# 10 minutes whether the workstation is open or not. --remove takes it
# away again. Without a systemd user manager it says what to run instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin/veriport"
units="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
say() { printf '[purge-timer] %s\n' "$*"; }
have_user_systemd() { systemctl --user show-environment >/dev/null 2>&1; }

if [ "${1:-}" = --remove ]; then
  if have_user_systemd; then systemctl --user disable --now veriport-purge.timer >/dev/null 2>&1 || true; fi
  rm -f "$units/veriport-purge.service" "$units/veriport-purge.timer"
  if have_user_systemd; then systemctl --user daemon-reload; fi
  say "removed"
  exit 0
fi
[ -x "$bin" ] || { say "no $bin: run make build first"; exit 1; }
mkdir -p "$units"
for u in veriport-purge.service veriport-purge.timer; do
  sed "s#/usr/bin/veriport#$bin#" "$root/packaging/$u" > "$units/$u"
done
say "installed $units/veriport-purge.{service,timer} (runs $bin purge)"
if have_user_systemd; then
  systemctl --user daemon-reload
  systemctl --user enable --now veriport-purge.timer
  systemctl --user list-timers veriport-purge.timer --no-pager || true
else
  say "no systemd user manager here: the timer is installed but not running."
  say "run instead, beside the workstation:  $bin purge --every 10m"
fi
