#!/usr/bin/env python3
"""List a cloudsync snapshot's files from its remote metadata alone (docs/FORMATS.md).

    list_snapshot.py METADATA_DIR SNAPSHOT

METADATA_DIR is a copy of the remote's metadata area: the `local` provider's `<directory>/.cloudsync`,
or an S3 remote's `<prefix>/.cloudsync/` fetched with `aws s3 cp --recursive`. Prints one line per
file, `<sha256>  <size>  <path>`, in manifest order, after checking every chunk's sha256, the
order of the paths, the totals and the snapshot's checksum. Reads manifest format 1 and 2.
Standard library only.
"""
import gzip
import hashlib
import json
import os
import sys


def fail(message):
    sys.exit(f"list_snapshot: {message}")


def read_chunk(area, snapshot, ref, kind):
    name = ref["sha256"]
    with open(os.path.join(area, "chunks", snapshot, name), "rb") as f:
        stored = f.read()
    if hashlib.sha256(stored).hexdigest() != name or len(stored) != ref["size"]:
        fail(f"chunk {name} is damaged (sha256 or size differs from its name and reference)")
    lines = gzip.decompress(stored).decode("utf-8").split("\n")
    if lines[-1] != "":
        fail(f"chunk {name} does not end with a newline")
    header = json.loads(lines[0])
    if header != {"format": "cloudsync-manifest-chunk", "version": 2, "kind": kind}:
        fail(f"chunk {name} has header {lines[0]}, expected a {kind} chunk of version 2")
    return [json.loads(line) for line in lines[1:-1]]


def entries_of(area, snapshot):
    with open(os.path.join(area, "manifests", snapshot + ".json"), "rb") as f:
        root = json.load(f)
    if root.get("format") != "cloudsync-manifest":
        fail("not a cloudsync manifest")
    if root["version"] == 1:
        return root, root["entries"]
    if root["version"] != 2:
        fail(f"manifest version {root['version']} is newer than this script reads")
    entries = []
    for part in root["index"]:
        refs = read_chunk(area, snapshot, part, "index")
        if len(refs) != part["chunks"]:
            fail(f"index part {part['sha256']} lists {len(refs)} chunks, its reference says {part['chunks']}")
        for ref in refs:
            chunk = read_chunk(area, snapshot, ref, "entries")
            if (len(chunk) != ref["entries"] or chunk[0]["path"] != ref["first"] or chunk[-1]["path"] != ref["last"]
                    or sum(e["size"] for e in chunk) != ref["bytes"]):
                fail(f"chunk {ref['sha256']} does not match its reference")
            entries.extend(chunk)
    if len(entries) != root["entries"] or sum(e["size"] for e in entries) != root["bytes"]:
        fail("the chunks' totals differ from the root's")
    return root, entries


def main():
    if len(sys.argv) != 3:
        fail("usage: list_snapshot.py METADATA_DIR SNAPSHOT")
    root, entries = entries_of(sys.argv[1], sys.argv[2])
    checksum = hashlib.sha256()
    previous = None
    for e in entries:
        path = e["path"].encode("utf-8")
        if previous is not None and path <= previous:  # manifest order: the UTF-8 bytes of the paths
            fail(f"paths out of order at {e['path']}")
        previous = path
        checksum.update(path + b"\0" + str(e["size"]).encode() + b"\0" + e["sha256"].encode() + b"\n")
    if checksum.hexdigest() != root["checksum"]:
        fail("the entries do not give the manifest's checksum")
    for e in entries:
        print(f"{e['sha256']}  {e['size']}  {e['path']}")


if __name__ == "__main__":
    main()
