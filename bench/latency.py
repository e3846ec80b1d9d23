#!/usr/bin/env python3
"""Query latency of sitrep, the full tantivy reference, raw tantivy, SQLite
FTS5 and ripgrep, as a user at the terminal sees it: the whole process,
timed by hyperfine.

Usage: bench/latency.py OUT.json CORPUS SITREP SITREP_INDEX RAW RAW_INDEX FULL_INDEX FTS5_DB

SITREP and RAW are the programs (target/release/sitrep and
target/release/examples/raw_tantivy); RAW_INDEX is the plain raw index,
FULL_INDEX the full reference (`raw_tantivy index ... --full TRUTH`).
Environment: RUNS (default 30) and WARMUP (default 3) runs per command.

Each query is first run once untimed to check that every tool finds
something and to count the matches (sitrep's `--json` summary, `count` of
raw_tantivy (with the facet filters for the full reference) and
bench/fts5.py, the number of files rg lists); then hyperfine runs each
command WARMUP + RUNS times (`--shell=none`, output discarded) and the
median and 95th percentile are taken from its `times`.

The full reference (`raw_tantivy full-search`) does sitrep's job: the same
words, the filters as facet filters (canonical names: `--province
Iraq/Nineveh`, from the generator's ground truth), the top 10 with titles
and snippets, the count and the facet counts over all matches. The ground
truth holds every place and actor an article names, whatever its role, so
its count is checked against sitrep's full matches with the `--mentioned-`
form of a filter (`--mentioned-province Nineveh`; sitrep's `--province`
takes only the places where the events happen), run once more untimed.

The query words come from examples/gen_corpus's fixed vocabulary (it does
not depend on the seed), so every corpus has them: `security` is in about
63% of the articles, `bidetgrond` (a pseudo-word of the long tail) in
about 0.06%. The raw reference and FTS5 have no facets: for a filter they
get the facet's name as one more required word, which is a different (and
narrower) question: `--province Nineveh` also counts articles that name
only Mosul or Ninawa, and `--year 2021` is the publication year, not the
number in the text. sitrep stems and widens aliases (`Daesh` also finds
articles tagged Islamic State), so it matches more articles; the match
counts in the results show by how much.
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

# name, sitrep arguments, the full reference's arguments (query words and
# facet filters), the text query for the raw reference and FTS5, the words
# for ripgrep, whether ripgrep gets them as one phrase.
QUERIES = [
    ("common word", ["security"], ["security"], "security", ["security"], False),
    ("rare word", ["bidetgrond"], ["bidetgrond"], "bidetgrond", ["bidetgrond"], False),
    ("two words", ["convoy ambush"], ["convoy ambush"], "convoy ambush", ["convoy", "ambush"], False),
    (
        "three words",
        ["roadside bomb checkpoint"],
        ["roadside bomb checkpoint"],
        "roadside bomb checkpoint",
        ["roadside", "bomb", "checkpoint"],
        False,
    ),
    ("phrase", ['"security forces"'], ['"security forces"'], '"security forces"', ["security forces"], True),
    ("alias", ["Daesh"], ["Daesh"], "Daesh", ["Daesh"], False),
    (
        "province filter",
        ["killed", "--province", "Nineveh"],
        ["killed", "--province", "Iraq/Nineveh"],
        "Nineveh killed",
        ["Nineveh", "killed"],
        False,
    ),
    (
        "actor filter",
        ["airstrike", "--actor", "Houthis"],
        ["airstrike", "--actor", "Houthis"],
        "Houthis airstrike",
        ["Houthis", "airstrike"],
        False,
    ),
    (
        "year filter",
        ["ceasefire", "--year", "2021"],
        ["ceasefire", "--year", "2021"],
        "2021 ceasefire",
        ["2021", "ceasefire"],
        False,
    ),
]


def rg_command(words, phrase, corpus):
    """What a user would type: one rg for a word or a phrase; for several
    words, each further word filters the files the previous one listed."""
    if phrase or len(words) == 1:
        return ["rg", "-i", "-l", "-w", "-F", words[0], corpus]
    stages = [f"rg -0 -i -l -w -F {shlex.quote(words[0])} {shlex.quote(corpus)}"]
    for i, word in enumerate(words[1:], 1):
        zero = "-0 " if i < len(words) - 1 else ""
        stages.append(f"xargs -0 -r rg {zero}-i -l -w -F {shlex.quote(word)}")
    return ["sh", "-c", " | ".join(stages)]


# sitrep's filters on every mention, as the ground truth records them.
MENTIONED = {"--province": "--mentioned-province", "--actor": "--mentioned-actor", "--country": "--mentioned-country"}


def sitrep_summary(cmd):
    """The `data` of the last line of `sitrep search --json`, or {}."""
    status, stdout = check(cmd + ["--json"])
    return json.loads(stdout.strip().splitlines()[-1])["data"] if status == 0 else {}


def check(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return proc.returncode, proc.stdout


def hyperfine(cmd, runs, warmup, ignore_failure):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        args = [
            "hyperfine",
            "--shell=none",
            "--style=none",
            "--warmup",
            str(warmup),
            "--runs",
            str(runs),
            "--export-json",
            out.name,
        ]
        if ignore_failure:
            args.append("--ignore-failure")
        proc = subprocess.run(args + [shlex.join(cmd)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            sys.exit(f"latency.py: hyperfine failed on {shlex.join(cmd)}:\n{proc.stderr}")
        times = sorted(json.load(open(out.name))["results"][0]["times"])
    n = len(times)
    median = (times[(n - 1) // 2] + times[n // 2]) / 2
    p95 = times[max(0, -(-95 * n // 100) - 1)]  # nearest rank
    return {"median": median, "p95": p95, "min": times[0], "runs": n}


def main():
    if len(sys.argv) != 9:
        sys.exit(__doc__)
    out, corpus, sitrep, sitrep_index, raw, raw_index, full_index, db = sys.argv[1:]
    runs = int(os.environ.get("RUNS", "30"))
    warmup = int(os.environ.get("WARMUP", "3"))
    fts5 = [sys.executable, os.path.join(os.path.dirname(__file__), "fts5.py")]
    results = []
    for name, sitrep_args, full_args, text, rg_words, phrase in QUERIES:
        row = {"query": name, "sitrep_args": sitrep_args, "full_args": full_args, "text": text, "tools": {}}
        cmds = {
            "sitrep": [sitrep, "search", *sitrep_args, "--index", sitrep_index],
            "full": [raw, "full-search", full_index, *full_args],
            "raw": [raw, "search", raw_index, text],
            "fts5": [*fts5, "search", db, text],
            "rg": rg_command(rg_words, phrase, corpus),
        }
        row["rg_command"] = shlex.join(cmds["rg"]).replace(corpus, "CORPUS")

        summary = sitrep_summary(cmds["sitrep"])
        matches = {
            "sitrep": summary.get("total", 0),
            "sitrep_full": summary.get("full_matches", 0),
            "sitrep_expansions": [e["value"] for e in summary.get("expansions", [])],
        }
        mentioned_args = [MENTIONED.get(a, a) for a in sitrep_args]
        if mentioned_args != sitrep_args:
            mentioned = sitrep_summary([sitrep, "search", *mentioned_args, "--index", sitrep_index])
            matches["sitrep_mentioned_full"] = mentioned.get("full_matches", 0)
            row["sitrep_mentioned_args"] = mentioned_args
        else:
            matches["sitrep_mentioned_full"] = matches["sitrep_full"]
        status, stdout = check([raw, "count", full_index, *full_args])
        matches["full"] = int(stdout) if status == 0 else 0
        status, stdout = check([raw, "count", raw_index, text])
        matches["raw"] = int(stdout) if status == 0 else 0
        status, stdout = check([*fts5, "count", db, text])
        matches["fts5"] = int(stdout) if status == 0 else 0
        status, stdout = check(cmds["rg"])
        matches["rg_files"] = len(stdout.splitlines())
        row["matches"] = matches
        for tool in ("sitrep", "full", "raw", "fts5"):
            if matches[tool] == 0:
                sys.exit(f"latency.py: {tool} finds nothing for the {name} query")
        if matches["rg_files"] == 0:
            sys.exit(f"latency.py: rg finds nothing for the {name} query")

        for tool, cmd in cmds.items():
            # rg exits 1 when a batch of xargs finds nothing; its output was
            # checked above.
            row["tools"][tool] = hyperfine(cmd, runs, warmup, ignore_failure=(tool == "rg"))
            t = row["tools"][tool]
            print(
                f"  {name:16} {tool:6} median {t['median'] * 1000:8.1f} ms  p95 {t['p95'] * 1000:8.1f} ms",
                file=sys.stderr,
            )
        results.append(row)

    # What starting Python and importing sqlite3 costs on its own: part of
    # every FTS5 figure.
    python = hyperfine([sys.executable, "-c", "import sqlite3, json"], runs, warmup, False)
    versions = {}
    for tool, cmd in (("hyperfine", ["hyperfine", "--version"]), ("ripgrep", ["rg", "--version"])):
        versions[tool] = subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
    import sqlite3

    versions["sqlite"] = sqlite3.sqlite_version
    with open(out, "w") as f:
        json.dump(
            {"runs": runs, "warmup": warmup, "queries": results, "python_startup": python, "versions": versions},
            f,
            indent=1,
        )


if __name__ == "__main__":
    main()
