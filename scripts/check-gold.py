#!/usr/bin/env python3
"""Check an annotated set's gold files against its articles, without running any rule.

    scripts/check-gold.py tests/devset22

Every gold entry must name only the ten categories, not list one category in
both `categories` and `allow`, have no duplicates, not be empty, and occur
exactly once in its article, starting at a word boundary, with no stray
whitespace (curly quotes and runs of whitespace are compared loosely, as the
evaluator does). Prints `OK N` (N gold entries) or each problem, then the
counts per category; exits 1 on any problem. The helpers who write the sets
run it before anything else, so they never see a rule's output.
"""
import collections
import os
import re
import sys
import tomllib

CATS = {
    "anonymous-source", "anonymity-reason", "declined-comment", "state-media",
    "vague-attribution", "named-source", "document-source", "unverified-claim",
    "other-outlet", "social-media",
}


def norm(s):
    s = s.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return re.sub(r"\s+", " ", s)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check-gold.py SET_DIR (holding articles/ and gold/)")
    articles = os.path.join(sys.argv[1], "articles")
    gold = os.path.join(sys.argv[1], "gold")
    ok = True
    units, allows, n = collections.Counter(), collections.Counter(), 0
    for f in sorted(os.listdir(gold)):
        if not f.endswith(".toml"):
            continue
        with open(os.path.join(gold, f), "rb") as fh:
            d = tomllib.load(fh)
        with open(os.path.join(articles, d["article"]), encoding="utf-8") as fh:
            art = norm(fh.read())
        for e in d["sentence"]:
            n += 1
            t = norm(e["text"])
            c, a = e["categories"], e.get("allow", [])
            problems = []
            bad = [x for x in c + a if x not in CATS]
            if bad:
                problems.append(f"bad category {bad}")
            if set(c) & set(a):
                problems.append("a category in both categories and allow")
            if len(set(c)) != len(c) or len(set(a)) != len(a):
                problems.append("duplicate category")
            if not c and not a:
                problems.append("no category and no allow")
            if art.count(t) != 1:
                problems.append(f"found {art.count(t)} times in the article")
            i = art.find(t)
            if i > 0 and art[i - 1].isalnum():
                problems.append("does not start at a word boundary")
            if t != t.strip():
                problems.append("leading or trailing whitespace")
            for p in problems:
                ok = False
                print(f"{f}: {p}: {t[:60]}")
            units.update(c)
            allows.update(a)
    print(("OK" if ok else "FAIL"), n)
    print(dict(units))
    print(dict(allows))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
