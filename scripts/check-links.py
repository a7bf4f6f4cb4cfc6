#!/usr/bin/env python3
"""Checks every Markdown link in README.md, docs/**/*.md and bench/results/*.md.

A relative link must name a file or folder inside the repository, and a `#anchor` must name a
heading of its target (GitHub's slugs: lower case, punctuation dropped, spaces to hyphens, `-1`,
`-2`… for repeats) or an HTML `id`/`name`. External http(s) links cannot be fetched here: they are
listed as not checked. No text may point outside the repository through `../shared/` (the peer
benchmark's optional `../shared/peers/` excepted). Exits 1 listing every broken link.

    python3 scripts/check-links.py
"""

import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ["README.md", "docs/**/*.md", "bench/results/*.md"]

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
# [text](target "title") and ![alt](target); the text may hold one level of brackets.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ID = re.compile(r"""<[^>]+\b(?:id|name)\s*=\s*["']([^"']+)["']""")
OUTSIDE = re.compile(r"\.\./shared/(?!peers/)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links: their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.replace("`", "").replace("*", "").replace("~", "")
    text = text.strip().lower()
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "-_" or cat[0] in "LN" or cat == "Mn":
            kept.append(ch)
        elif ch == " ":
            kept.append("-")
    return "".join(kept)


def prose_lines(text: str):
    """(line number, line) outside fenced code blocks."""
    fenced = None
    for number, line in enumerate(text.splitlines(), 1):
        mark = FENCE.match(line)
        if mark:
            if fenced is None:
                fenced = mark.group(1)
            elif line.strip().startswith(fenced):
                fenced = None
            continue
        if fenced is None:
            yield number, line


_anchors: dict[Path, set[str]] = {}


def anchors(path: Path) -> set[str]:
    if path not in _anchors:
        seen: dict[str, int] = {}
        found: set[str] = set()
        for _, line in prose_lines(path.read_text(encoding="utf-8")):
            found.update(HTML_ID.findall(line))
            match = HEADING.match(line)
            if match:
                base = slug(match.group(2))
                count = seen.get(base, 0)
                seen[base] = count + 1
                found.add(base if count == 0 else f"{base}-{count}")
        _anchors[path] = found
    return _anchors[path]


def check(path: Path, broken: list[str], external: list[str]) -> int:
    checked = 0
    text = path.read_text(encoding="utf-8")
    where = path.relative_to(ROOT)
    for number, line in enumerate(text.splitlines(), 1):
        if OUTSIDE.search(line):
            broken.append(f"{where}:{number}: names a path outside the repository: {line.strip()}")
    for number, line in prose_lines(text):
        line = INLINE_CODE.sub("", line)
        targets = INLINE_LINK.findall(line) + AUTOLINK.findall(line)
        definition = REFERENCE_DEF.match(line)
        if definition:
            targets.append(definition.group(1))
        for target in targets:
            checked += 1
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                if target.startswith(("http://", "https://")):
                    external.append(f"{where}:{number}: {target}")
                elif not target.startswith("mailto:"):
                    broken.append(f"{where}:{number}: {target}: unsupported scheme")
                continue
            file_part, _, anchor = target.partition("#")
            dest = path if not file_part else (path.parent / file_part).resolve()
            if not file_part and not anchor:
                broken.append(f"{where}:{number}: empty link")
                continue
            if ROOT not in dest.parents and dest != ROOT:
                broken.append(f"{where}:{number}: {target}: outside the repository")
                continue
            if not dest.exists():
                broken.append(f"{where}:{number}: {target}: no such file {dest.relative_to(ROOT)}")
                continue
            if anchor:
                if dest.is_dir() or dest.suffix.lower() != ".md":
                    broken.append(f"{where}:{number}: {target}: an anchor into a file that is not Markdown")
                elif anchor not in anchors(dest):
                    broken.append(f"{where}:{number}: {target}: no heading #{anchor} in {dest.relative_to(ROOT)}")
    return checked


def main() -> int:
    paths = sorted({p for pattern in FILES for p in ROOT.glob(pattern) if p.is_file()})
    broken: list[str] = []
    external: list[str] = []
    checked = sum(check(path, broken, external) for path in paths)
    for line in external:
        print(f"not checked (external, no network): {line}")
    if broken:
        print(f"\n{len(broken)} broken link(s) in {len(paths)} files:", file=sys.stderr)
        for line in broken:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"links: {checked} checked in {len(paths)} files, {len(external)} external not checked, none broken")
    return 0


if __name__ == "__main__":
    sys.exit(main())
