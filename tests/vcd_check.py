#!/usr/bin/env python3
"""Check blink2's VCD recording (ports/vcd.h) against blink2's known timing,
from the file alone:
  - LED1 changes every 250 ms from 0, 20 times (on at 0, off at 250, ...);
    LED2 every 100 ms from 0, 40 times; the file ends at 5000 ms;
  - at every change of LEDn, exactly one task is running, and it is ledn;
  - every run of ledn but its last changes LEDn exactly once, its last run
    (at 5000 / 4000 ms) changes nothing and ends the task;
  - no two tasks run at once, and every run ends before time moves on.
Usage: vcd_check.py [--real-clock] blink2.vcd  (tasks named main led1 led2).
With --real-clock (a recording on the host port) time passes during a run
and edges may come late: the counts, the levels, which task makes each edge
and "never early" are checked, not the exact times. Prints the failures and
exits 1, or prints one line and exits 0."""
import sys

def load(path):
    """Declarations {code: (scope, name)} and the events [(us, code, value)] in file order."""
    toks = open(path).read().split()
    decl, events = {}, []
    scope, i, t, unit = [], 0, 0, None
    while i < len(toks):
        tok = toks[i]
        if tok == "$scope":
            scope.append(toks[i + 2]); i = toks.index("$end", i) + 1
        elif tok == "$upscope":
            scope.pop(); i = toks.index("$end", i) + 1
        elif tok == "$var":
            decl[toks[i + 3]] = (".".join(scope), toks[i + 4]); i = toks.index("$end", i) + 1
        elif tok == "$timescale":
            unit = " ".join(toks[i + 1:toks.index("$end", i)]); i = toks.index("$end", i) + 1
        elif tok in ("$dumpvars", "$end"):
            i += 1
        elif tok.startswith("$"):
            i = toks.index("$end", i) + 1
        elif tok.startswith("#"):
            t = int(tok[1:]); i += 1
        elif tok[0] == "b":
            events.append((t, toks[i + 1], tok[1:])); i += 2
        else:
            events.append((t, tok[1:], tok[0])); i += 1
    return unit, decl, events

def main():
    real = "--real-clock" in sys.argv[1:]
    unit, decl, events = load([a for a in sys.argv[1:] if a != "--real-clock"][0])
    fails = []
    def fail(msg):
        if len(fails) < 20:
            fails.append(msg)
    if unit not in ("1 us", "1us"):
        fail("timescale is %r, not 1 us" % unit)
    task = {c: n for c, (s, n) in decl.items() if s.endswith("tasks")}
    pin = {c: n for c, (s, n) in decl.items() if s.endswith("pins")}
    if sorted(task.values()) != ["led1", "led2", "main"] or sorted(pin.values()) != ["LED1", "LED2"]:
        fail("tasks %s and pins %s, not main led1 led2 and LED1 LED2" % (sorted(task.values()), sorted(pin.values())))
        print("\n".join("FAIL: " + f for f in fails)); return 1
    state = {n: "z" for n in task.values()}
    level = {n: "x" for n in pin.values()}
    edges = {"LED1": [], "LED2": []}
    runs = {"led1": [], "led2": [], "main": []}     # [time, edges made, ended]
    last_t = 0
    for t, code, v in events:
        if t != last_t:
            busy = [n for n, s in state.items() if s == "10"]
            if busy and not real:
                fail("%s still running when time moves from %d to %d us" % (busy, last_t, t))
            last_t = t
        if code in task:
            n = task[code]
            if v == "10":
                if any(s == "10" for s in state.values()):
                    fail("%s starts running at %d us while another task runs" % (n, t))
                runs[n].append([t, 0, False])
            elif state[n] == "10" and v == "zz":
                runs[n][-1][2] = True
            state[n] = v
        elif code in pin:
            n = pin[code]
            if level[n] != "x" and v != level[n]:
                edges[n].append((t, v))
                running = [m for m, s in state.items() if s == "10"]
                owner = "led" + n[-1]
                if running != [owner]:
                    fail("%s changes at %d us while %s run(s), not %s alone" % (n, t, running or "no task", owner))
                elif runs[owner]:
                    runs[owner][-1][1] += 1
            elif level[n] == "x" and v == "1":
                fail("%s goes high at %d us before it was set low" % (n, t))
            level[n] = v
    want = {"LED1": (250, 20), "LED2": (100, 40)}
    for n, (period, count) in want.items():
        got = [(t // 1000 if t % 1000 == 0 else t / 1000.0, v) for t, v in edges[n]]
        exp = [(k * period, "1" if k % 2 == 0 else "0") for k in range(count)]
        if real:
            late_ok = len(got) == count and all(g[1] == e[1] and g[0] >= e[0] for g, e in zip(got, exp))
            if not late_ok:
                fail("%s: %d edges %s, want %d alternating from on, none before k x %d ms"
                     % (n, len(got), got[:6], count, period))
            continue
        if got != exp:
            bad = next((k for k in range(min(len(got), len(exp))) if got[k] != exp[k]), min(len(got), len(exp)))
            fail("%s: %d edges, want %d every %d ms from 0; first difference at edge %d: got %s, want %s"
                 % (n, len(got), count, period, bad, got[bad] if bad < len(got) else "none",
                    exp[bad] if bad < len(exp) else "none"))
    for n, end_ms in (("led1", 5000), ("led2", 4000)):
        r = runs[n]
        if not r or (r[-1][0] < end_ms * 1000 if real else r[-1][0] != end_ms * 1000) or r[-1][1] != 0 or not r[-1][2]:
            fail("%s: its last run is %s, want one at %d ms that changes nothing and ends the task" % (n, r[-1] if r else None, end_ms))
        for t, made, _ in r[:-1]:
            if made != 1:
                fail("%s: its run at %d us changes its LED %d times, not once" % (n, t, made))
    if (last_t < 5000 * 1000) if real else (last_t != 5000 * 1000):
        fail("the recording ends at %d us, not at 5000 ms" % last_t)
    if fails:
        print("\n".join("FAIL: " + f for f in fails))
        return 1
    print("vcd: blink2's recording%s: LED1 20 edges 250 ms apart, LED2 40 edges 100 ms apart, each made by its task while it runs, %d events" % (" on the real clock (none early)" if real else "", len(events)))
    return 0

if __name__ == "__main__":
    sys.exit(main())
