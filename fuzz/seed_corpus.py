#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora under OUT: configs (examples/, bench/), measurement sets
(data/measurements/, tests/data/) and one file per observable id named in any of them."""
import pathlib
import sys
import tomllib

src = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])
configs = sorted(src.glob("examples/*.toml")) + sorted(src.glob("bench/*.toml"))
sets = sorted(src.glob("data/measurements/*.toml")) + sorted(src.glob("tests/data/*.toml"))
ids = set()
for kind, files in (("config", configs), ("measurement_set", sets)):
    d = out / kind
    d.mkdir(parents=True, exist_ok=True)
    for f in files:
        (d / f.name).write_bytes(f.read_bytes())
        doc = tomllib.loads(f.read_text())
        ids.update(doc.get("observables", []))
        ids.update(c["observable"] for c in doc.get("constraint", []) if "observable" in c)
d = out / "observable"
d.mkdir(parents=True, exist_ok=True)
for i, ident in enumerate(sorted(ids)):
    (d / f"id{i:03d}").write_text(ident)
