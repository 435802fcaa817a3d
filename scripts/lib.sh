# Shared by scripts/setup and scripts/env (sourced, not run).
# Where the private root lives when this machine has no Python 3.14: a cache folder of the
# project's own, outside the repository, shared by every clone on the machine.
CACHE_DIR=${DINSTAR_DEV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dinstar-dev}
ROOT_DIR=$CACHE_DIR/root-sid
# How .venv runs: "host" (a Python 3.14 of this machine) or "root" (inside ROOT_DIR).
MODE_FILE=.venv/.mode

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Runs a command inside ROOT_DIR as the calling user, in the current directory (this repository,
# mounted at the same path). A mount namespace of its own: the mounts vanish with the command
# however it ends, and two commands at once (the demo and the tests) do not see each other's.
run_in_root() {
  local repo uid gid home=/home/dinstar-dev inner
  repo=$(pwd)
  uid=$(id -u)
  gid=$(id -g)
  inner="mount -t proc proc '$ROOT_DIR/proc' && mount --rbind /dev '$ROOT_DIR/dev' \
    && mount -t tmpfs -o mode=1777 tmpfs '$ROOT_DIR/dev/shm' && mkdir -p '$ROOT_DIR$repo' \
    && mount --bind '$repo' '$ROOT_DIR$repo' && cp /etc/resolv.conf '$ROOT_DIR/etc/resolv.conf' \
    && mkdir -p '$ROOT_DIR$home' && chown $uid:$gid '$ROOT_DIR$home' \
    && exec chroot --userspec=$uid:$gid '$ROOT_DIR' \"\$@\""
  as_root env HOME="$home" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM="${TERM:-dumb}" \
    unshare --mount --propagation private sh -c "$inner" sh \
    sh -c 'cd "$0" && exec "$@"' "$repo" "$@"
}
