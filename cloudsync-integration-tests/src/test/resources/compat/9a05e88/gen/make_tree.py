#!/usr/bin/env python3
"""Deterministic source tree for the issue-17 compat fixtures.

  make_tree.py gen DIR      writes the initial tree (13 files) into DIR (must not exist)
  make_tree.py mutate DIR   change one file, add one, delete one (the second sync's tree)
  make_tree.py manifest DIR prints "path<TAB>size<TAB>mtime_ns<TAB>sha256" per file, sorted by path
All contents and mtimes are fixed, so two runs produce identical trees."""
import hashlib, os, random, sys, unicodedata

BASE_NS = 1_700_000_000_123_456_789          # 2023-11-14T22:13:20.123456789Z

def text(seed, lines):
    r = random.Random(seed)
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
    return "".join(" ".join(r.choice(words) for _ in range(8)) + "\n" for _ in range(lines)).encode()

FILES = [  # path, content
    ("README.txt", b"cloudsync compat fixture tree (issue 17)\n"),
    ("empty.txt", b""),
    (".editorconfig", b"root = true\n[*]\nend_of_line = lf\n"),
    ("docs/guide.md", b"# Guide\n\n" + text(1, 20)),
    ("docs/my notes.txt", b"a file whose name has a space\n" + text(2, 5)),
    ("docs/caf\u00e9.txt", "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e (UTF-8 content, NFC name)\n".encode()),
    ("docs/r\u00e9sum\u00e9 final.txt", "space and \u00e9 in one name\n".encode()),
    ("data/blob.bin", random.Random(17).randbytes(300 * 1024)),
    ("data/config.json", b'{"version": 1, "name": "fixture"}\n'),
    ("data/nested/a.csv", b"id,value\n" + b"".join(b"%d,%d\n" % (i, i * i) for i in range(50))),
    ("data/nested/deep/leaf.txt", b"deepest file\n"),
    ("src/main.py", b"print('hello')\n"),
    ("src/lib/util.py", b"def f(x):\n    return x + 1\n"),
]

def write(root, rel, data, idx):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)
    ns = BASE_NS + idx * 86_400_000_000_007   # one day (+7 ns) apart, all with nanoseconds
    os.utime(p, ns=(ns, ns))

def gen(root):
    os.makedirs(root)
    for i, (rel, data) in enumerate(FILES):
        assert unicodedata.is_normalized("NFC", rel)
        write(root, rel, data, i)

def mutate(root):
    write(root, "data/config.json", b'{"version": 2, "name": "fixture", "changed": true}\n', 100)  # changed (size too)
    write(root, "docs/added.txt", b"added before the second sync\n", 101)                            # added
    os.remove(os.path.join(root, "src/lib/util.py")); os.rmdir(os.path.join(root, "src/lib"))       # deleted

def manifest(root):
    out = []
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            st = os.stat(p)
            out.append((os.path.relpath(p, root), st.st_size, st.st_mtime_ns,
                        hashlib.sha256(open(p, "rb").read()).hexdigest()))
    for r in sorted(out, key=lambda t: t[0].encode()):
        print("\t".join(map(str, r)))

if __name__ == "__main__":
    {"gen": gen, "mutate": mutate, "manifest": manifest}[sys.argv[1]](sys.argv[2])
