#!/usr/bin/env python3
"""Time flavio on the observables of a bscan scan config and print bscan's speed-up over it.

    python3 bench/flavio_peer.py CONFIG.toml [--points N] [--seed S]
                                 [--bscan-rate R | --bscan-log FILE]

What it measures: the observables of CONFIG (its `observables`, its `presets` and, with
`[constraints] measurements = "NAME"`, the observables of the constraints in
data/measurements/NAME.toml, `only`/`skip` honoured) are mapped to flavio's (RK[a,b] ->
<Rmue>(B+->Kll), BR(B0->K*0ee)[a,b] -> <dBR/dq2>(B0->K*ee) x (b - a), P5p(...)[a,b] ->
<P5p>(B0->K*mumu), BR(Bs->mumu), ...; see FLAVIO_MAP). Ids with no flavio counterpart (widths,
on-shell and invisible rates, searches, g-2, parameters) are listed and not timed. flavio then
evaluates every mapped observable with flavio.np_prediction at N new-physics points (default 20),
each a new flavio.WilsonCoefficients in the WET basis 'flavio' at 4.8 GeV with random nonzero
C9, C10, C_S, C_P for mumu and ee, so that flavio's caches cannot reuse a result. One untimed
warm-up point first loads flavio's tables. Reported: seconds per point (median, min, max over the
points), seconds per observable, points/s and, given bscan's points/s for the same config on the
same machine (--bscan-rate, or --bscan-log with the stderr of `bscan run`, whose line
`bscan: info: N points in T s (R points/s)` is read), the ratio bscan/flavio. The last line is
machine-parsable:

    peer: flavio X points/s, bscan Y points/s, ratio Z     (Y, Z are "n/a" without a bscan rate)

Caveats: flavio evaluates constant Wilson coefficients, not bscan's q2-dependent resonance (a
resonant model needs C9(q2) inside the q2 integral, which flavio cannot take), so this is the cost
of the same observables at a new-physics point: a lower bound on what flavio would need for
bscan's resonant models (the skipped observables cost flavio nothing here, which only flatters
it). flavio runs in one Python process (one core); bscan's points/s is for the whole machine and
includes writing HDF5. `{smear}` is ignored: flavio has no resolution smearing, the bin is timed
unsmeared.

Exit status: 0 done; 1 the config or the bscan log cannot be used, or no observable has a flavio
counterpart; 2 bad arguments; 3 flavio is not importable (install it with
`pip install flavio 'particle<1'`, Python >= 3.11 for tomllib).
"""

import argparse
import math
import os
import random
import re
import statistics
import sys
import time
import tomllib
import warnings

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SCALE = 4.8  # GeV, flavio's scale for b -> s l l (as in tests/flavio/generate_reference.py)

# bscan id pieces (host/plan/observables.cpp) and the flavio modes they name
_N = r"([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
_Q = r"([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|q2)"
_S = r"(\{smear\})?"
_CHANNEL = {"B+->K+": "B+->K", "B0->K*0": "B0->K*", "RK": "B+->K", "RKstar": "B0->K*"}
_CH = r"(B\+->K\+|B0->K\*0)"
_LEP = {"ee": "ee", "mumu": "mumu"}

# (bscan grammar, builder(match) -> (flavio name, args, kwargs, factor)); first match wins
FLAVIO_MAP = [
    # binned BR: flavio has <dBR/dq2> (integral / width) only
    (rf"BR\({_CH}(ee|mumu)\)\[{_N},{_N}\]{_S}",
     lambda m: (f"<dBR/dq2>({_CHANNEL[m[1]]}{m[2]})", (float(m[3]), float(m[4])), {},
                float(m[4]) - float(m[3]))),
    (rf"dBR/dq2\({_CH}(ee|mumu)\)\[{_Q}\]",
     lambda m: (f"dBR/dq2({_CHANNEL[m[1]]}{m[2]})", (), {"q2": _q2(m[3])}, 1.0)),
    (rf"(RK|RKstar)\[{_Q}\]",
     lambda m: (f"Rmue({_CHANNEL[m[1]]}ll)", (), {"q2": _q2(m[2])}, 1.0)),
    (rf"(RK|RKstar)\[{_N},{_N}\]{_S}",
     lambda m: (f"<Rmue>({_CHANNEL[m[1]]}ll)", (float(m[2]), float(m[3])), {}, 1.0)),
    (rf"(FL|AFB|P5p)\(B0->K\*0(ee|mumu)\)\[{_N},{_N}\]{_S}",
     lambda m: (f"<{m[1]}>(B0->K*{m[2]})", (float(m[3]), float(m[4])), {}, 1.0)),
    (rf"(FL|AFB|P5p)\(B0->K\*0(ee|mumu)\)\[{_Q}\]",
     lambda m: (f"{m[1]}(B0->K*{m[2]})", (), {"q2": _q2(m[3])}, 1.0)),
    (r"BR\(Bs->(ee|mumu)\)", lambda m: (f"BR(Bs->{m[1]})", (), {}, 1.0)),
]


class NoCounterpart(Exception):
    """The id has no flavio observable at a fixed kinematic point."""


def _q2(s):
    if s == "q2":
        raise NoCounterpart("q2 from the scan's axis, no fixed q2")
    return float(s)


def flavio_call(obs_id):
    """(flavio name, args, kwargs, factor) for a bscan id; NoCounterpart if there is none."""
    for pattern, build in FLAVIO_MAP:
        m = re.fullmatch(pattern, obs_id)
        if m:
            return build(m)
    raise NoCounterpart("no flavio counterpart")


def data_file(name_or_path, folder, config_dir):
    """As bscan's data_file: a .toml path (relative to the config) or a name in data/FOLDER."""
    if name_or_path.endswith(".toml"):
        return os.path.join(config_dir, name_or_path)
    data_dir = os.environ.get("BSCAN_DATA_DIR", os.path.join(REPO_ROOT, "data"))
    return os.path.join(data_dir, folder, name_or_path + ".toml")


def read_toml(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def config_observables(path):
    """The observable ids a scan of this config computes, in order, without duplicates."""
    cfg, here = read_toml(path), os.path.dirname(os.path.abspath(path))
    ids = list(cfg.get("observables", []))
    for preset in cfg.get("presets", []):
        ids += read_toml(data_file(preset, "presets", here)).get("observables", [])
    constraints = cfg.get("constraints")
    if constraints:
        only, skip = constraints.get("only", []), constraints.get("skip", [])
        for c in read_toml(data_file(constraints["measurements"], "measurements", here)).get(
                "constraint", []):
            if (only and c.get("name") not in only) or c.get("name") in skip:
                continue
            ids += [c["observable"]] if "observable" in c else list(c.get("observables", []))
    return list(dict.fromkeys(ids))


def bscan_rate_from_log(path):
    """bscan's points/s: the last `N points in T s (R points/s)` line of a `bscan run` stderr."""
    with open(path, errors="replace") as f:
        found = re.findall(r"\d+ points in [0-9.]+ s \(([0-9.eE+-]+) points/s\)", f.read())
    if not found:
        raise ValueError(f"{path}: no 'N points in T s (R points/s)' line")
    return float(found[-1])


def random_wc(flavio, rng):
    """A fresh WilsonCoefficients with random nonzero C9, C10, C_S, C_P (mumu and ee)."""
    def nonzero(lo, hi):
        return rng.choice((-1, 1)) * rng.uniform(lo, hi)
    coeffs = {}
    for ll in ("mumu", "ee"):
        coeffs.update({f"C9_bs{ll}": nonzero(0.1, 1.0), f"C10_bs{ll}": nonzero(0.1, 1.0),
                       f"CS_bs{ll}": nonzero(0.01, 0.1), f"CP_bs{ll}": nonzero(0.01, 0.1)})
    wc = flavio.WilsonCoefficients()
    wc.set_initial(coeffs, SCALE, eft="WET", basis="flavio")
    return wc


def time_point(flavio, calls, wc):
    """Seconds per observable (same order as calls) at one point; non-finite results counted."""
    seconds, bad = [], 0
    for name, args, kwargs, factor in calls:
        t0 = time.perf_counter()
        value = flavio.np_prediction(name, wc, *args, **kwargs) * factor
        seconds.append(time.perf_counter() - t0)
        bad += not math.isfinite(value)
    return seconds, bad


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config", help="bscan scan config (TOML)")
    parser.add_argument("--points", type=int, default=20, help="new-physics points to time (20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random coefficients (1)")
    rate = parser.add_mutually_exclusive_group()
    rate.add_argument("--bscan-rate", type=float, metavar="R", help="bscan's points/s")
    rate.add_argument("--bscan-log", metavar="FILE", help="stderr of `bscan run` on the config")
    args = parser.parse_args(argv)
    if args.points < 1:
        parser.error("--points must be >= 1")

    try:
        ids = config_observables(args.config)
        bscan = args.bscan_rate if args.bscan_log is None else bscan_rate_from_log(args.bscan_log)
    except (OSError, KeyError, ValueError, tomllib.TOMLDecodeError) as e:
        print(f"flavio_peer: {e}", file=sys.stderr)
        return 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import flavio
    except ImportError as e:
        print(f"flavio_peer: flavio is not importable ({e}); install it with\n"
              "    pip install flavio 'particle<1'\nand run this script with that Python.",
              file=sys.stderr)
        return 3

    timed, skipped = [], []
    for obs_id in ids:
        try:
            call = flavio_call(obs_id)
        except NoCounterpart as e:
            skipped.append((obs_id, str(e)))
            continue
        if call[0] not in flavio.classes.Observable.instances:
            skipped.append((obs_id, f"no flavio observable {call[0]}"))
            continue
        timed.append((obs_id, call))
    if not timed:
        print(f"flavio_peer: no observable of {args.config} has a flavio counterpart",
              file=sys.stderr)
        return 1

    calls = [call for _, call in timed]
    rng = random.Random(args.seed)
    warnings.simplefilter("ignore")  # e.g. QCDF "not to be trusted above 6 GeV^2"
    t0 = time.perf_counter()
    time_point(flavio, calls, random_wc(flavio, rng))  # warm-up: flavio loads its tables
    warm_up = time.perf_counter() - t0
    per_obs, per_point, bad = [[] for _ in calls], [], 0
    for _ in range(args.points):
        seconds, b = time_point(flavio, calls, random_wc(flavio, rng))
        bad += b
        per_point.append(sum(seconds))
        for k, s in enumerate(seconds):
            per_obs[k].append(s)

    median = statistics.median(per_point)
    flavio_rate = 1.0 / median
    print(f"flavio {flavio.__version__} on {args.config}: {len(timed)} observables timed at "
          f"{args.points} new-physics points (warm-up point {warm_up:.2f} s, not counted)")
    width = max(len(i) for i, _ in timed)
    print(f"  {'bscan observable':<{width}}  {'s/point':>8}  flavio")
    for (obs_id, (name, a, kw, factor)), s in zip(timed, per_obs):
        where = f"q2={kw['q2']:g}" if kw else (f"[{a[0]:g}, {a[1]:g}]" if a else "")
        scaled = f" x {factor:g}" if factor != 1.0 else ""
        print(f"  {obs_id:<{width}}  {statistics.median(s):8.4f}  {name} {where}{scaled}".rstrip())
    for reason in dict.fromkeys(r for _, r in skipped):
        print(f"skipped ({reason}): " + ", ".join(i for i, r in skipped if r == reason))
    if bad:
        print(f"warning: {bad} non-finite flavio results")
    print(f"flavio: {median:.3g} s per point (median; min {min(per_point):.3g}, max "
          f"{max(per_point):.3g}), {median / len(timed):.3g} s per observable, "
          f"{flavio_rate:.3g} points/s")
    if bscan is None:
        print(f"peer: flavio {flavio_rate:.3g} points/s, bscan n/a points/s, ratio n/a")
    else:
        print(f"peer: flavio {flavio_rate:.3g} points/s, bscan {bscan:.3g} points/s, "
              f"ratio {bscan / flavio_rate:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
