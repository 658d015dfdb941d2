#!/bin/sh
# Build the sets of articles with non-ASCII words that BENCHMARKS.md measures,
# from a corpus made by scripts/make-corpus.sh (it needs folders 0000-0005).
#
#   scripts/make-script-sets.sh CORPUS OUT
#
# Writes OUT/casc, cuni, cgr, ccjk, carab, carab2, cfa, cwire and cmix. Nothing here
# is committed: point OUT at /tmp.
set -eu
corpus=${1:?usage: make-script-sets.sh CORPUS OUT}
out=${2:?usage: make-script-sets.sh CORPUS OUT}
mkdir -p "$out/casc" "$out/cuni" "$out/cgr" "$out/ccjk" "$out/carab" "$out/carab2"

# 300 articles as they are, and with accents in a few words ("Jöhn", "é").
for f in $(ls "$corpus/0000" | head -300); do
  cp "$corpus/0000/$f" "$out/casc/"
  sed 's/\bJohn\b/Jöhn/g; s/ e\([a-z]\)/ é\1/3' "$corpus/0000/$f" > "$out/cuni/$f"
done
# 200 with Greek and Cyrillic names and accents.
for f in $(ls "$corpus/0001" | head -200); do
  sed 's/\bJohn\b/Γιάννης/g; s/\bMr\. \([A-Z]\)/Mr. Петров \1/; s/ e\([a-z]\)/ é\1/2; s/\bSmith\b/Smithος/g' \
    "$corpus/0001/$f" > "$out/cgr/$f"
done
# 200 with Chinese names.
for f in $(ls "$corpus/0002" | head -200); do
  sed 's/\bJohn\b/习近平/g; s/\bMr\. \([A-Z]\)/Mr. 王 \1/' "$corpus/0002/$f" > "$out/ccjk/$f"
done
# 200 with Arabic names and accents, and the same without the accents.
for f in $(ls "$corpus/0003" | head -200); do
  sed 's/\bJohn\b/محمد/g; s/\bMr\. \([A-Z]\)/Mr. عباس \1/; s/ e\([a-z]\)/ é\1/2' "$corpus/0003/$f" > "$out/carab/$f"
  sed 's/ é\([a-z]\)/ e\1/g' "$out/carab/$f" > "$out/carab2/$f"
done

# carab2 with joiners as Persian writes them (ZWNJ inside "می‌خواهم") and
# an emoji with a variation selector.
mkdir -p "$out/cfa"
for f in $(ls "$out/carab2"); do
  sed 's/عباس/می‌خواهم/g; s/محمد/محمد‌رضا/g; s/\. /. ❤️ /3' "$out/carab2/$f" > "$out/cfa/$f"
done

python3 - "$corpus" "$out" <<'EOF'
import os, random, sys
corpus, out = sys.argv[1], sys.argv[2]

# cwire: a wire archive. 600 articles with accented names; one in ten also
# quotes "Mr. <name>" in one of nine scripts, every fourth paragraph.
random.seed(3)
names = ['习近平', 'عباس', 'मोदी', '𝐒𝐦𝐢𝐭𝐡', '윤석열', 'נתניהו', 'ทักษิณ', 'Τσίπρας', 'Зеленський']
os.makedirs(f'{out}/cwire', exist_ok=True)
for k, f in enumerate(sorted(os.listdir(f'{corpus}/0005'))[:600]):
    t = open(f'{corpus}/0005/{f}').read()
    t = t.replace(' John ', ' Jöhn ').replace(' Jose ', ' José ')
    if k % 10 == 0:
        paras = t.split('\n\n')
        n = names[(k // 10) % len(names)]
        for i in range(1, len(paras), 4):
            paras[i] += f' Mr. {n} of the ministry said the talks would go on.'
        t = '\n\n'.join(paras)
    open(f'{out}/cwire/{f}', 'w').write(t)

# cmix, adversarial: 300 articles where about one word in 25 is replaced by,
# or glued to, a word of one of 28 scripts and forms (long s, Kelvin sign,
# ligatures, full-width and mathematical letters, combining accents).
random.seed(7)
words = ['José', 'Zoë', 'Erdoğan', 'Łukasz', 'Nguyễn', 'Τσίπρας', 'Зеленський', '习近平', '北京',
         '岸田文雄', '윤석열', 'عباس', 'محمود', 'נתניהו', 'मोदी', 'ทักษิณ', '𝐒𝐦𝐢𝐭𝐡', 'Ꝺavid', 'ſaid',
         'ſ', '\u212Aelvin', 'é', 'ﬁ', 'Ｒｅｕｔｅｒｓ', 'ქართ', 'Հայ', 'ᏣᎳᎩ', 'Jose\u0301']
os.makedirs(f'{out}/cmix', exist_ok=True)
for f in sorted(os.listdir(f'{corpus}/0004'))[:300]:
    toks = open(f'{corpus}/0004/{f}').read().split(' ')
    for _ in range(max(1, len(toks) // 25)):
        i = random.randrange(len(toks))
        w = random.choice(words)
        mode = random.random()
        if mode < 0.5:
            toks[i] = w
        elif mode < 0.75:
            toks[i] = toks[i] + w
        else:
            toks[i] = w + toks[i]
    open(f'{out}/cmix/{f}', 'w').write(' '.join(toks))
EOF
for s in casc cuni cgr ccjk carab carab2 cfa cwire cmix; do
  echo "$s: $(ls "$out/$s" | wc -l) files"
done
