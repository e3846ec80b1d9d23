#!/usr/bin/env python3
"""Growth of sitrep's costs with the corpus: the measuring half and the
reporting half of bench/growth.

Usage:
  bench/growth.py latency OUT.json SITREP INDEX RAW REFERENCE_INDEX
  bench/growth.py report GROWTH_DIR SIZE... [--chart OUT.png]
  bench/growth.py splice RESULTS.md TABLE.md

`latency` times, with hyperfine (whole process, RUNS timed runs after
WARMUP, output discarded), the nine queries of bench/latency.py with
sitrep's default search and with the search reference (`raw_tantivy
full-search`: top 10, count and facet counts over all matches with
tantivy's own collectors, titles and snippets), then `sitrep show ID` and
`sitrep stats`. Each query is run once untimed first to count its matches.

`report` reads GROWTH_DIR/<SIZE>/ (input.json, build-sitrep.json,
build-reference.json, stats.json, sizes.json, latency.json, nochange.json)
and prints the growth table in Markdown, with the targets of issue 17:
rare-word, alias and filter searches at the largest size ≤ 1.5× their
figure at the smallest; common-word searches growing no faster than their
match counts; build throughput at the largest size ≥ 0.9× that at the
smallest; a re-run with nothing changed ≤ 5% of a full build; `show` and
`stats` flat. With three sizes or more it also extrapolates every figure
to EXTRAPOLATE articles (default 10,000,000, when no larger size was
measured), labelled as fitted: search time as a fixed start-up plus a cost
per article (least squares, t = a + b·N: matches grow with the corpus), a
build's time per article as growing with log N (merge levels), heap and
re-run time linearly. With --chart it also draws latency against corpus
size, one panel per query class, sitrep beside the reference, the fits
dotted out to the extrapolated size (matplotlib, installed with pip when
missing).

`splice` puts TABLE.md into RESULTS.md between the lines `<!-- growth -->`
and `<!-- /growth -->` (a new "Growth" section at the end when they are
missing); bench/report.py keeps that block when bench/run rewrites the file.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from latency import QUERIES, hyperfine  # noqa: E402

# The id `sitrep show` is timed on: the second article of every generated
# corpus (even-numbered articles are JSON Lines records).
SHOW_ID = "gen-1-2"
# Query classes whose cost should not grow with the corpus (targets).
FLAT = ("rare word", "alias", "province filter", "actor filter", "year filter")
# The size figures are extrapolated to when no larger one was measured.
EXTRAPOLATE = int(os.environ.get("EXTRAPOLATE", "10000000"))


def fit_line(xs, ys):
    """Least squares y = a + b·x; returns (a, b)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - b * mx, b


def linear(ns, ys):
    """y(N) = a + b·N fitted to the points, and its worst relative miss on
    them. A larger corpus never makes the work cheaper: a falling fit is
    noise, and the mean stands for it."""
    a, b = fit_line(ns, ys)
    if b < 0:
        a, b = sum(ys) / len(ys), 0.0
    f = lambda n: a + b * n  # noqa: E731
    return f, max(abs(f(n) - y) / y for n, y in zip(ns, ys) if y)


def per_article_log(ns, seconds):
    """A build's time: N·(c + d·ln N) fitted to the points (each merge level
    rewrites every article once more), and its worst relative miss."""
    import math

    c, d = fit_line([math.log(n) for n in ns], [t / n for n, t in zip(ns, seconds)])
    f = lambda n: n * (c + d * math.log(n))  # noqa: E731
    return f, max(abs(f(n) - t) / t for n, t in zip(ns, seconds))


def matches(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return proc.returncode, proc.stdout


def latency(out, sitrep, index, raw, reference_index):
    runs = int(os.environ.get("RUNS", "15"))
    warmup = int(os.environ.get("WARMUP", "3"))
    rows = []
    # A size whose reference could not be built is measured for sitrep alone.
    with_reference = os.path.isdir(reference_index)
    for name, sitrep_args, full_args, *_ in QUERIES:
        cmds = {"sitrep": [sitrep, "search", *sitrep_args, "--index", index]}
        if with_reference:
            cmds["reference"] = [raw, "full-search", reference_index, *full_args]
        status, stdout = matches(cmds["sitrep"] + ["--json"])
        summary = json.loads(stdout.strip().splitlines()[-1])["data"] if status == 0 else {}
        counted = {"sitrep": summary.get("total", 0)}
        if with_reference:
            status, stdout = matches([raw, "count", reference_index, *full_args])
            counted["reference"] = int(stdout) if status == 0 else 0
        row = {"query": name, "sitrep_args": sitrep_args, "matches": counted, "tools": {}}
        for tool, cmd in cmds.items():
            row["tools"][tool] = hyperfine(cmd, runs, warmup, ignore_failure=False)
            t = row["tools"][tool]
            print(f"  {name:16} {tool:9} median {t['median'] * 1000:8.1f} ms", file=sys.stderr)
        rows.append(row)
    for name, args in (("show", ["show", SHOW_ID]), ("stats", ["stats"])):
        t = hyperfine([sitrep, *args, "--index", index], runs, warmup, ignore_failure=False)
        print(f"  {name:16} {'sitrep':9} median {t['median'] * 1000:8.1f} ms", file=sys.stderr)
        rows.append({"query": name, "sitrep_args": args, "matches": {}, "tools": {"sitrep": t}})
    with open(out, "w") as f:
        json.dump({"runs": runs, "warmup": warmup, "queries": rows}, f, indent=1)


def load(path):
    with open(path) as f:
        return json.load(f)


def ms(seconds):
    value = seconds * 1000
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def mark(ok):
    return "✓" if ok else "✗"


def read(growth_dir, sizes):
    data = {}
    for n in sizes:
        d = os.path.join(growth_dir, n)
        data[int(n)] = {
            name: load(os.path.join(d, f"{name}.json"))
            for name in ("input", "build-sitrep", "build-reference", "stats", "sizes", "latency", "nochange")
            if os.path.exists(os.path.join(d, f"{name}.json"))
        }
    return data


def report(growth_dir, sizes, chart):
    data = read(growth_dir, sizes)
    ns = sorted(data)
    first, last = ns[0], ns[-1]
    growth = last / first
    out = []
    w = out.append
    w(f"Measured by `bench/growth` (SIZES=\"{' '.join(str(n) for n in ns)}\"), whole process, "
      f"median of {data[first]['latency']['runs']} hyperfine runs; corpora of `examples/gen_corpus --seed 1 "
      "--layout both`. The reference is `raw_tantivy full-search`: the same job as sitrep's default search "
      "(top 10 by BM25, the count and facet counts over all matches, titles and snippets) with tantivy's own "
      "collectors, on an index with sitrep's tokenizer, stored title and body, and facets from the generator's "
      "ground truth.")
    w("")

    # Targets.
    w(f"| growth target ({first:,} → {last:,} articles, {growth:.0f}×) | measured | |")
    w("|---|---|---|")
    lat = {n: {q["query"]: q for q in data[n]["latency"]["queries"]} for n in ns}
    for name in FLAT:
        a, b = lat[first][name]["tools"]["sitrep"]["median"], lat[last][name]["tools"]["sitrep"]["median"]
        w(f"| {name} search ≤ 1.5× | {ms(a)} → {ms(b)} ms ({b / a:.2f}×) | {mark(b / a <= 1.5)} |")
    for name in ("common word", "two words", "three words", "phrase"):
        q0, q1 = lat[first][name], lat[last][name]
        t = q1["tools"]["sitrep"]["median"] / q0["tools"]["sitrep"]["median"]
        m = q1["matches"]["sitrep"] / max(1, q0["matches"]["sitrep"])
        w(f"| {name}: time grows no faster than matches | time {t:.2f}×, matches {m:.2f}× | {mark(t <= m)} |")
    tp = lambda n: n / data[n]["build-sitrep"]["wall"]  # noqa: E731
    w(f"| build throughput ≥ 0.9× | {tp(first):,.0f} → {tp(last):,.0f} articles/s ({tp(last) / tp(first):.2f}×) "
      f"| {mark(tp(last) / tp(first) >= 0.9)} |")
    nc = data[last]["nochange"]["wall"] / data[last]["build-sitrep"]["wall"]
    w(f"| no-change re-run ≤ 5% of a full build, at {last:,} | {data[last]['nochange']['wall']:.1f} s of "
      f"{data[last]['build-sitrep']['wall']:.0f} s ({100 * nc:.1f}%) | {mark(nc <= 0.05)} |")
    for name in ("show", "stats"):
        a, b = lat[first][name]["tools"]["sitrep"]["median"], lat[last][name]["tools"]["sitrep"]["median"]
        w(f"| `{name}` does not grow (≤ 1.5×) | {ms(a)} → {ms(b)} ms ({b / a:.2f}×) | {mark(b / a <= 1.5)} |")
    heaps = [data[n]["build-sitrep"]["anon_mb"] for n in ns]
    w(f"| heap of a full build ≤ 400 MB at every size | {', '.join(f'{h:.0f}' for h in heaps)} MB "
      f"| {mark(max(heaps) <= 400)} |")
    heaps = [data[n]["nochange"]["anon_mb"] for n in ns]
    w(f"| heap of a re-run ≤ 400 MB at every size | {', '.join(f'{h:.0f}' for h in heaps)} MB "
      f"| {mark(max(heaps) <= 400)} |")
    for n in ns:
        if "build-reference" not in data[n]:
            w(f"| indexing ≥ 0.85× the reference's throughput, at {n:,} | reference not built | |")
            continue
        b, r = data[n]["build-sitrep"], data[n]["build-reference"]
        ratio = r["wall"] / b["wall"]
        w(f"| indexing ≥ 0.85× the reference's throughput, at {n:,} | {ratio:.2f}× "
          f"(CPU {(r['user'] + r['sys']) / (b['user'] + b['sys']):.2f}×) | {mark(ratio >= 0.85)} |")
    for n in ns:
        slower = [(q["tools"]["sitrep"]["median"] / q["tools"]["reference"]["median"], q["query"])
                  for q in data[n]["latency"]["queries"] if "reference" in q["tools"]]
        if not slower:
            w(f"| search ≤ 1.0× the reference, at {n:,} | reference not built | |")
            continue
        ok = sum(r <= 1.0 for r, _ in slower)
        worst = max(slower)
        w(f"| search ≤ 1.0× the reference, at {n:,} | {ok} of {len(slower)} queries; worst {worst[0]:.2f}× "
          f"({worst[1]}) | {mark(ok == len(slower))} |")
    w("")

    # Builds.
    w("| articles | input | build | articles/s | CPU | heap | peak RSS | segments | on disk | no-change re-run | reference build |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    for n in ns:
        d = data[n]
        b = d["build-sitrep"]
        mb = d["input"]["bytes"] / 1e6
        w(f"| {n:,} | {mb:,.0f} MB | {b['wall']:.0f} s | {n / b['wall']:,.0f} | {b['user'] + b['sys']:.0f} s | "
          f"{b['anon_mb']:.0f} MB | {b['maxrss_mb']:.0f} MB | {d['stats']['segments']} | "
          f"{d['sizes']['sitrep'] / 1e6:,.0f} MB | {d['nochange']['wall']:.1f} s, heap {d['nochange']['anon_mb']:.0f} MB | "
          + (f"{d['build-reference']['wall']:.0f} s, heap {d['build-reference']['anon_mb']:.0f} MB |"
             if "build-reference" in d else "not built |"))
    w("")

    # Latency.
    w("| query | " + " | ".join(f"{n:,}" for n in ns) + f" | {last // first}× corpus: time | matches |")
    w("|---|" + "---|" * len(ns) + "---|---|")
    for q in data[first]["latency"]["queries"]:
        name = q["query"]
        cells = []
        for n in ns:
            t = lat[n][name]["tools"]
            cell = ms(t["sitrep"]["median"])
            if "reference" in t:
                cell += f" ({ms(t['reference']['median'])})"
            cells.append(cell)
        a, b = lat[first][name], lat[last][name]
        ratio = b["tools"]["sitrep"]["median"] / a["tools"]["sitrep"]["median"]
        m = (f"{b['matches']['sitrep'] / max(1, a['matches']['sitrep']):.1f}×"
             if a["matches"].get("sitrep") else "")
        args = " ".join(q["sitrep_args"])
        w(f"| {name} `{args}` | " + " | ".join(cells) + f" | {ratio:.2f}× | {m} |")
    w("")
    w("Milliseconds, sitrep (reference in brackets).")
    big = EXTRAPOLATE if len(ns) >= 3 and EXTRAPOLATE > last else None
    if big:
        extrapolate(data, ns, lat, big, w)
    if chart:
        draw(data, ns, chart, big)
        w("")
        w(f"![latency against corpus size]({os.path.basename(chart)})")
    sys.stdout.write("\n".join(out) + "\n")


def extrapolate(data, ns, lat, big, w):
    """The targets at `big` articles, from fits to the measured sizes."""
    first = ns[0]
    w("")
    w(f"**Extrapolated to {big:,} articles** (not measured: no disk here holds that corpus and its "
      f"indexes). Fitted to the {len(ns)} measured sizes: search time as t = a + b·N (start-up plus work "
      "that grows with the matches), build time as N·(c + d·ln N) (each merge level rewrites every "
      "article once more), heap and re-run time as a + b·N. \"fit\" is the worst miss of the fit on the "
      "measured points; a poor fit makes a poor extrapolation.")
    w("")
    w(f"| at {big:,} (extrapolated) | sitrep | reference | against {first:,} | fit | target |")
    w("|---|---|---|---|---|---|")
    for q in data[first]["latency"]["queries"]:
        name = q["query"]
        times = [lat[n][name]["tools"]["sitrep"]["median"] for n in ns]
        f, miss = linear(ns, times)
        ref = ""
        refs = [lat[n][name]["tools"].get("reference", {}).get("median") for n in ns]
        if all(refs):
            ref = f"{ms(linear(ns, refs)[0](big))} ms"
        ratio = f(big) / times[0]
        if name in FLAT:
            target = f"≤ 1.5×: {mark(ratio <= 1.5)}"
        elif name in ("show", "stats"):
            target = f"flat (≤ 1.5×): {mark(ratio <= 1.5)}"
        else:
            counts = [lat[n][name]["matches"].get("sitrep") for n in ns]
            if all(counts):
                m = linear(ns, counts)[0](big) / counts[0]
                target = f"no faster than matches ({m:.0f}×): {mark(ratio <= m)}"
            else:
                target = ""
        w(f"| {name} | {ms(f(big))} ms | {ref} | {ratio:.2f}× | {100 * miss:.0f}% | {target} |")
    walls = [data[n]["build-sitrep"]["wall"] for n in ns]
    f, miss = per_article_log(ns, walls)
    tp0 = first / walls[0]
    tp = big / f(big)
    ref = ""
    if all("build-reference" in data[n] for n in ns):
        g, _ = per_article_log(ns, [data[n]["build-reference"]["wall"] for n in ns])
        ref = f"{g(big) / 60:.0f} min"
    w(f"| build | {f(big) / 60:.0f} min, {tp:,.0f} articles/s | {ref} | {tp / tp0:.2f}× throughput | "
      f"{100 * miss:.0f}% | ≥ 0.9×: {mark(tp / tp0 >= 0.9)} |")
    heaps = [data[n]["build-sitrep"]["anon_mb"] for n in ns]
    f_heap, miss = linear(ns, heaps)
    w(f"| heap of a full build | {f_heap(big):.0f} MB | | | {100 * miss:.0f}% | ≤ 400 MB: {mark(f_heap(big) <= 400)} |")
    heaps = [data[n]["nochange"]["anon_mb"] for n in ns]
    f_heap, miss = linear(ns, heaps)
    w(f"| heap of a no-change re-run | {f_heap(big):.0f} MB | | | {100 * miss:.0f}% "
      f"| ≤ 400 MB: {mark(f_heap(big) <= 400)} |")
    again = [data[n]["nochange"]["wall"] for n in ns]
    f_again, miss = linear(ns, again)
    share = f_again(big) / f(big)
    w(f"| no-change re-run | {f_again(big):.0f} s ({100 * share:.1f}% of the build) | | | {100 * miss:.0f}% "
      f"| ≤ 5%: {mark(share <= 0.05)} |")


def draw(data, ns, path, big=None):
    try:
        import matplotlib
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "matplotlib"], check=True)
        import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [q["query"] for q in data[ns[0]]["latency"]["queries"]]
    cols = 4
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3.2 * rows), squeeze=False)
    for k, name in enumerate(names):
        ax = axes[k // cols][k % cols]
        for tool, style in (("sitrep", "o-"), ("reference", "s--")):
            points = [
                (n, q["tools"][tool]["median"] * 1000)
                for n in ns
                for q in data[n]["latency"]["queries"]
                if q["query"] == name and tool in q["tools"]
            ]
            if points:
                line = ax.plot([p[0] for p in points], [p[1] for p in points], style, label=tool)
                if big and len(points) >= 3:
                    # The whole fit, from the smallest size, so that its
                    # miss on the measured points shows.
                    f, _ = linear([p[0] for p in points], [p[1] for p in points])
                    lo = points[0][0]
                    xs = [lo * (big / lo) ** (k / 40) for k in range(41)]
                    ax.plot(xs, [max(f(x), 0.1) for x in xs], ":", color=line[0].get_color(),
                            label=f"{tool}, fitted (extrapolated)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(name)
        ax.set_xlabel("articles")
        ax.set_ylabel("ms (median)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")
    for k in range(len(names), rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle("sitrep search latency against corpus size (whole process)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)


START, END = "<!-- growth -->", "<!-- /growth -->"


def growth_block(text):
    """The growth block of a RESULTS.md text, markers included, or None."""
    if START in text and END in text:
        return text[text.index(START) : text.index(END) + len(END)]
    return None


def splice(results, table):
    text = open(results).read() if os.path.exists(results) else ""
    block = f"{START}\n{open(table).read().rstrip()}\n{END}"
    old = growth_block(text)
    if old is not None:
        text = text.replace(old, block)
    else:
        text = text.rstrip() + f"\n\n## Growth with the corpus (issue 17)\n\n{block}\n"
    with open(results, "w") as f:
        f.write(text)


def main():
    if len(sys.argv) >= 7 and sys.argv[1] == "latency":
        latency(*sys.argv[2:7])
    elif len(sys.argv) == 4 and sys.argv[1] == "splice":
        splice(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "report":
        args = sys.argv[2:]
        chart = None
        if "--chart" in args:
            at = args.index("--chart")
            chart = args[at + 1]
            del args[at : at + 2]
        report(args[0], args[1:], chart)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
