#!/usr/bin/env python3
"""Write the fixture articles as JSON Lines: {"id", "source", "text"} per line.

    scripts/fixtures-to-jsonl.py [REPEAT] > articles.jsonl
"""
import json
import pathlib
import sys

repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 1
fixtures = sorted((pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures").glob("*.txt"))
for n in range(repeat):
    for path in fixtures:
        print(json.dumps({"id": f"{n}/{path.stem}", "source": path.name, "text": path.read_text()}))
