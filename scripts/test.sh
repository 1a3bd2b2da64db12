#!/usr/bin/env bash
# The project's test command (README): installs what the tests need on a fresh machine, then runs
# every test of the library with the race detector.
#   - python3-dkim (Debian): the independent DKIM verifier the dkim tests check our signatures with.
#   - aws-ses-v2-local (npm, pinned in testdata/emulator/package-lock.json): the SES emulator the
#     end-to-end tests send through with the real aws-sdk-go-v2 clients.
#   - @cloud-copilot/iam-simulate (npm, pinned in sespolicy/testdata/iamsim/package-lock.json): the
#     independent IAM policy simulator the sespolicy operator tables are cross-checked against.
#   - smtp-server (npm, nodemailer's, pinned in testdata/smtpserver/package-lock.json): the
#     independent SMTP server the SMTP sender's tests send to over STARTTLS and implicit TLS.
set -euo pipefail
cd "$(dirname "$0")/.."

# Checked the way the tests use it (/usr/bin/python3 importing the dkim module), not by a binary
# of the package that may be present without the module, or absent with it. -I keeps the current
# directory out of Python's path: run from the repository's root, a bare "import dkim" found the
# dkim/ folder (a namespace package) and skipped the install on a machine without python3-dkim.
if ! /usr/bin/python3 -I -c 'import dkim; dkim.verify' 2>/dev/null; then
  echo "test.sh: installing python3-dkim (Debian) for independent DKIM verification"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq python3-dkim >/dev/null
fi

if [ -f testdata/emulator/package-lock.json ]; then
  if ! [ -d testdata/emulator/node_modules ] || [ testdata/emulator/package-lock.json -nt testdata/emulator/node_modules ]; then
    echo "test.sh: installing the SES emulator (npm ci in testdata/emulator)"
    (cd testdata/emulator && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

if [ -f sespolicy/testdata/iamsim/package-lock.json ]; then
  if ! [ -d sespolicy/testdata/iamsim/node_modules ] || [ sespolicy/testdata/iamsim/package-lock.json -nt sespolicy/testdata/iamsim/node_modules ]; then
    echo "test.sh: installing the IAM policy simulator (npm ci in sespolicy/testdata/iamsim)"
    (cd sespolicy/testdata/iamsim && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

if [ -f testdata/smtpserver/package-lock.json ]; then
  if ! [ -d testdata/smtpserver/node_modules ] || [ testdata/smtpserver/package-lock.json -nt testdata/smtpserver/node_modules ]; then
    echo "test.sh: installing nodemailer's smtp-server (npm ci in testdata/smtpserver)"
    (cd testdata/smtpserver && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# redis-server (Debian): the shared rate limiter of contrib/redislimit is tested against a real
# Redis, which its tests start themselves on a free loopback port (no service is left running).
if [ -n "$(ls contrib/*/go.mod 2>/dev/null)" ] && ! command -v redis-server >/dev/null; then
  echo "test.sh: installing redis-server (Debian) for contrib/redislimit"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq redis-server >/dev/null
fi

go test -race -count=1 "$@" ./...

# Every module under contrib/ has its own go.mod: test each one too.
for mod in contrib/*/go.mod; do
  [ -f "$mod" ] || continue
  echo "test.sh: testing $(dirname "$mod")"
  (cd "$(dirname "$mod")" && go test -race -count=1 "$@" ./...)
done
