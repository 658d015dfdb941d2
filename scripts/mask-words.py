#!/usr/bin/env python3
"""Copy a corpus with the words no rule spells replaced by placeholders.

    scripts/mask-words.py SRC DST [--names-only]

An experiment for BENCHMARKS.md ("Words no rule spells, masked"): if the
lazy DFAs' memory on text that does not repeat came from the words the
rules never mention (names, places, the vocabulary of each story), a corpus
in which those words are all the same would need far fewer automaton
states. Every ASCII word of two letters or more whose lower case does not
occur as a word anywhere in rules/*.toml becomes "Qqq…" (capitalized) or
"qqq…" of the same length, so sentence shapes, lengths and the rules'
own words stay. With --names-only, only capitalized words are masked.
"""

import os
import re
import sys


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    src, dst = args
    names_only = "--names-only" in sys.argv
    rules = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rules")
    spelled = set()
    for name in os.listdir(rules):
        if name.endswith(".toml"):
            with open(os.path.join(rules, name), encoding="utf-8") as f:
                spelled.update(re.findall(r"[a-z]{2,}", f.read().lower()))

    def mask(m: re.Match) -> str:
        word = m.group(0)
        if word.lower() in spelled:
            return word
        head = "Q" if word[0].isupper() else "q"
        return head + "q" * (len(word) - 1)

    words = re.compile(r"\b[A-Z][a-z]+\b" if names_only else r"\b[A-Za-z][a-z]+\b")
    for root, _, files in os.walk(src):
        for name in files:
            path = os.path.join(root, name)
            out = os.path.join(dst, os.path.relpath(path, src))
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            with open(out, "w", encoding="utf-8") as f:
                f.write(words.sub(mask, text))


if __name__ == "__main__":
    main()
