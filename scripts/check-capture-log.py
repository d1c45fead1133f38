#!/usr/bin/env python3
"""Check a workstation log (or several) for photos the camera must not take.

After an opt-out (accepted or refused), a manual check or a referral, the
camera takes nothing by itself until the officer presses Next and the face
has left the frame ("capture armed" in the log); a refused opt-out is taken
only by the officer's Capture (auto=false). Prints each breach and exits 1
when there is one.

    scripts/check-capture-log.py app.log [app.log ...]
"""
import re
import sys

HOLD = ("to=opt-out ", "to=manual ", "to=opt-out-refused ")


def field(line, name):
    m = re.search(r"\b" + name + r"=(\"[^\"]*\"|\S+)", line)
    return m.group(1).strip('"') if m else ""


def check(path):
    bad, held, nexted, captures = [], False, False, 0
    for n, line in enumerate(open(path, errors="replace"), 1):
        if "msg=\"booth phase\"" in line:
            if any(h in line + " " for h in HOLD):
                held, nexted = True, False
            elif "why=\"next traveler\"" in line or "why=login" in line or "why=\"logout" in line:
                if held:
                    nexted = True
        elif "capture armed" in line and held and nexted:
            held, nexted = False, False
        elif "msg=\"frame captured\"" in line:
            captures += 1
            auto, phase = field(line, "auto"), field(line, "phase")
            if held and auto == "true":
                bad.append(f"{path}:{n}: automatic capture of a held traveler (phase {phase}): {line.strip()}")
            if phase not in ("ready", "opt-out-refused"):
                bad.append(f"{path}:{n}: capture in phase {phase}: {line.strip()}")
    return bad, captures


def main():
    failed = False
    for p in sys.argv[1:]:
        bad, caps = check(p)
        print(f"{p}: {caps} captures, {len(bad)} breaches")
        for b in bad:
            print("  " + b)
        failed = failed or bool(bad)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
