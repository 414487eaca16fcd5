#!/usr/bin/env bash
# CI native check: builds modelswap as a native executable and runs the @QuarkusIntegrationTests against it.
#
#   .ci/native.sh
#
# 1. The native-image toolchain: the stand-in GRAALVM_HOME of shared/native/build-native.sh (there is no GraalVM or
#    Mandrel distribution on the CI hosts), built into $HOME/.cache/modelswap/native-gvm and reused while it is
#    complete and current (build-native.sh checks its own stamp and does nothing then).
# 2. ./mvnw verify -Dnative on JDK 25 with that toolchain (the pom's native profile: quarkus.native.enabled=true and
#    the integration tests against target/*-runner).
# 3. The size of the binary.
#
# Exit status: 0 success; 2 the toolchain could not be built; 3 the native build or its tests failed.
# Environment: JDK25 (default /usr/lib/jvm/temurin-25-jdk-amd64), MODELSWAP_NATIVE_GVM (default
# $HOME/.cache/modelswap/native-gvm). Release binaries come from the Mandrel builder image instead
# (docker/Dockerfile.native).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
GVM="${MODELSWAP_NATIVE_GVM:-$HOME/.cache/modelswap/native-gvm}"

toolchain_failed() {
  echo "== FAILED in the TOOLCHAIN build (native-image stand-in at $GVM): $*" >&2
  echo "   The application was not built." >&2
  exit 2
}

native_failed() {
  echo "== FAILED in the NATIVE BUILD/TESTS of modelswap (toolchain $GVM was fine): $*" >&2
  exit 3
}

echo "== 1/3 native-image toolchain -> $GVM"
[ -x "$JDK25/bin/java" ] || toolchain_failed "JDK 25 not found at $JDK25 (set JDK25=...)"

# CI checks out the repository with shared/ beside it ($(dirname repo)/shared); a developer may have it inside.
BUILD_NATIVE=""
for candidate in "$REPO/../shared/native/build-native.sh" "$REPO/shared/native/build-native.sh"; do
  if [ -f "$candidate" ]; then
    BUILD_NATIVE="$(cd "$(dirname "$candidate")" && pwd)/build-native.sh"
    break
  fi
done

if [ -n "$BUILD_NATIVE" ]; then
  # build-native.sh calls `mvn` to fetch the Substrate VM jars; where no Maven is installed, use the wrapper.
  if ! command -v mvn >/dev/null 2>&1; then
    SHIM="$(mktemp -d)"
    trap 'rm -rf "$SHIM"' EXIT
    printf '#!/bin/sh\nexec "%s/mvnw" "$@"\n' "$REPO" > "$SHIM/mvn"
    chmod +x "$SHIM/mvn"
    export PATH="$SHIM:$PATH"
  fi
  echo "   using $BUILD_NATIVE (does nothing when the toolchain is already complete)"
  mkdir -p "$(dirname "$GVM")" || toolchain_failed "cannot create $(dirname "$GVM")"
  JDK25="$JDK25" bash "$BUILD_NATIVE" "$GVM" || toolchain_failed "build-native.sh exited with status $?"
elif [ -x "$GVM/bin/native-image" ]; then
  echo "   shared/native/build-native.sh not found next to or inside the checkout; reusing the toolchain in $GVM"
else
  toolchain_failed "shared/native/build-native.sh not found in $REPO/../shared or $REPO/shared, and no toolchain in $GVM"
fi
[ -x "$GVM/bin/native-image" ] || toolchain_failed "$GVM/bin/native-image is missing after the build"

echo "== 2/3 native build and integration tests"
# A runner left by an earlier build would hide a failure of this one.
rm -f target/*-runner
if ! JAVA_HOME="$JDK25" ./mvnw -B -ntp verify -Dnative -DskipUnitTests -Dquarkus.native.graalvm-home="$GVM"; then
  shopt -s nullglob
  runners=(target/*-runner)
  if [ ${#runners[@]} -eq 0 ]; then
    native_failed "no native executable was produced: compilation, the unit tests or native-image failed (see the Maven output above)"
  fi
  native_failed "the native executable ${runners[0]} was built, but the integration tests against it failed (target/failsafe-reports)"
fi

echo "== 3/3 binary"
shopt -s nullglob
runners=(target/*-runner)
[ ${#runners[@]} -eq 1 ] || native_failed "expected one target/*-runner after the build, found ${#runners[@]}"
BYTES="$(stat -c %s "${runners[0]}")"
echo "native executable: ${runners[0]}: $BYTES bytes ($(( (BYTES + 524288) / 1048576 )) MiB)"
echo "== native build and tests passed"
