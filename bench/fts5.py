#!/usr/bin/env python3
"""SQLite FTS5 over the benchmark corpus: the comparison a user would reach
for first when a search engine seems too much.

Usage:
  bench/fts5.py index CORPUS DB     build DB (must not exist) from CORPUS
  bench/fts5.py search DB QUERY     top 10 by bm25, with a snippet each
  bench/fts5.py count DB QUERY      how many articles match (not timed)

index reads the corpus as sitrep and examples/raw_tantivy.rs do: files in
file-name order, hidden ones passed over; a .txt file may open with
`key: value` header lines (date, published, source, url, author, id, title),
then its first non-empty line is the title and the rest the body; a .jsonl
file holds one JSON object per line with title and body (or text / content).
Every article goes into one FTS5 table (id UNINDEXED, title, body) with the
default tokenizer (unicode61: lower-cased words, no stemming) in a single
transaction, followed by FTS5's 'optimize' (merging its b-trees into one,
as tantivy merges segments). FTS5 keeps a copy of the text, which snippet()
needs, much as sitrep stores title and body.

search runs the query in FTS5's syntax (words are ANDed, "quoted phrases"
work) and prints, for the best 10 by bm25 (title weighted 2, body 1, as in
sitrep), the id, the score and snippet() of the body. Exit status 1 when
nothing matched.
"""
import json
import os
import sqlite3
import sys
import time

HEADER_KEYS = {"date", "published", "source", "url", "author", "id", "title"}


def header_line(line):
    key, sep, value = line.partition(":")
    if not sep:
        return None
    key = key.strip().lower()
    return (key, value.strip()) if key in HEADER_KEYS else None


def split_text(text):
    """Title and body of a .txt article by sitrep's rules, or None."""
    lines = [l[:-1] if l.endswith("\r") else l for l in text.split("\n")]
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    title = None
    while i < len(lines):
        header = header_line(lines[i])
        if header is None:
            break
        if header[0] == "title" and header[1] and title is None:
            title = header[1]
        i += 1
    if title is None:
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i == len(lines):
            return None
        title = lines[i].strip()
        i += 1
    return title, "\n".join(lines[i:]).strip()


def articles(corpus):
    """(id, title, body) for every article under corpus, in file-name order."""
    for root, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, corpus).replace(os.sep, "/")
            if name.endswith(".txt"):
                with open(path, "rb") as f:
                    parsed = split_text(f.read().decode("utf-8", "replace"))
                if parsed:
                    yield (rel, *parsed)
            elif name.endswith(".jsonl"):
                with open(path, "rb") as f:
                    for n, line in enumerate(f, 1):
                        try:
                            record = json.loads(line)
                        except ValueError:
                            continue
                        if not isinstance(record, dict):
                            continue
                        body = next(
                            (record[k] for k in ("body", "text", "content") if isinstance(record.get(k), str)),
                            "",
                        )
                        yield (str(record.get("id") or f"{rel}#{n}"), str(record.get("title") or ""), body)


def index(corpus, db):
    if os.path.exists(db):
        sys.exit(f"fts5.py: {db} exists")
    started = time.monotonic()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, title, body)")
    con.execute("BEGIN")
    count = 0
    batch = []
    for article in articles(corpus):
        batch.append(article)
        if len(batch) == 1000:
            con.executemany("INSERT INTO articles(id, title, body) VALUES (?, ?, ?)", batch)
            count += len(batch)
            batch.clear()
    con.executemany("INSERT INTO articles(id, title, body) VALUES (?, ?, ?)", batch)
    count += len(batch)
    con.execute("COMMIT")
    con.execute("INSERT INTO articles(articles) VALUES ('optimize')")
    con.close()
    secs = time.monotonic() - started
    print(f"fts5.py: {count} articles, {secs:.2f} s ({count / secs:.0f} articles/s)", file=sys.stderr)


def search(db, query):
    if not os.path.exists(db):
        sys.exit(f"fts5.py: no database {db}")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute(
        "SELECT id, bm25(articles, 0.0, 2.0, 1.0) AS score, "
        "snippet(articles, 2, '[', ']', '...', 24) "
        "FROM articles WHERE articles MATCH ? ORDER BY score LIMIT 10",
        (query,),
    ).fetchall()
    out = []
    for rank, (doc_id, score, snippet) in enumerate(rows, 1):
        out.append(f"{rank:2}. {doc_id} {score:.4f}\n    {snippet}\n")
    sys.stdout.write("".join(out))
    return 0 if rows else 1


def count(db, query):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    (n,) = con.execute("SELECT count(*) FROM articles WHERE articles MATCH ?", (query,)).fetchone()
    print(n)
    return 0 if n else 1


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "index":
        index(args[1], args[2])
        return 0
    if len(args) >= 3 and args[0] == "search":
        return search(args[1], " ".join(args[2:]))
    if len(args) >= 3 and args[0] == "count":
        return count(args[1], " ".join(args[2:]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
