#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora under OUT: configs (examples/, bench/), measurement sets
(data/measurements/, tests/data/) and one file per observable id named in any of them.

Left out: the full bsll-2025 set and the configs that use it. Planning it costs 20-50 s per input
under the sanitizers (about 150 rate terms, their stage-1 bases for a resonant model, the SM
covariance), beyond libFuzzer's 30 s per unit; tests/data/covariance-small.toml (theory =
"covariance", a correlated entry) seeds the same code paths cheaply."""
import pathlib
import sys
import tomllib

src = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])

def cheap(f):
    return "bsll-2025" not in f.read_text()


configs = [f for f in sorted(src.glob("examples/*.toml")) + sorted(src.glob("bench/*.toml"))
           if cheap(f)]
sets = [f for f in sorted(src.glob("data/measurements/*.toml")) + sorted(src.glob("tests/data/*.toml"))
        if cheap(f)]
ids = set()
for kind, files in (("config", configs), ("measurement_set", sets)):
    d = out / kind
    d.mkdir(parents=True, exist_ok=True)
    for f in files:
        (d / f.name).write_bytes(f.read_bytes())
        doc = tomllib.loads(f.read_text())
        ids.update(doc.get("observables", []))
        ids.update(c["observable"] for c in doc.get("constraint", []) if "observable" in c)
        ids.update(v["observable"] for c in doc.get("constraint", []) for v in c.get("values", []))
d = out / "observable"
d.mkdir(parents=True, exist_ok=True)
for i, ident in enumerate(sorted(ids)):
    (d / f"id{i:03d}").write_text(ident)
