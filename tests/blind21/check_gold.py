import os,re,tomllib,collections
A='tests/blind21/articles'; G='tests/blind21/gold'
CATS={"anonymous-source","anonymity-reason","declined-comment","state-media","vague-attribution","named-source","document-source","unverified-claim","other-outlet","social-media"}
def norm(s):
    s=s.replace('“','"').replace('”','"').replace('‘',"'").replace('’',"'")
    return re.sub(r'\s+',' ',s)
ok=True; units=collections.Counter(); allows=collections.Counter(); nsent=0
for f in sorted(os.listdir(G)):
    d=tomllib.load(open(os.path.join(G,f),'rb'))
    art=norm(open(os.path.join(A,d['article']),encoding='utf-8').read())
    for e in d['sentence']:
        nsent+=1
        t=norm(e['text']); c=e['categories']; a=e.get('allow',[])
        bad=[x for x in c+a if x not in CATS]
        if bad: ok=False; print(f,'bad cat',bad,t[:50])
        if set(c)&set(a): ok=False; print(f,'overlap',t[:50])
        if len(set(c))!=len(c) or len(set(a))!=len(a): ok=False; print(f,'dup',t[:50])
        if not c and not a: ok=False; print(f,'empty',t[:50])
        n=art.count(t)
        if n!=1: ok=False; print(f,'count',n,t[:60])
        i=art.find(t)
        if i>0 and (art[i-1].isalnum()): ok=False; print(f,'not word boundary',t[:50])
        if t!=t.strip(): ok=False; print(f,'ws',t[:50])
        units.update(c); allows.update(a)
    for k in ['text','categories']:pass
print('OK' if ok else 'FAIL', nsent)
print(dict(units)); print(dict(allows))
