#!/usr/bin/env bash
# make bench: every performance figure (`veriport bench --json`) of this
# checkout and, in the same run on the same machine, of a baseline commit,
# printed side by side with the targets. BENCH_BASE names the baseline
# (default: main at the end of the first wave, before the capture-path work;
# empty: no baseline). Figures and logs go to $BENCH_OUT (default bin/bench):
# base.json, head.json, and the bench's own lines (load average included) in
# base.log and head.log. BENCH_ONLY=a,b runs only those measurements.
# BENCH_BASE_ENV="VAR=value ..." sets variables for the baseline's run only,
# e.g. BENCH_BASE_ENV=LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/atlas runs
# it on ATLAS, the BLAS it shipped with (each JSON names its "blas"). The
# machine should be otherwise idle.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8
base=${BENCH_BASE-7da4ad9}
out=${BENCH_OUT:-bin/bench}
go=${GO:-go}
only=()
[ -n "${BENCH_ONLY:-}" ] && only=(--only "$BENCH_ONLY")
say() { printf '[bench] %s\n' "$*" >&2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/base.json "$out"/head.json
data=$(mktemp -d)
wt=""
cleanup() {
  rm -rf "$data"
  if [ -n "$wt" ]; then git worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"; fi
}
trap cleanup EXIT
[ -x bin/veriport ] || { say "bin/veriport missing: run make build"; exit 1; }
if [ -n "$base" ]; then
  if git rev-parse -q --verify "$base^{commit}" >/dev/null; then
    wt=$(mktemp -d -u /tmp/veriport-bench-base.XXXXXX)
    git worktree add -q --detach "$wt" "$base"
    say "building the baseline $(git log -1 --format='%h (%ad) %s' --date=short "$base" | cut -c1-100)"
    (cd "$wt" && "$go" build -o "$out/veriport-base" .)
    read -r -a base_env <<<"${BENCH_BASE_ENV:-}"
    say "baseline bench ${base_env[*]} (load $(cut -d' ' -f1-3 /proc/loadavg))"
    env "${base_env[@]}" "$out/veriport-base" --data-dir "$data/base" bench --json "${only[@]}" >"$out/base.json" 2>"$out/base.log" ||
      { say "baseline bench failed, see $out/base.log"; rm -f "$out/base.json"; }
  else
    say "baseline $base is not in this clone: figures of this checkout only"
  fi
fi
say "bench of this checkout $(git describe --always --dirty) (load $(cut -d' ' -f1-3 /proc/loadavg))"
./bin/veriport --data-dir "$data/head" bench --json "${only[@]}" >"$out/head.json" 2>"$out/head.log" ||
  { say "bench failed, see $out/head.log"; exit 1; }
grep '^bench:' "$out/head.log" >&2 || true
python3 - "$out" "$base" <<'PY'
import json, os, sys
out, base = sys.argv[1], sys.argv[2]
def flat(v, key="", into=None):
    """Nested figures as dotted keys: lists of {"n": ...} by n, others by index."""
    into = {} if into is None else into
    if isinstance(v, dict):
        for k, x in v.items():
            if not (isinstance(v.get("n"), int) and k == "n"):
                flat(x, f"{key}.{k}" if key else k, into)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            tag = f"n{x['n']}" if isinstance(x, dict) and "n" in x else str(i)
            flat(x, f"{key}.{tag}", into)
    else:
        into[key] = v
    return into
head = flat(json.load(open(os.path.join(out, "head.json"))))
old = {}
if os.path.exists(os.path.join(out, "base.json")):
    old = flat(json.load(open(os.path.join(out, "base.json"))))
# Targets: the capture path (issue 14), the second engine (issue 23: the
# resident memory now holds both engines), the back end and the purge
# (issue 27). Figures in `floors` must reach their target, the others must
# not exceed theirs.
targets = {"capture_to_decision_ms_p95": 80, "template_crop_ms_p50": 45, "live_cpu_cores": 0.6,
           "startup_ms": 3000, "rss_mb_42k": 550, "purge_10k_ms": 2000, "backend_results_per_s": 2000,
           "backend_ack_ms_p95": 50, "report_terminal_1m_ms": 5000, "report_terminal_10m_ms": 30000}
floors = {"backend_results_per_s"}
fmt = lambda v: "—" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))
keys = sorted(set(head) | set(old))
w = max(len(k) for k in keys)
print(f"{'key':<{w}}  {'before ' + base if old else 'before':>18}  {'after':>12}  target")
for k in keys:
    t = targets.get(k)
    mark = ""
    if t is not None and isinstance(head.get(k), (int, float)):
        ok = head[k] >= t if k in floors else head[k] <= t
        mark = (">= " if k in floors else "<= ") + f"{t} " + ("met" if ok else "NOT MET")
    print(f"{k:<{w}}  {fmt(old.get(k)):>18}  {fmt(head.get(k)):>12}  {mark}")
PY
