#!/usr/bin/env python3
"""Check gold files: valid TOML, only the ten categories, no category in both
lists, each text found exactly once (whitespace runs and quote styles normalised)."""
import re, sys, tomllib, pathlib, collections
CATS = {'anonymous-source', 'anonymity-reason', 'declined-comment', 'state-media',
        'vague-attribution', 'named-source', 'document-source', 'unverified-claim',
        'other-outlet', 'social-media'}
Q = str.maketrans({'“': '"', '”': '"', '‘': "'", '’': "'"})
def norm(s): return re.sub(r'\s+', ' ', s.translate(Q)).strip()
root = pathlib.Path(__file__).parent
errors = 0
units = collections.Counter(); allows = collections.Counter(); n = 0
for g in sorted((root / 'gold').glob('*.toml')):
    d = tomllib.loads(g.read_text(encoding='utf-8'))
    art = norm((root / 'articles' / d['article']).read_text(encoding='utf-8'))
    for s in d['sentence']:
        n += 1
        cats, allow = s.get('categories', []), s.get('allow', [])
        bad = (set(cats) | set(allow)) - CATS
        if bad: print(g.name, 'unknown category', bad, s['text'][:60]); errors += 1
        if set(cats) & set(allow): print(g.name, 'in both lists', s['text'][:60]); errors += 1
        if not cats and not allow: print(g.name, 'empty', s['text'][:60]); errors += 1
        c = art.count(norm(s['text']))
        if c != 1: print(g.name, f'occurs {c} times:', s['text'][:60]); errors += 1
        units.update(cats); allows.update(allow)
print(f'{n} gold sentences; {sum(units.values())} gold units; {sum(allows.values())} allow listings; errors={errors}')
for c in sorted(CATS): print(f'  {c:20s} units={units[c]:3d} allow={allows[c]:3d}')
sys.exit(1 if errors else 0)
