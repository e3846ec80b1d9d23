#!/usr/bin/env python3
"""Consistency check for the labelled test set.

Verifies that
  * labels.toml parses and every entry has the expected keys;
  * every value in provinces / not_provinces is a canonical "Country" name
    (countries.toml) or "Country/Province" path (places/*.toml);
  * every value in actors / not_actors is a canonical actor name (actors.toml),
    an actor listed in needed-actors.tsv (actors the gazetteer does not have
    yet), or a generated state force "<Country> military|police|intelligence"
    where <Country> is a canonical name in countries.toml;
  * every [[article.role]] entry has a known kind (province | country | actor),
    a known non-event role and a canonical value of that kind, and its value
    is not also an expected (event) value of the same article;
  * needed-actors.tsv rows have a known kind and home country and are not
    already in actors.toml;
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
NEEDED = HERE / "needed-actors.tsv"

ROLES = ("dateline", "attribution", "modifier", "reference", "quote", "negated",
         "background", "destination", "name-part")
ROLE_KINDS = ("province", "country", "actor")
ACTOR_KINDS = {"jihadist group", "armed group", "militia", "rebel group", "state force",
               "police", "intelligence", "international force", "criminal group", "agency"}
FORCE_KINDS = ("military", "police", "intelligence", "state forces")

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"])}
HEADER = re.compile(r"^(date|published|source|url|author|id|title)\s*:", re.I)


def load_gazetteers():
    countries = tomllib.loads((GAZ / "countries.toml").read_text("utf-8"))
    places = {c["name"] for c in countries["country"]}
    country_names = set(places)
    provinces = set()
    for f in sorted((GAZ / "places").glob("*.toml")):
        data = tomllib.loads(f.read_text("utf-8"))
        country = data["country"]
        if country not in country_names:
            print(f"warning: {f.name}: country {country!r} is not in countries.toml")
        for p in data.get("province", []):
            places.add(f"{country}/{p['name']}")
            provinces.add(f"{country}/{p['name']}")
    actors = tomllib.loads((GAZ / "actors.toml").read_text("utf-8"))
    return country_names, provinces, {a["name"] for a in actors["actor"]}


def generated_forces(country_names):
    """The state forces generated from countries.toml: "<Country> military" etc."""
    return {f"{c} {k}" for c in country_names for k in FORCE_KINDS}


def load_needed(country_names, gazetteer_actors, errors):
    """Actors the labels need that actors.toml does not have yet (TSV, one per line:
    canonical name, kind, home country, years active, region, aliases)."""
    needed = {}
    if not NEEDED.is_file():
        return needed
    for n, line in enumerate(NEEDED.read_text("utf-8").split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 6:
            errors.append(f"needed-actors.tsv:{n}: {len(cols)} columns (expected 6)")
            continue
        name, kind, country = cols[0].strip(), cols[1].strip(), cols[2].strip()
        if n == 1 and name.lower() == "name":
            continue
        if kind not in ACTOR_KINDS:
            errors.append(f"needed-actors.tsv:{n}: unknown kind {kind!r}")
        if country and country not in country_names:
            errors.append(f"needed-actors.tsv:{n}: home country {country!r} is not in countries.toml")
        if name in gazetteer_actors:
            errors.append(f"needed-actors.tsv:{n}: {name!r} is already in actors.toml")
        if name in needed:
            errors.append(f"needed-actors.tsv:{n}: {name!r} listed twice")
        needed[name] = kind
    return needed


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
    country_names, provinces, gazetteer_actors = load_gazetteers()
    places = country_names | provinces
    errors = []
    needed = load_needed(country_names, gazetteer_actors, errors)
    forces = generated_forces(country_names)
    actors = gazetteer_actors | set(needed) | forces
    role_values = {"province": provinces, "country": country_names, "actor": actors}
    labels = tomllib.loads(LABELS.read_text("utf-8")).get("article", [])
    seen = {}
    role_counts = {r: 0 for r in ROLES}
    role_articles = 0
    force_articles = 0
    needed_used = set()
    for n, entry in enumerate(labels, 1):
        where = entry.get("file", f"entry #{n}")
        for key in ("file", "trap", "provinces", "actors"):
            if key not in entry:
                errors.append(f"{where}: missing key {key!r}")
        unknown = set(entry) - {"file", "trap", "provinces", "actors", "year",
                                "not_provinces", "not_actors", "role"}
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
        used = set(entry.get("actors", [])) | set(entry.get("not_actors", []))
        if used & forces:
            force_articles += 1
        needed_used |= used & set(needed)
        roles = entry.get("role", [])
        if not isinstance(roles, list):
            errors.append(f"{where}: role must be a list of [[article.role]] tables")
            roles = []
        if roles:
            role_articles += 1
        expected = set(entry.get("provinces", [])) | set(entry.get("actors", []))
        trap_values = set()
        for r in roles:
            if set(r) != {"kind", "value", "role"}:
                errors.append(f"{where}: role entry {r} needs exactly kind, value and role")
                continue
            kind, value, role = r["kind"], r["value"], r["role"]
            if kind not in ROLE_KINDS:
                errors.append(f"{where}: role entry {value!r}: unknown kind {kind!r}")
            elif value not in role_values[kind]:
                errors.append(f"{where}: role entry {value!r} is not a canonical {kind} value")
            if role not in ROLES:
                errors.append(f"{where}: role entry {value!r}: unknown role {role!r}"
                              + (" (event values go in provinces/actors)" if role == "event" else ""))
            else:
                role_counts[role] += 1
            if value in expected:
                errors.append(f"{where}: {value!r} is both an expected (event) value and a {role} trap")
            if value in trap_values:
                errors.append(f"{where}: {value!r} has more than one role entry")
            trap_values.add(value)
            if kind == "actor" and value in needed:
                needed_used.add(value)
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
    for name in sorted(set(needed) - needed_used):
        print(f"warning: needed-actors.tsv: {name!r} is used by no label")
    for e in errors:
        print("error:", e)
    print(f"{role_articles} articles with role traps; traps per role: "
          + ", ".join(f"{r} {role_counts[r]}" for r in ROLES))
    print(f"{force_articles} articles name a generated state force; "
          f"{len(needed_used)} of {len(needed)} actors from needed-actors.tsv used")
    print(f"{len(labels)} label entries, {len(list(ARTICLES.glob('*')))} article files, {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
