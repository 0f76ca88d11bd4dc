#!/usr/bin/env python3
"""Check library.json, PlatformIO's manifest (make test-packaging).

Usage: python3 tests/packaging/library_json.py [ROOT]   (ROOT: the checkout, default .)

What the registry requires and what its schema allows (name, version,
description, keywords, authors, license, frameworks, platforms, headers,
examples, export, build), the version against VERSION, and that every path
the manifest names exists: the include and source dirs, each -I of the
build flags, each header (in exactly one of those dirs), each example's base
and files, the export list. Every examples/<name>/main.c is listed. No URL
or host name anywhere (no repository, homepage or download address).
Prints each problem and exits 1 if there is any.
"""
import json
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else "."
problems = []


def bad(msg):
    problems.append(msg)


def path(rel):
    return os.path.join(ROOT, rel)


ALLOWED = {"name", "version", "description", "keywords", "authors", "license", "frameworks",
           "platforms", "headers", "examples", "export", "build"}
REQUIRED = {"name", "version", "description", "keywords", "frameworks", "platforms", "headers",
            "examples", "build"}
NAME_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?$")
KEYWORD_RE = re.compile(r"^[a-z\d\-\+\. ]+$")
PLATFORM_RE = re.compile(r"^([a-z\d\-_]+|\*)$")
EXAMPLE_RE = re.compile(r"^[a-zA-Z\d\-_/]+$")
HOST_RE = re.compile(r"://|\bwww\.|\b[a-z0-9-]+\.(com|org|net|io|dev|cc|de)\b", re.I)


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield k
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def str_list(key, value, item_re, max_len):
    """A string or a list of strings (PlatformIO takes both); returns the list."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        bad(f"{key}: a string or a non-empty list of strings, not {value!r}")
        return []
    for i in items:
        if not (1 <= len(i) <= max_len) or not item_re.match(i):
            bad(f"{key}: {i!r} (at most {max_len} characters of {item_re.pattern})")
    return items


try:
    with open(path("library.json"), encoding="utf-8") as f:
        lib = json.load(f)
except (OSError, ValueError) as e:
    print(f"library.json: {e}")
    sys.exit(1)
if not isinstance(lib, dict):
    print("library.json: not a JSON object")
    sys.exit(1)

for k in sorted(REQUIRED - lib.keys()):
    bad(f"{k}: missing")
for k in sorted(lib.keys() - ALLOWED):
    bad(f"{k}: not a field this manifest uses (a typo?)")
for s in strings(lib):
    if HOST_RE.search(s):
        bad(f"a URL or host name: {s!r} (none belongs in library.json)")

name = lib.get("name", "")
if not isinstance(name, str) or not (1 <= len(name) <= 50) or not NAME_RE.match(name):
    bad(f"name: {name!r} (1-50 characters: letters, digits, - and _)")

with open(path("VERSION"), encoding="utf-8") as f:
    version = f.read().strip()
if lib.get("version") != version:
    bad(f"version: {lib.get('version')!r}, VERSION says {version!r}")
if not re.match(r"^\d+\.\d+\.\d+$", str(lib.get("version", ""))):
    bad(f"version: {lib.get('version')!r} is not MAJOR.MINOR.PATCH")

desc = lib.get("description", "")
if not isinstance(desc, str) or not (1 <= len(desc) <= 255):
    bad(f"description: a string of 1-255 characters ({len(desc)})")

kw = lib.get("keywords")
if not isinstance(kw, list):
    bad("keywords: a list")
else:
    str_list("keywords", kw, KEYWORD_RE, 50)

for a in lib.get("authors", []):
    if not isinstance(a, dict) or not isinstance(a.get("name"), str) or not (1 <= len(a["name"]) <= 50):
        bad(f"authors: each one an object with a name of 1-50 characters, not {a!r}")

lic = lib.get("license")
if lic is not None:
    with open(path("LICENSE"), encoding="utf-8") as f:
        first = f.readline().strip()
    if first != f"{lic} License":
        bad(f"license: {lic!r}, but LICENSE begins {first!r}")

str_list("frameworks", lib.get("frameworks", []), PLATFORM_RE, 50)
str_list("platforms", lib.get("platforms", []), PLATFORM_RE, 50)

# the include path: includeDir, srcDir and each -I of the flags
build = lib.get("build", {})
inc_dirs = []
for key in ("includeDir", "srcDir"):
    d = build.get(key)
    if not isinstance(d, str):
        bad(f"build.{key}: missing (coop has no src/: name the dirs)")
    elif not os.path.isdir(path(d)):
        bad(f"build.{key}: {d!r} is not a directory")
    else:
        inc_dirs.append(d)
flags = build.get("flags", [])
flags = flags.split() if isinstance(flags, str) else flags
for flag in flags:
    m = re.match(r"^-I\s*(\S+)$", flag)
    if m:
        if not os.path.isdir(path(m.group(1))):
            bad(f"build.flags: {flag!r}: no directory {m.group(1)!r}")
        else:
            inc_dirs.append(m.group(1))
    elif not flag.startswith("-D"):
        bad(f"build.flags: {flag!r}: only -I and -D are expected")
inc_dirs = sorted(set(os.path.normpath(d) for d in inc_dirs))

for h in str_list("headers", lib.get("headers", []), re.compile(r"^[\w./-]+\.h$"), 100):
    where = [d for d in inc_dirs if os.path.isfile(path(os.path.join(d, h)))]
    if len(where) != 1:
        bad(f"headers: {h!r} is in {where or 'none'} of the include dirs {inc_dirs} (must be in one)")

examples = lib.get("examples", [])
listed = set()
if not isinstance(examples, list) or not examples:
    bad("examples: a non-empty list")
    examples = []
for ex in examples:
    if not isinstance(ex, dict) or not {"name", "base", "files"} <= ex.keys():
        bad(f"examples: {ex!r} needs name, base and files")
        continue
    if not EXAMPLE_RE.match(ex["name"]) or len(ex["name"]) > 100:
        bad(f"examples: name {ex['name']!r}")
    if not os.path.isdir(path(ex["base"])):
        bad(f"examples: {ex['name']}: no directory {ex['base']!r}")
    if not isinstance(ex["files"], list) or not ex["files"]:
        bad(f"examples: {ex['name']}: files must be a non-empty list")
        continue
    for f in ex["files"]:
        if not os.path.isfile(path(os.path.join(ex["base"], f))):
            bad(f"examples: {ex['name']}: no file {ex['base']}/{f}")
        listed.add(os.path.normpath(os.path.join(ex["base"], f)))
for d in sorted(os.listdir(path("examples"))):
    main = os.path.join("examples", d, "main.c")
    if os.path.isfile(path(main)) and main not in listed:
        bad(f"examples: {main} is not listed")

export = lib.get("export", {})
for key in ("include", "exclude"):
    for p in export.get(key, []):
        if not os.path.exists(path(p)):
            bad(f"export.{key}: no {p!r}")

for p in problems:
    print(f"library.json: {p}")
if problems:
    sys.exit(1)
print(f"library.json: {name} {version}, {len(lib['headers'])} headers in {inc_dirs}, "
      f"{len(examples)} examples, every path present")
