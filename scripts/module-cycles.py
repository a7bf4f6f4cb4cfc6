#!/usr/bin/env python3
"""Fails when a crate's modules depend on each other in a cycle.

A module is a file (`lib.rs`, `main.rs`, `foo.rs`, `foo/mod.rs`); an inline `mod x { … }` counts
as part of its file. A module depends on another when its text names it: a `use` or a path
starting `crate::`, `super::` or `self::`, resolved to the deepest module that exists, and through
one `pub use` re-export to the module that defines the item. A file pulled in with `include!`
belongs to the module that includes it; `#[path = …] mod x;` is followed. Dependencies between a module and its own ancestors or
descendants are the tree's normal shape (a parent re-exports its children, a child uses its
parent's types) and are not counted; any other cycle is reported, with the modules on it.

    scripts/module-cycles.py            # every crate under crates/
    scripts/module-cycles.py crates/core
"""
import re
import sys
from pathlib import Path

MOD_DECL = re.compile(
    r"^\s*((?:#\[[^\]]*\]\s*)*)(?:pub(?:\([^)]*\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;", re.M
)
PATH_ATTR = re.compile(r"#\[path\s*=\s*\"([^\"]+)\"\]")
NEVER = re.compile(r"#\[cfg\(any\(\)\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;")
INCLUDE = re.compile(r"include!\(\s*(?:concat!\(\s*env!\(\"CARGO_MANIFEST_DIR\"\)\s*,\s*)?\"([^\"]+\.rs)\"")
PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_GROUP = re.compile(r"\buse\s+(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*)\};", re.S)
PUB_USE = re.compile(r"\bpub(?:\([^)]*\))?\s+use\s+([a-z_][a-z0-9_:]*)::(\{[^;]*\}|[A-Za-z_][A-Za-z0-9_]*)\s*;", re.S)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def load_crate(src):
    """module path (tuple) -> (file, text); included files are appended to their includer's text."""
    modules = {}
    roots = [p for p in (src / "lib.rs", src / "main.rs") if p.exists()]

    def visit(path, file):
        raw = file.read_text()
        text = strip_comments(raw)
        for inc in INCLUDE.findall(raw):
            target = (src.parent / inc) if inc.startswith("src/") else (file.parent / inc)
            if target.exists():
                text += "\n" + strip_comments(target.read_text())
        modules[path] = (file, text)
        never = set(NEVER.findall(text))
        here = file.parent if file.name in ("lib.rs", "main.rs", "mod.rs") else file.parent / file.stem
        for attrs, name in MOD_DECL.findall(text):
            if name in never:
                continue
            at = PATH_ATTR.search(attrs)
            # `#[path]` is relative to the declaring file's folder.
            candidates = [file.parent / at.group(1)] if at else [here / f"{name}.rs", here / name / "mod.rs"]
            for child in candidates:
                if child.exists():
                    visit(path + (name,), child)
                    break

    for root in roots:
        visit((), root)
    return modules


def reexports(modules):
    """(module, name) -> the module a `pub use child::name` brings the name from."""
    out = {}
    for mod, (_, text) in modules.items():
        for head, tail in PUB_USE.findall(text):
            names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", tail) if tail.startswith("{") else [tail]
            parts = tuple(head.split("::"))
            if parts[0] in ("crate", "super", "self"):
                continue
            source = resolve(modules, mod + parts)
            for name in names:
                if source:
                    out[(mod, name)] = source
    return out


def resolve(modules, parts):
    """The deepest existing module along `parts`."""
    best = None
    for i in range(len(parts) + 1):
        if parts[:i] in modules:
            best = parts[:i]
    return best


def absolute(mod, anchor, rest):
    if anchor == "crate":
        return rest
    if anchor == "self":
        return mod + rest
    return mod[:-1] + rest  # super


def expand(group):
    """The paths of a use tree's braces: `a::{B, c::{D}}, e` -> a::B, a::c::D, e."""
    out, depth, start = [], 0, 0
    parts = []
    for i, ch in enumerate(group + ","):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(group[start:i].strip())
            start = i + 1
    for part in filter(None, parts):
        if "{" in part:
            head, inner = part.split("{", 1)
            prefix = tuple(p for p in head.split("::") if p)
            out += [prefix + sub for sub in expand(inner.rsplit("}", 1)[0])]
        else:
            name = part.split(" as ")[0].strip()
            out.append(tuple(p for p in name.split("::") if p))
    return [p for p in out if p and p != ("self",)]


def dependencies(modules):
    exported = reexports(modules)
    deps = {m: set() for m in modules}
    for mod, (_, text) in modules.items():
        paths = []
        for anchor, rest, group in USE_GROUP.findall(text):
            base = tuple(p for p in rest.split("::") if p)
            for item in expand(group):
                paths.append((anchor, base + item))
        for anchor, rest in PATH.findall(USE_GROUP.sub("", text)):
            paths.append((anchor, tuple(rest.strip(":").split("::"))))
        for anchor, rest in paths:
            # `super::super::x`: each leading super climbs one more level.
            level = mod
            while anchor == "super" and rest and rest[0] == "super":
                level, rest = level[:-1], rest[1:]
            full = absolute(level, anchor, rest)
            target = resolve(modules, full)
            if target is None:
                continue
            if len(full) > len(target) and (target, full[len(target)]) in exported:
                target = exported[(target, full[len(target)])]
            if target != mod:
                deps[mod].add(target)
    return deps


def related(a, b):
    return a[: len(b)] == b or b[: len(a)] == a


def cycles(deps):
    graph = {m: {d for d in ds if not related(m, d)} for m, ds in deps.items()}
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(component)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            strong(v)
    return out


def name(crate, mod):
    return crate + ("::" + "::".join(mod) if mod else "")


def main(args):
    top = Path(__file__).resolve().parent.parent
    crates = [Path(a) for a in args] or sorted(p.parent for p in (top / "crates").glob("*/Cargo.toml"))
    failed = False
    for crate in crates:
        src = (top / crate / "src") if not crate.is_absolute() else crate / "src"
        if not src.exists():
            continue
        modules = load_crate(src)
        deps = dependencies(modules)
        found = cycles(deps)
        label = crate.name
        if found:
            failed = True
            for component in found:
                print(f"cycle in {label}: " + " <-> ".join(sorted(name(label, m) for m in component)))
                for m in sorted(component):
                    inside = sorted(d for d in deps[m] if d in component and not related(m, d))
                    print(f"    {name(label, m)} uses " + ", ".join(name(label, d) for d in inside))
        else:
            print(f"{label}: {len(modules)} modules, no cycle")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
