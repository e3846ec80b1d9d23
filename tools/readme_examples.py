#!/usr/bin/env python3
"""Re-runs the examples in README.md and pastes their real output.

Every ```text block whose first line starts with "$ sitrep" or "$ cat" is
a transcript: its "$ " lines are run again (in a scratch folder holding a
copy of sample-corpus/ and the files the transcript cats), with the release
binary, and the block is replaced by the commands and what they printed
(stdout and stderr, as a terminal user sees them when piping).

Run from the repository root after `cargo build --release`:
    python3 tools/readme_examples.py
"""
import os
import re
import shutil
import subprocess
import tempfile

ROOT = os.getcwd()
SITREP = os.path.join(ROOT, "target", "release", "sitrep")
FILES = {
    "daesh-cell.txt": (
        "date: 2024-03-12\n\nDaesh cell broken up near Tal Afar\n"
        "Security forces in Ninawa said they had broken up a cell of the Islamic State of Iraq "
        "and the Levant near Tal Afar. Hama and Hamas were not involved; the operation followed "
        "a tip from Sinjar.\n"
    ),
}


def run_block(lines, scratch):
    out = []
    for line in lines:
        if not line.startswith("$ "):
            continue
        command = line[2:]
        out.append(line)
        if command.startswith("cat "):
            out.append(FILES[command[4:].strip()].rstrip("\n"))
            out.append("")
            continue
        argv = ["bash", "-c", command.replace("sitrep ", SITREP + " ", 1)]
        env = dict(os.environ, SITREP_SCHEMA=os.path.join(ROOT, "index-schema"))
        env.pop("SITREP_INDEX", None)
        result = subprocess.run(argv, cwd=scratch, env=env, capture_output=True, text=True)
        text = (result.stdout + result.stderr).rstrip("\n")
        text = text.replace(scratch, "/home/analyst/sitrep")
        out.append(text)
    return out


def main():
    with open("README.md", encoding="utf-8") as f:
        readme = f.read()
    scratch = tempfile.mkdtemp(prefix="sitrep-readme-")
    try:
        shutil.copytree("sample-corpus", os.path.join(scratch, "sample-corpus"))
        for name, text in FILES.items():
            with open(os.path.join(scratch, name), "w", encoding="utf-8") as f:
                f.write(text)

        def replace(match):
            lines = match.group(1).split("\n")
            if not (lines[0].startswith("$ sitrep") or lines[0].startswith("$ cat")):
                return match.group(0)
            return "```text\n" + "\n".join(run_block(lines, scratch)) + "\n```"

        readme = re.sub(r"```text\n(.*?)\n```", replace, readme, flags=re.S)
    finally:
        shutil.rmtree(scratch)
    with open("README.md", "w", encoding="utf-8") as f:
        f.write(readme)


if __name__ == "__main__":
    main()
