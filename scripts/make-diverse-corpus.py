#!/usr/bin/env python3
"""Build a benchmark corpus of text that does not repeat.

    scripts/make-diverse-corpus.py DIR [MEGABYTES] [FILES_PER_DIR]

`make-corpus.sh` repeats 13 articles, so after the first few hundred files a
regex engine's lazy DFA has seen every state it will ever need: memory and
speed measured on it are those of a warm cache. A newsroom archive never
repeats. This script writes variants of every article under tests/ (the
fixtures and every evaluation set, about 300 articles): in each variant every
capitalised word inside a sentence is swapped for another from the pool of all articles'
capitalised words, and every digit for a random one, so that names, places and
numbers (where the rules' lexicons and descriptions branch) differ from file to
file, while the sentences keep the shapes of real news copy. Seeded, so two runs
write the same corpus. Nothing here is committed: point DIR at /tmp.
"""

import glob
import os
import random
import re
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: make-diverse-corpus.py DIR [MEGABYTES] [FILES_PER_DIR]")
    out = sys.argv[1]
    target = int(sys.argv[2] if len(sys.argv) > 2 else 50) * 1024 * 1024
    per_dir = int(sys.argv[3] if len(sys.argv) > 3 else 1000)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = sorted(
        glob.glob(os.path.join(here, "tests", "fixtures", "*.txt"))
        + glob.glob(os.path.join(here, "tests", "*", "articles", "*.txt"))
    )
    texts = [open(p, encoding="utf-8").read() for p in paths]
    # A capitalised word inside a sentence (after a lowercase word or a
    # comma): a name, a place, an outlet. Sentence openers ("According",
    # "Officials") stay, so the sentences keep their cues.
    word = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{2,}\b")
    pool = sorted({w for t in texts for w in word.findall(t)})
    rng = random.Random(20261129)
    total = n = 0
    while total < target:
        for path, text in zip(paths, texts):
            swap = {}

            def name(m):
                w = m.group(0)
                if w not in swap:
                    swap[w] = rng.choice(pool)
                return swap[w]

            variant = word.sub(name, text)
            variant = re.sub(r"\d", lambda _: str(rng.randrange(10)), variant)
            sub = os.path.join(out, "%04d" % (n // per_dir))
            os.makedirs(sub, exist_ok=True)
            dest = os.path.join(sub, "%06d-%s" % (n, os.path.basename(path)))
            with open(dest, "w", encoding="utf-8") as f:
                f.write(variant)
            total += len(variant.encode("utf-8"))
            n += 1
            if total >= target:
                break
    print("%d files, %d bytes in %s (variants of %d articles)" % (n, total, out, len(paths)))


if __name__ == "__main__":
    main()
