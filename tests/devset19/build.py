#!/usr/bin/env python3
"""Build articles and gold files from annotated sources in src/.

Source format: paragraphs separated by blank lines; a paragraph starting with
'@@' is furniture (headline, byline, dateline, caption, subhead, correction,
timestamp) and is excluded from the body word count.  An annotated sentence is
written {{CATS/ALLOW::sentence text}} with short codes.  A first line '#wrap72'
hard-wraps the output at 72 columns.
"""
import json, re, sys, textwrap, pathlib

CODES = {
    'anon': 'anonymous-source', 'why': 'anonymity-reason', 'dec': 'declined-comment',
    'state': 'state-media', 'vague': 'vague-attribution', 'named': 'named-source',
    'doc': 'document-source', 'unver': 'unverified-claim', 'outlet': 'other-outlet',
    'social': 'social-media',
}
MARK = re.compile(r'\{\{([^:{}]*)::(.*?)\}\}')
WORD = re.compile(r"[0-9A-Za-zÀ-ÿ$€£]+(?:[’'.,\-][0-9A-Za-zÀ-ÿ]+)*")

def codes(s):
    out = [c.strip() for c in s.split(',') if c.strip()]
    for c in out:
        if c not in CODES:
            sys.exit(f'unknown code {c!r}')
    return [CODES[c] for c in out]

root = pathlib.Path(__file__).parent
stats = {}
for src in sorted((root / 'src').glob('*.src')):
    lines = src.read_text(encoding='utf-8').split('\n')
    wrap = lines[0].strip() == '#wrap72'
    if wrap:
        lines = lines[1:]
    paras = [p.strip() for p in re.split(r'\n\s*\n', '\n'.join(lines)) if p.strip()]
    out_paras, gold, body_words = [], [], 0
    for p in paras:
        furniture = p.startswith('@@')
        if furniture:
            p = p[2:].strip()
        if '{{' in p and furniture:
            sys.exit(f'{src.name}: annotation inside furniture: {p[:60]}')
        for m in MARK.finditer(p):
            spec, text = m.group(1), m.group(2)
            cats_s, _, allow_s = spec.partition('/')
            cats, allow = codes(cats_s), codes(allow_s)
            if set(cats) & set(allow):
                sys.exit(f'{src.name}: category in both lists: {text[:60]}')
            if not cats and not allow:
                sys.exit(f'{src.name}: empty annotation: {text[:60]}')
            gold.append((text, cats, allow))
        plain = MARK.sub(lambda m: m.group(2), p)
        if '{{' in plain or '}}' in plain:
            sys.exit(f'{src.name}: unbalanced markup: {plain[:80]}')
        plain = ' '.join(plain.split()) if not plain.startswith('- ') else plain
        if not furniture:
            body_words += len(WORD.findall(plain))
        if wrap:
            plain = textwrap.fill(plain, 72, break_long_words=False, break_on_hyphens=False)
        out_paras.append(plain)
    name = src.stem
    (root / 'articles' / f'{name}.txt').write_text('\n\n'.join(out_paras) + '\n', encoding='utf-8')
    with open(root / 'gold' / f'{name}.toml', 'w', encoding='utf-8') as f:
        f.write(f'article = "{name}.txt"\n')
        for text, cats, allow in gold:
            f.write('\n[[sentence]]\n')
            f.write('text = ' + json.dumps(text, ensure_ascii=False) + '\n')
            f.write('categories = ' + json.dumps(cats) + '\n')
            if allow:
                f.write('allow = ' + json.dumps(allow) + '\n')
    stats[name] = (body_words, len(gold))
    print(f'{name:40s} body_words={body_words:4d} gold={len(gold)}')
json.dump(stats, open(root / 'stats.json', 'w'), indent=1)
