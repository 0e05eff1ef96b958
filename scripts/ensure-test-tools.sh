#!/usr/bin/env bash
# Installs what the tests need beyond npm packages, and does nothing for
# what is already there: Debian's Net::SMPP (an SMPP peer we did not write,
# for interoperability tests), Kannel (a third-party SMS gateway the
# end-to-end tests judge), Chromium (the HTML report is checked in a real
# browser) and PostgreSQL's server (the store's tests run on both backends,
# each on a throwaway cluster the test starts: test/support/postgres.ts).
# Runs before `npm test`.
#
# Never k6: it is AGPL-licensed and denpa does not download, build or install
# it. The tests that need k6 use the user's own (PATH or K6_BIN) and skip,
# saying so, when there is none.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
perl -MNet::SMPP -e1 2>/dev/null || need+=(libnet-smpp-perl)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Kannel (bearerbox + smsbox): a real SMS gateway nobody here wrote, judged end to end.
{ command -v bearerbox || [ -x /usr/sbin/bearerbox ]; } >/dev/null 2>&1 || need+=(kannel)
# Only the binaries: the tests run initdb and pg_ctl themselves (no cluster of the package's is used).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "ensure-test-tools: missing Debian packages: ${need[*]} (install them with apt-get as root)" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  echo "ensure-test-tools: installing ${need[*]}" >&2
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ -z "${K6_BIN:-}" ] && ! command -v k6 >/dev/null 2>&1; then
  echo "ensure-test-tools: no k6 on PATH or in K6_BIN: the tests that need the real k6 will skip" >&2
fi
