#!/usr/bin/env bash
# Installs the system packages Jatkumo needs when they are missing: a JDK and Maven for the
# local Kafka broker, Chromium for the operator-view browser test, and Node.js with npm for the
# AsyncAPI validator. Needs root for apt-get;
# otherwise it says what to install.
set -euo pipefail
missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "please install: ${missing[*]} (needs root / apt-get)" >&2
  exit 1
fi
