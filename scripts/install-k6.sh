#!/usr/bin/env bash
# Installs the pinned k6 into <repo>/.k6/bin/k6 from Go modules, so the harness
# can run scenarios on the real k6 (`denpa run --engine k6|auto`) and the parity
# test can compare it with the built-in engine.
#
# Idempotent: does nothing when .k6/bin/k6 already reports the pinned version.
# Without Go it explains other ways to get k6 and exits 0: the harness then
# falls back to its built-in engine (and the k6 tests skip). A failed build
# exits 1 in CI (CI=true) and 0 elsewhere.
#
# Quiet on success; prints only when it builds, and then only one line.
set -euo pipefail
cd "$(dirname "$0")/.."

# The newest 1.x the Go module proxy served when this was pinned
# (`go list -m -versions go.k6.io/k6`). Bump deliberately: the parity figures
# in docs/k6.md were measured with this version.
K6_VERSION="${DENPA_K6_VERSION:-v1.8.1}"
BIN_DIR="$PWD/.k6/bin"
K6="$BIN_DIR/k6"

installed_version() {
  # `k6 version` prints e.g. "k6 v1.8.1 (commit/devel, go1.26.8, linux/amd64)".
  "$K6" version 2>/dev/null | sed -n 's/^k6 \(v[0-9][0-9.]*[^ ]*\).*/\1/p' | head -n1
}

if [ -x "$K6" ] && [ "$(installed_version)" = "$K6_VERSION" ]; then
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  if command -v k6 >/dev/null 2>&1 && k6 version 2>/dev/null | grep -q '^k6 v1\.'; then
    echo "install-k6: Go is not installed; using $(k6 version | head -n1) from PATH instead of the pinned $K6_VERSION" >&2
    exit 0
  fi
  cat >&2 <<MSG
install-k6: Go is not installed, so k6 $K6_VERSION cannot be built from source here.
  The harness falls back to its built-in engine. To run scenarios on the real k6:
  - install Go 1.25+ (https://go.dev/dl/) and run scripts/install-k6.sh again, or
  - install k6 $K6_VERSION yourself (https://grafana.com/docs/k6/latest/set-up/install-k6/:
    apt/dnf packages, Homebrew, Docker image grafana/k6, or a release binary from
    https://github.com/grafana/k6/releases) and put it on PATH or at .k6/bin/k6.
MSG
  exit 0
fi

mkdir -p "$BIN_DIR"
echo "install-k6: building k6 $K6_VERSION with $(go version | cut -d' ' -f3) (takes a few minutes)" >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
start=$(date +%s)
# GOFLAGS=-mod=mod: never pick up a vendor dir or go.work from around the repo.
# GOTOOLCHAIN=auto: k6's go.mod may ask for a newer Go than the local one; let
# the go command fetch that toolchain rather than fail.
# CGO_ENABLED=0: a static binary, no C compiler needed.
if ! GOBIN="$BIN_DIR" GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN_K6:-auto}" CGO_ENABLED=0 GOWORK=off \
    go install "go.k6.io/k6@$K6_VERSION" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "install-k6: go install go.k6.io/k6@$K6_VERSION failed (see above); the harness will use its built-in engine" >&2
  # In CI the parity tests need k6: fail loudly there. Elsewhere (say, a
  # laptop offline) the tests that need k6 skip and everything else runs.
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi

got="$(installed_version)"
if [ "$got" != "$K6_VERSION" ]; then
  echo "install-k6: built k6 reports '$got', expected $K6_VERSION" >&2
  exit 1
fi
echo "install-k6: k6 $K6_VERSION installed in .k6/bin/k6 ($(( $(date +%s) - start ))s)" >&2
