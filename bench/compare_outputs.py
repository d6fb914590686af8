#!/usr/bin/python3
"""Compares two bscan output files (or two directories of them, file by file).

    bench/compare_outputs.py OLD.h5 NEW.h5 [--tol 1e-6]
    bench/compare_outputs.py OLD_DIR NEW_DIR [--tol 1e-6]

Per float64 dataset (observables) the largest relative change |new - old| / |old| (0 where both are
equal, NaN placement must agree); per flag word the number of points whose bits differ, and for
each differing flag bit the observable values there (so that a flag flip can be traced to a value
within the tolerance of a boundary). float32 pulls are reported, not judged (they derive from the
observables). Exit code 0 when every observable is within --tol and no flag differs, 1 otherwise,
2 on bad use. Needs h5py (Debian's /usr/bin/python3 has it).
"""
import argparse
import pathlib
import sys

import h5py
import numpy as np


def compare_file(old_path, new_path, tol):
    ok = True
    with h5py.File(old_path, "r") as old, h5py.File(new_path, "r") as new:
        names = sorted(n for n in old if isinstance(old[n], h5py.Dataset))
        worst_name, worst = None, 0.0
        for name in names:
            if name not in new:
                print(f"  {name}: missing in {new_path}")
                ok = False
                continue
            a, b = old[name][()], new[name][()]
            if a.shape != b.shape:
                print(f"  {name}: shape {a.shape} -> {b.shape}")
                ok = False
                continue
            if a.dtype.kind == "u":
                diff = int(np.count_nonzero(a != b))
                if diff:
                    ok = False
                    bits = np.bitwise_xor(a, b)
                    flipped = [k for k in range(32) if np.any(bits >> k & 1)]
                    print(f"  {name}: {diff} points differ (bits {flipped})")
                continue
            if a.dtype != np.float64:
                continue
            nan_a, nan_b = np.isnan(a), np.isnan(b)
            if np.any(nan_a != nan_b):
                print(f"  {name}: NaN at {int(np.count_nonzero(nan_a != nan_b))} other points")
                ok = False
            m = ~(nan_a | nan_b)
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = np.where(a[m] == b[m], 0.0, np.abs(b[m] - a[m]) / np.abs(a[m]))
            r = float(np.max(rel)) if rel.size else 0.0
            if r > worst:
                worst, worst_name = r, name
            if r > tol:
                ok = False
                print(f"  {name}: max relative change {r:.3e} (> {tol:g})")
        print(f"  largest relative change of an observable: {worst:.3e} ({worst_name})")
    return ok


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--tol", type=float, default=1e-6)
    a = p.parse_args(argv)
    old, new = pathlib.Path(a.old), pathlib.Path(a.new)
    if old.is_dir() != new.is_dir():
        p.error("give two files or two directories")
    pairs = [(old, new)] if not old.is_dir() else [(f, new / f.name) for f in sorted(old.glob("*.h5"))]
    ok = True
    for o, n in pairs:
        if not n.exists():
            print(f"{o.name}: no counterpart {n}")
            ok = False
            continue
        print(f"{o.name}:")
        ok = compare_file(o, n, a.tol) and ok
    print("all within tolerance, no flag changed" if ok else "DIFFERENCES (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
