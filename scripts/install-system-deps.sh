#!/usr/bin/env bash
# Installs the Debian packages the test suite, benchmarks and demo use, when any is missing.
# Idempotent and fast when everything is present. Needs root (apt-get) only when installing.
# `install-system-deps.sh demo` installs only what the demo city needs.
set -euo pipefail

# command-or-file → Debian package that provides it
declare -A NEED=(
  [influxd]=influxdb
  [mosquitto]=mosquitto
  [mosquitto_pub]=mosquitto-clients
  [socat]=socat
  [redis-server]=redis-server
  [chromium]=chromium
  [sumo]=sumo
  [/usr/share/sumo/tools/traci/__init__.py]=sumo-tools
  [/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf]=fonts-dejavu-core
  [/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf]=fonts-liberation
  [/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf]=fonts-noto-core
  [/usr/share/tesseract-ocr/5/tessdata/eng.traineddata]=tesseract-ocr-eng
  [openssl]=openssl
  [/usr/lib/postgresql/15/bin/postgres]=postgresql
)

if [[ "${1:-all}" == demo ]]; then
  declare -A DEMO=([influxd]=influxdb [socat]=socat [openssl]=openssl)
  NEED=()
  for k in "${!DEMO[@]}"; do NEED[$k]=${DEMO[$k]}; done
fi

missing=()
for what in "${!NEED[@]}"; do
  if [[ "$what" == /* ]]; then [[ -e "$what" ]] && continue; else command -v "$what" >/dev/null 2>&1 && continue; fi
  missing+=("${NEED[$what]}")
done
[[ ${#missing[@]} -eq 0 ]] && { echo "system packages: all present"; exit 0; }

mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "system packages missing: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts these as system services on install; the project runs its own instances.
for svc in influxdb mosquitto redis-server; do
  systemctl disable --now "$svc" >/dev/null 2>&1 || service "$svc" stop >/dev/null 2>&1 || true
done
echo "system packages installed: ${missing[*]}"
