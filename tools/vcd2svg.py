#!/usr/bin/env python3
"""vcd2svg: draw a VCD recording (ports/vcd.h) as an SVG timeline for the docs.

    python3 tools/vcd2svg.py run.vcd [-o run.svg] [--title T] [--from MS] [--to MS] [--width PX]

Task lanes on top (a thin line while the task waits, a pale band while it is
ready, a dark bar while it runs: a run that takes no time, as every run on the
virtual clock, is a mark 2 px wide), pin waveforms below (high filled), a time
axis in ms at the bottom. The output depends only on the VCD and the options,
so `make docs` regenerates the same bytes.

Reads the VCDs ports/vcd.h writes (scopes coop.tasks and coop.pins, 2-bit task
states 0 waiting, 1 ready, 2 running, z not alive); from any other VCD it draws
the 1-bit signals as pins.
"""
import argparse
import sys
from xml.sax.saxutils import escape

TIMESCALE_US = {"s": 1e6, "ms": 1e3, "us": 1.0, "ns": 1e-3, "ps": 1e-6, "fs": 1e-9}


class Var:
    def __init__(self, scope, width, code, name):
        self.scope, self.width, self.code, self.name = scope, width, code, name
        self.changes = []  # (time in us, value string), in file order


def parse(text):
    """The variables (in declaration order) and the last time, in us."""
    toks = text.split()
    i = 0
    scope = []
    byid = {}
    order = []
    unit = 1.0
    t = 0.0
    end = 0.0
    while i < len(toks):
        tok = toks[i]
        if tok == "$scope":
            scope.append(toks[i + 2])
            i = toks.index("$end", i) + 1
        elif tok == "$upscope":
            scope.pop()
            i = toks.index("$end", i) + 1
        elif tok == "$var":
            width, code, name = int(toks[i + 2]), toks[i + 3], toks[i + 4]
            v = Var(".".join(scope), width, code, name)
            byid.setdefault(code, []).append(v)
            order.append(v)
            i = toks.index("$end", i) + 1
        elif tok == "$timescale":
            j = toks.index("$end", i)
            spec = "".join(toks[i + 1:j])
            num = "".join(c for c in spec if c.isdigit()) or "1"
            unit = int(num) * TIMESCALE_US[spec[len(num):]]
            i = j + 1
        elif tok in ("$dumpvars", "$dumpon", "$dumpoff", "$dumpall", "$end"):
            i += 1
        elif tok.startswith("$"):
            i = toks.index("$end", i) + 1
        elif tok.startswith("#"):
            t = int(tok[1:]) * unit
            end = max(end, t)
            i += 1
        elif tok[0] in "bBrR":
            for v in byid.get(toks[i + 1], []):
                v.changes.append((t, tok[1:].lower()))
            i += 2
        else:
            for v in byid.get(tok[1:], []):
                v.changes.append((t, tok[0].lower()))
            i += 1
    return order, end


def task_state(value):
    """'wait', 'ready', 'run' or None (not alive) from a 2-bit value."""
    if "z" in value or "x" in value:
        return None
    n = int(value, 2)
    return {0: "wait", 1: "ready", 2: "run"}.get(n)


def nice_step(span_ms, want=10):
    step = 1.0
    while span_ms / step > want:
        for m in (2, 2.5, 2):  # 1, 2, 5, 10, 20, 50, ...
            step *= m
            if span_ms / step <= want:
                break
    return step


def fmt(x):
    return ("%.1f" % x).rstrip("0").rstrip(".")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vcd")
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--title", default="")
    ap.add_argument("--from", dest="t_from", type=float, default=0.0, help="ms")
    ap.add_argument("--to", dest="t_to", type=float, default=None, help="ms (default: the end)")
    ap.add_argument("--width", type=int, default=880)
    a = ap.parse_args()

    with open(a.vcd) as f:
        variables, end_us = parse(f.read())
    tasks = [v for v in variables if v.scope.endswith("tasks") and v.width == 2]
    pins = [v for v in variables if v.width == 1 and v not in tasks and v.name != "asleep"]
    t0 = a.t_from * 1000.0
    t1 = (a.t_to * 1000.0) if a.t_to is not None else end_us
    if t1 <= t0:
        sys.exit("vcd2svg: nothing to draw (the time range is empty)")

    W = a.width
    left, right = 92, 18
    top = 30 if a.title else 10
    lane_h, gap = 18, 8
    plot_w = W - left - right

    def x(t_us):
        return left + (min(max(t_us, t0), t1) - t0) * plot_w / (t1 - t0)

    out = []
    y = top
    lanes_top = y
    body = []

    # task lanes
    for v in tasks:
        body.append('<text x="%d" y="%s" class="lbl">%s</text>' % (left - 8, fmt(y + lane_h * 0.7), escape(v.name)))
        mid = y + lane_h / 2
        ch = v.changes
        marks = []
        for k, (t, val) in enumerate(ch):
            nxt = ch[k + 1][0] if k + 1 < len(ch) else end_us
            st = task_state(val)
            if st is None or nxt < t0 or t > t1:
                continue
            if nxt > t:
                xa, xb = x(t), x(nxt)
                if st == "wait":
                    body.append('<line x1="%s" y1="%s" x2="%s" y2="%s" class="wait"/>' % (fmt(xa), fmt(mid), fmt(xb), fmt(mid)))
                elif st == "ready":
                    body.append('<rect x="%s" y="%s" width="%s" height="%s" class="ready"/>' % (fmt(xa), fmt(y + 3), fmt(max(xb - xa, 1)), lane_h - 6))
                else:
                    marks.append((xa, xb))
            elif st == "run":
                marks.append((x(t), x(t)))
        for xa, xb in marks:  # on top of the lines
            w = max(xb - xa, 2.0)
            body.append('<rect x="%s" y="%s" width="%s" height="%s" class="run"/>' % (fmt((xa + xb) / 2 - w / 2), fmt(y + 1), fmt(w), lane_h - 2))
        y += lane_h + gap
    if tasks:
        y += 4
        body.append('<line x1="%d" y1="%s" x2="%d" y2="%s" class="sep"/>' % (left, fmt(y - gap / 2 - 2), W - right, fmt(y - gap / 2 - 2)))
        y += 2

    # pin waveforms
    for v in pins:
        body.append('<text x="%d" y="%s" class="lbl">%s</text>' % (left - 8, fmt(y + lane_h * 0.7), escape(v.name)))
        hi, lo = y + 2, y + lane_h
        pts = []
        fills = []
        ch = v.changes
        for k, (t, val) in enumerate(ch):
            nxt = ch[k + 1][0] if k + 1 < len(ch) else end_us
            if nxt < t0 or t > t1 or (nxt == t and k + 1 < len(ch)):
                continue  # out of range, or replaced at the same time
            xa, xb = x(t), x(nxt)
            if val == "1":
                lvl = hi
                fills.append('<rect x="%s" y="%s" width="%s" height="%s" class="high"/>' % (fmt(xa), fmt(hi), fmt(xb - xa), fmt(lo - hi)))
            elif val == "0":
                lvl = lo
            else:
                lvl = None
                fills.append('<rect x="%s" y="%s" width="%s" height="%s" class="unknown"/>' % (fmt(xa), fmt(hi), fmt(xb - xa), fmt(lo - hi)))
            if lvl is None:
                if pts:
                    body.append('<polyline points="%s" class="wave"/>' % " ".join(pts))
                pts = []
                continue
            pts.append("%s,%s" % (fmt(xa), fmt(lvl)))
            pts.append("%s,%s" % (fmt(xb), fmt(lvl)))
        body.extend(fills)
        if pts:
            body.append('<polyline points="%s" class="wave"/>' % " ".join(pts))
        y += lane_h + gap

    # time axis
    lanes_bottom = y - gap + 4
    span_ms = (t1 - t0) / 1000.0
    step = nice_step(span_ms)
    axis = []
    axis.append('<line x1="%d" y1="%s" x2="%d" y2="%s" class="axis"/>' % (left, fmt(lanes_bottom), W - right, fmt(lanes_bottom)))
    k = 0
    while True:
        ms = a.t_from + k * step
        if ms > a.t_from + span_ms + 1e-9:
            break
        xx = x(ms * 1000.0)
        axis.append('<line x1="%s" y1="%s" x2="%s" y2="%s" class="grid"/>' % (fmt(xx), lanes_top - 2, fmt(xx), fmt(lanes_bottom)))
        axis.append('<line x1="%s" y1="%s" x2="%s" y2="%s" class="axis"/>' % (fmt(xx), fmt(lanes_bottom), fmt(xx), fmt(lanes_bottom + 4)))
        axis.append('<text x="%s" y="%s" class="tick">%s</text>' % (fmt(xx), fmt(lanes_bottom + 16), fmt(ms)))
        k += 1
    axis.append('<text x="%d" y="%s" class="lbl">ms</text>' % (left - 8, fmt(lanes_bottom + 16)))
    legend_y = lanes_bottom + 34
    lx = left
    legend = [
        '<rect x="%d" y="%s" width="3" height="12" class="run"/>' % (lx, fmt(legend_y - 10)),
        '<text x="%d" y="%s" class="leg">running</text>' % (lx + 8, fmt(legend_y)),
        '<rect x="%d" y="%s" width="18" height="10" class="ready"/>' % (lx + 70, fmt(legend_y - 9)),
        '<text x="%d" y="%s" class="leg">ready</text>' % (lx + 94, fmt(legend_y)),
        '<line x1="%d" y1="%s" x2="%d" y2="%s" class="wait"/>' % (lx + 140, fmt(legend_y - 4), lx + 158, fmt(legend_y - 4)),
        '<text x="%d" y="%s" class="leg">waiting (no line: not spawned or ended)</text>' % (lx + 164, fmt(legend_y)),
        '<rect x="%d" y="%s" width="18" height="10" class="high"/>' % (lx + 440, fmt(legend_y - 9)),
        '<text x="%d" y="%s" class="leg">pin high</text>' % (lx + 464, fmt(legend_y)),
    ]
    H = int(legend_y + 10)

    out.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">' % (W, H, W, H))
    out.append("<style>"
               "text{font-family:DejaVu Sans,Verdana,sans-serif;font-size:12px;fill:#222}"
               ".lbl{text-anchor:end}.tick{text-anchor:middle;font-size:11px}.leg{font-size:11px}"
               ".title{font-size:13px;font-weight:bold}"
               ".wait{stroke:#8a96a8;stroke-width:1.5}.ready{fill:#f3c969}.run{fill:#1f5fbf}"
               ".wave{fill:none;stroke:#1b7a3a;stroke-width:1.5}.high{fill:#bfe8c8}.unknown{fill:#ddd}"
               ".axis{stroke:#444;stroke-width:1}.grid{stroke:#e4e4e4;stroke-width:1}.sep{stroke:#ccc;stroke-dasharray:3 3}"
               "</style>")
    out.append('<rect width="100%" height="100%" fill="#fff"/>')
    if a.title:
        out.append('<text x="%d" y="18" class="title">%s</text>' % (left, escape(a.title)))
    out.extend(axis)
    out.extend(body)
    out.extend(legend)
    out.append("</svg>")
    text = "\n".join(out) + "\n"
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
