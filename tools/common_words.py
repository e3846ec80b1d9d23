#!/usr/bin/env python3
"""Writes index-schema/gazetteers/common-words.txt.

The list holds ordinary English words as news prose uses them: every word
of three letters or more that occurs at least twice written in lower case in
the articles of sample-corpus/ and tests/labelled/ (our own text), with
URLs and header lines left out, plus the words of EXTRA below.
`sitrep gazetteer check` reports an alias that is one of these words unless
its entry lists it under `ambiguous` or `exact_case`.

Run from the repository root:  python3 tools/common_words.py
"""
import collections
import glob
import re

# Ordinary words that make dangerous aliases, whether or not the corpora
# happen to use them.
EXTRA = """
afar bar central chin delta east eastern hit lakes mon north northern plateau
rivers said south southern sur swat tank unity west western
""".split()

HEADER = re.compile(r"^(date|published|source|url|author|id|title)\s*:", re.I)
URL = re.compile(r"https?://\S+")

counts = collections.Counter()
paths = glob.glob("sample-corpus/**/*.*", recursive=True) + glob.glob(
    "tests/labelled/articles/*.txt"
)
for path in sorted(paths):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    text = re.sub(r'"(url|link|source|id)"\s*:\s*"[^"]*"', " ", text)
    for line in text.splitlines():
        if HEADER.match(line):
            continue
        for word in re.findall(r"[A-Za-z]+", URL.sub(" ", line)):
            if word.islower() and len(word) >= 3:
                counts[word] += 1

words = sorted({w for w, c in counts.items() if c >= 2} | set(EXTRA))
with open("index-schema/gazetteers/common-words.txt", "w", encoding="utf-8") as out:
    out.write("# Ordinary English words: an alias that is one of them needs `ambiguous`\n")
    out.write("# or `exact_case` in its entry. Made by tools/common_words.py; add words\n")
    out.write("# by hand below the generated ones if you like.\n")
    for w in words:
        out.write(w + "\n")
print(f"{len(words)} words")
