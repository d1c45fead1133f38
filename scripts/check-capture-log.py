#!/usr/bin/env python3
"""Check a workstation log (or several) for photos the camera must not take.

After an opt-out (accepted or refused), a manual check or a referral, the
camera takes nothing by itself until the officer presses Next and the face
has left the frame ("capture armed" in the log); a refused opt-out is taken
only by the officer's Capture (auto=false). Prints each breach and exits 1
when there is one.

The check reads the lines booth.Station writes (slog text format):
  msg="booth phase" from=... to=... why=...      every phase change
  msg="frame captured" phase=... auto=...          every photo, camera or officer
  msg="capture armed: ..."                          the camera may take the next face
and ui's msg="decision shown" for every biometric decision. So that it
cannot pass on a log it does not understand, it also fails when a log has
no phase line, fewer captures than --min-captures, or more decisions shown
than photos taken (a capture logged under another name).

    scripts/check-capture-log.py [--min-captures N] app.log [app.log ...]
    scripts/check-capture-log.py --self-test
"""
import re
import sys

HOLD = ("to=opt-out ", "to=manual ", "to=opt-out-refused ")
PHASE = 'msg="booth phase"'
CAPTURE = 'msg="frame captured"'
ARMED = 'msg="capture armed'
SHOWN = 'msg="decision shown"'


def field(line, name):
    m = re.search(r"\b" + name + r"=(\"[^\"]*\"|\S+)", line)
    return m.group(1).strip('"') if m else ""


def check(lines, name, min_captures=0):
    """Returns (breaches, captures) of one log's lines."""
    bad, held, nexted = [], False, False
    captures = phases = shown = 0
    for n, line in enumerate(lines, 1):
        if PHASE in line:
            phases += 1
            if any(h in line + " " for h in HOLD):
                held, nexted = True, False
            elif 'why="next traveler"' in line or "why=login" in line or 'why="logout' in line:
                if held:
                    nexted = True
        elif ARMED in line and held and nexted:
            held, nexted = False, False
        elif CAPTURE in line:
            captures += 1
            auto, phase = field(line, "auto"), field(line, "phase")
            if held and auto == "true":
                bad.append(f"{name}:{n}: automatic capture of a held traveler (phase {phase}): {line.strip()}")
            if phase not in ("ready", "opt-out-refused"):
                bad.append(f"{name}:{n}: capture in phase {phase}: {line.strip()}")
        elif SHOWN in line:
            shown += 1
    if phases == 0:
        bad.append(f"{name}: no {PHASE} line: not a workstation log, or its format changed")
    if captures < min_captures:
        bad.append(f"{name}: {captures} {CAPTURE} lines, want at least {min_captures}")
    if shown > captures:
        bad.append(f"{name}: {shown} decisions shown but {captures} {CAPTURE} lines: captures logged under another name")
    return bad, captures


# Lines as the workstation writes them (time stamps shortened).
_SAMPLE = '''time=T level=INFO msg="booth phase" from=logged-out to=ready why=login traveler=1
time=T level=INFO msg="frame captured" phase=ready auto=true traveler=1 score=0.91
time=T level=INFO msg="booth phase" from=ready to=deciding why=captured traveler=1
time=T level=INFO msg="decision shown" outcome=match capture_to_banner_ms=120
time=T level=INFO msg="booth phase" from=deciding to=decided why=match traveler=1
time=T level=INFO msg="booth phase" from=decided to=ready why="next traveler" traveler=2
time=T level=INFO msg="capture armed: the last traveler's face has left" traveler=2
time=T level=INFO msg="booth phase" from=ready to=opt-out why="opt-out form" traveler=2
time=T level=INFO msg="booth phase" from=opt-out to=opt-out-refused why="opt-out refused" traveler=2
time=T level=INFO msg="frame captured" phase=opt-out-refused auto=false traveler=2 score=0.88
time=T level=INFO msg="decision shown" outcome=match capture_to_banner_ms=130
'''


def self_test():
    """The check passes the sample and fails each way a log can be wrong."""
    lines = _SAMPLE.splitlines()
    cases = [
        ("the sample", lines, 2, True),
        ("an automatic capture after a refused opt-out",
         [ln.replace("auto=false", "auto=true") for ln in lines], 2, False),
        ("a capture in the decided phase",
         lines[:5] + ['time=T level=INFO msg="frame captured" phase=decided auto=true traveler=1 score=0.9'], 0, False),
        ("captures logged under another name",
         [ln.replace("frame captured", "photo taken") for ln in lines], 0, False),
        ("too few captures", lines, 3, False),
        ("no phase line", [ln for ln in lines if "booth phase" not in ln], 0, False),
        ("a held traveler taken before the face left",
         lines[:8] + ['time=T level=INFO msg="booth phase" from=opt-out to=manual why="opt-out accepted" traveler=2',
                      'time=T level=INFO msg="booth phase" from=manual to=concluded why="manual check done" traveler=2',
                      'time=T level=INFO msg="booth phase" from=concluded to=ready why="next traveler" traveler=3',
                      'time=T level=INFO msg="frame captured" phase=ready auto=true traveler=3 score=0.9'], 0, False),
    ]
    failed = False
    for what, ls, mincap, want in cases:
        bad, _ = check(ls, what, mincap)
        ok = not bad
        print(f"self-test: {what}: {'pass' if ok else 'FAIL'} (expected {'pass' if want else 'FAIL'})")
        failed = failed or ok != want
    return 1 if failed else 0


def main():
    args = sys.argv[1:]
    if args == ["--self-test"]:
        sys.exit(self_test())
    min_captures = 0
    if len(args) >= 2 and args[0] == "--min-captures":
        min_captures, args = int(args[1]), args[2:]
    if not args:
        print(__doc__.strip().splitlines()[-2].strip(), file=sys.stderr)
        sys.exit(2)
    failed = False
    for p in args:
        with open(p, errors="replace") as f:
            bad, caps = check(f.read().splitlines(), p, min_captures)
        print(f"{p}: {caps} captures, {len(bad)} breaches")
        for b in bad:
            print("  " + b)
        failed = failed or bool(bad)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
