#!/usr/bin/env bash
# Provision spoofguard on a router: install the binary, the policy and the systemd unit, load the
# policy, enable the unit. Idempotent: a second run with the same inputs changes nothing and says so.
# On any error it stops loudly (non-zero exit) and the rules loaded before stay in place: the
# policy is validated before anything is installed, `spoofguard apply` is one atomic nf_tables
# transaction, and the installed policy file is replaced only after the kernel accepted it.
#
# Usage: provision-router.sh [--netns NAME] SPOOFGUARD_BINARY POLICY.json
#
# Environment (defaults in brackets), so tests can install into a scratch root:
#   PREFIX                 [/usr/local]            binary goes to $PREFIX/bin/spoofguard
#   SPOOFGUARD_POLICY_DIR  [/etc/spoofguard]       policy goes to $SPOOFGUARD_POLICY_DIR/policy.json
#   SYSTEMD_UNIT_DIR       [/etc/systemd/system]   unit goes to $SYSTEMD_UNIT_DIR/spoofguard.service
#   SPOOFGUARD_UNIT        [spoofguard.service beside this script]
#   SPOOFGUARD_NETNS       []                      network namespace to apply in (as --netns)
#   SPOOFGUARD_SKIP_SYSTEMCTL [unset]              1: never run systemctl (also skipped without systemd)
set -euo pipefail

fail() { echo "provision-router: FAILED: $*" >&2; exit 1; }
trap 'fail "line $LINENO: command exited with status $?; previously loaded rules are untouched"' ERR

netns="${SPOOFGUARD_NETNS:-}"
if [[ "${1:-}" == "--netns" ]]; then netns="${2:?--netns needs a name}"; shift 2; fi
[[ $# -eq 2 ]] || { echo "usage: $0 [--netns NAME] SPOOFGUARD_BINARY POLICY.json" >&2; exit 64; }
source_binary=$1
source_policy=$2

prefix="${PREFIX:-/usr/local}"
policy_dir="${SPOOFGUARD_POLICY_DIR:-/etc/spoofguard}"
unit_dir="${SYSTEMD_UNIT_DIR:-/etc/systemd/system}"
unit_source="${SPOOFGUARD_UNIT:-$(dirname "$0")/spoofguard.service}"
binary="$prefix/bin/spoofguard"
policy="$policy_dir/policy.json"
unit="$unit_dir/spoofguard.service"
netns_args=()
[[ -n "$netns" ]] && netns_args=(--netns "$netns")

[[ -x "$source_binary" ]] || fail "$source_binary is not an executable file"
[[ -r "$source_policy" ]] || fail "cannot read the policy $source_policy"
[[ -r "$unit_source" ]] || fail "cannot read the unit $unit_source (set SPOOFGUARD_UNIT)"

changes=()

# 1. Validate before touching anything: an invalid policy must not replace the installed one.
"$source_binary" check "$source_policy" >/dev/null || fail "$source_policy is not a valid policy (see above); nothing was changed"

# install_if_different SOURCE DESTINATION MODE: copies only when the content differs.
install_if_different() {
    if [[ -f "$2" ]] && cmp -s "$1" "$2"; then return 0; fi
    install -D -m "$3" "$1" "$2.new.$$"
    mv -f "$2.new.$$" "$2"
    changes+=("installed $2")
}

# 2. The binary.
install_if_different "$source_binary" "$binary" 0755

# 3. Load the policy from a staged copy; it becomes the installed policy only once loaded.
mkdir -p "$policy_dir"
staged="$policy.new.$$"
install -m 0644 "$source_policy" "$staged"
if ! result=$("$binary" apply "$staged" --json "${netns_args[@]}"); then
    rm -f "$staged"
    fail "spoofguard apply refused the policy (see above); the previously loaded rules are unchanged"
fi
if grep -Eq '"changed" *: *true' <<<"$result"; then changes+=("loaded the policy into the kernel${netns:+ (netns $netns)}"); fi
if [[ -f "$policy" ]] && cmp -s "$staged" "$policy"; then rm -f "$staged"; else mv -f "$staged" "$policy"; changes+=("installed $policy"); fi

# 4. The unit, pointing at the installed binary and policy.
unit_text=$(sed -e "s|/usr/local/bin/spoofguard|$binary|g" -e "s|/etc/spoofguard/policy.json|$policy|g" "$unit_source")
unit_tmp=$(mktemp)
printf '%s\n' "$unit_text" >"$unit_tmp"
install_if_different "$unit_tmp" "$unit" 0644
rm -f "$unit_tmp"

# 5. Enable it, when there is a running systemd to talk to.
if [[ "${SPOOFGUARD_SKIP_SYSTEMCTL:-}" == 1 ]]; then
    echo "provision-router: systemctl skipped (SPOOFGUARD_SKIP_SYSTEMCTL=1)"
elif [[ ! -d /run/systemd/system ]]; then
    echo "provision-router: systemctl skipped (systemd is not running here)"
else
    [[ " ${changes[*]} " == *" installed $unit "* ]] && systemctl daemon-reload
    if ! systemctl is-enabled --quiet spoofguard.service; then
        systemctl enable spoofguard.service
        changes+=("enabled spoofguard.service")
    fi
fi

if [[ ${#changes[@]} -eq 0 ]]; then
    echo "provision-router: unchanged: binary, policy, unit and loaded rules already up to date"
else
    printf 'provision-router: changed: %s\n' "${changes[@]}"
fi
