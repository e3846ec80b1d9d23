#!/usr/bin/env python3
"""Consistency check for the labelled test set.

Verifies that
  * labels.toml parses and every entry has the expected keys;
  * every value in provinces / not_provinces is a canonical "Country" name
    (countries.toml) or "Country/Province" path (places/*.toml);
  * every value in actors / not_actors is a canonical actor name (actors.toml);
  * expected and not_* lists do not overlap;
  * every article file has exactly one label entry and every entry's file exists;
  * each article has a title and a body of 60-200 words, and the labelled year
    agrees with the date given by a `date:` header, a YYYY-MM-DD file-name
    prefix or a dateline (and is absent when the article is undated).

Run from anywhere: python3 tests/labelled/check_labels.py
Exit status 0 when everything is consistent, 1 otherwise.
"""

import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
GAZ = ROOT / "index-schema" / "gazetteers"
ARTICLES = HERE / "articles"
LABELS = HERE / "labels.toml"

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"])}
HEADER = re.compile(r"^(date|published|source|url|author|id|title)\s*:", re.I)


def load_gazetteers():
    countries = tomllib.loads((GAZ / "countries.toml").read_text("utf-8"))
    places = {c["name"] for c in countries["country"]}
    country_names = set(places)
    for f in sorted((GAZ / "places").glob("*.toml")):
        data = tomllib.loads(f.read_text("utf-8"))
        country = data["country"]
        if country not in country_names:
            print(f"warning: {f.name}: country {country!r} is not in countries.toml")
        for p in data.get("province", []):
            places.add(f"{country}/{p['name']}")
    actors = tomllib.loads((GAZ / "actors.toml").read_text("utf-8"))
    return places, {a["name"] for a in actors["actor"]}


def read_article(path):
    lines = path.read_text("utf-8").split("\n")
    i, header = 0, {}
    while i < len(lines) and HEADER.match(lines[i]):
        key, value = lines[i].split(":", 1)
        header[key.strip().lower()] = value.strip()
        i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    title = lines[i].strip() if i < len(lines) else ""
    body = "\n".join(lines[i + 1:]).strip()
    return header, title, body


def dateline_year(body):
    first = next((l for l in body.split("\n") if l.strip()), "")
    m = re.match(r"^[A-ZÀ-Ý][^,—–]{0,40},(?:[^,—–]{0,40},)?\s*"
                 r"([A-Za-z]+\.?)\s+(\d{1,2}),\s+(\d{4})\s*(?:\([^)]*\)\s*)?[—–-]", first)
    if m and m.group(1).lower().rstrip(".") in MONTHS:
        return int(m.group(3))
    return None


def article_year(path, header, body):
    if "date" in header:
        m = re.match(r"(\d{4})", header["date"])
        return int(m.group(1)) if m else None
    m = re.match(r"(\d{4})-\d\d-\d\d[-_. ]", path.name)
    if m:
        return int(m.group(1))
    return dateline_year(body)


def main():
    places, actors = load_gazetteers()
    labels = tomllib.loads(LABELS.read_text("utf-8")).get("article", [])
    errors = []
    seen = {}
    for n, entry in enumerate(labels, 1):
        where = entry.get("file", f"entry #{n}")
        for key in ("file", "trap", "provinces", "actors"):
            if key not in entry:
                errors.append(f"{where}: missing key {key!r}")
        unknown = set(entry) - {"file", "trap", "provinces", "actors", "year",
                                "not_provinces", "not_actors"}
        if unknown:
            errors.append(f"{where}: unknown keys {sorted(unknown)}")
        if where in seen:
            errors.append(f"{where}: labelled twice (entries #{seen[where]} and #{n})")
        seen[where] = n
        for key, valid, kind in (("provinces", places, "place"), ("not_provinces", places, "place"),
                                 ("actors", actors, "actor"), ("not_actors", actors, "actor")):
            values = entry.get(key, [])
            if len(values) != len(set(values)):
                errors.append(f"{where}: duplicate values in {key}")
            for v in values:
                if v not in valid:
                    errors.append(f"{where}: {key}: {v!r} is not a canonical {kind} value")
        for a, b in (("provinces", "not_provinces"), ("actors", "not_actors")):
            both = set(entry.get(a, [])) & set(entry.get(b, []))
            if both:
                errors.append(f"{where}: {sorted(both)} in both {a} and {b}")
        path = ARTICLES / where
        if not path.is_file():
            errors.append(f"{where}: article file does not exist")
            continue
        if not re.match(r"^(\d{3}|\d{4}-\d\d-\d\d)-[a-z0-9-]+\.txt$", path.name):
            errors.append(f"{where}: file name is neither NNN-slug.txt nor YYYY-MM-DD-slug.txt")
        header, title, body = read_article(path)
        if not title:
            errors.append(f"{where}: no title line")
        words = len(body.split())
        if not 60 <= words <= 200:
            errors.append(f"{where}: body has {words} words (expected 60-200)")
        year = article_year(path, header, body)
        if year != entry.get("year"):
            errors.append(f"{where}: year label {entry.get('year')} but the article gives {year}")
    for path in sorted(ARTICLES.glob("*")):
        if path.name not in seen:
            errors.append(f"{path.name}: article has no label entry")
    for e in errors:
        print("error:", e)
    print(f"{len(labels)} label entries, {len(list(ARTICLES.glob('*')))} article files, {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
