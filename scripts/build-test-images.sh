#!/usr/bin/env bash
# Build the local test image localhost/busybox:latest from Debian's busybox-static.
# Nothing is pulled: the image is a `docker import` of a tiny hand-made rootfs.
# Usage: scripts/build-test-images.sh [--force]
# Builds in the engine the docker CLI talks to: /var/run/docker.sock, or DOCKER_HOST when set
# (DOCKER_HOST=unix:///tmp/x/docker.sock for a second engine, as test/helpers/private-engine.ts does).
set -euo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
export DOCKER_API_VERSION=1.41
IMAGE=localhost/busybox:latest
BUSYBOX=/bin/busybox
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

if [ "$FORCE" = 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "build-test-images: $IMAGE already present" >&2
  exit 0
fi
# Must be the static build: the rootfs has no libc.
if ! [ -x "$BUSYBOX" ] || ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
  echo "build-test-images: busybox-static not installed (apt-get install -y busybox-static)" >&2
  exit 1
fi

ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{bin,usr/bin,etc,root,tmp,var/tmp,home}
chmod 1777 "$ROOT/tmp" "$ROOT/var/tmp"
cp "$BUSYBOX" "$ROOT/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$ROOT/bin/$applet"
done
ln -sf ../../bin/busybox "$ROOT/usr/bin/env"   # for "#!/usr/bin/env sh" scripts
cat > "$ROOT/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat > "$ROOT/etc/group" <<'GR'
root:x:0:
nogroup:x:65534:
GR

echo "build-test-images: importing $IMAGE" >&2
tar -C "$ROOT" --numeric-owner --owner=0 --group=0 -c . |
  docker import \
    --change 'CMD ["sh"]' \
    --change 'ENV PATH=/bin:/usr/bin' \
    - "$IMAGE" >/dev/null

out=$(docker run --rm --network none "$IMAGE" echo ok)
[ "$out" = ok ] || { echo "build-test-images: smoke test failed: '$out'" >&2; exit 1; }
echo "build-test-images: $IMAGE ready" >&2
