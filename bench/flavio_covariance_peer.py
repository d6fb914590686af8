#!/usr/bin/env python3
"""Time flavio.sm_covariance on the observables of bsll-2025 against `bscan covariance`.

    /root/flavio-venv/bin/python bench/flavio_covariance_peer.py BSCAN [--samples 10 30]
                                                                [--bscan-samples 1000]

Runs `BSCAN covariance --measurements bsll-2025 --samples N` (the disk cache off, all OpenMP
threads), then flavio.sm_covariance of the same observables (tests/flavio/generate_reference.py
maps the ids) with threads=1 at each of the given sample counts. flavio's time is linear in N
(every draw evaluates every observable): the two counts give its fixed cost and its cost per draw,
and flavio's time for bscan's N is extrapolated from them (stated as such). Printed: both times
and the ratio; the last line is machine-parsable:

    peer: bscan T_b s (N draws), flavio T_f s (extrapolated to N), ratio R

Exit status: 0 done; 1 bscan failed; 2 bad arguments; 3 flavio is not importable.
"""

import argparse
import os
import subprocess
import sys
import time
import warnings

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "flavio"))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bscan", help="the bscan binary")
    parser.add_argument("--samples", type=int, nargs=2, default=[10, 30],
                        help="flavio's two sample counts (default 10 30)")
    parser.add_argument("--bscan-samples", type=int, default=1000)
    args = parser.parse_args()
    if not 0 < args.samples[0] < args.samples[1] or args.bscan_samples <= 0:
        parser.error("sample counts must be positive and the two flavio counts increasing")
    try:
        import flavio
        import generate_reference as ref
    except ImportError as e:
        print(f"flavio_covariance_peer: flavio is not importable: {e}", file=sys.stderr)
        return 3

    env = dict(os.environ, BSCAN_CACHE_DIR="")
    t = time.monotonic()
    run = subprocess.run([args.bscan, "covariance", "--measurements", "bsll-2025", "--samples",
                          str(args.bscan_samples), "--json"], env=env, stdout=subprocess.DEVNULL)
    t_bscan = time.monotonic() - t
    if run.returncode != 0:
        print(f"flavio_covariance_peer: bscan exited {run.returncode}", file=sys.stderr)
        return 1
    print(f"bscan covariance, {args.bscan_samples} draws: {t_bscan:.1f} s")

    obs = [ref.flavio_obs_of(i)[0] for i in ref.bsll_2025_ids()]
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for o in obs:  # untimed: loads flavio's tables
            flavio.sm_prediction(o) if isinstance(o, str) else flavio.sm_prediction(*o)
        for n in args.samples:
            t = time.monotonic()
            flavio.sm_covariance(obs, N=n, threads=1)
            times.append(time.monotonic() - t)
            print(f"flavio.sm_covariance, {len(obs)} observables, {n} draws: {times[-1]:.1f} s")
    per_draw = (times[1] - times[0]) / (args.samples[1] - args.samples[0])
    fixed = max(0.0, times[0] - per_draw * args.samples[0])
    t_flavio = fixed + per_draw * args.bscan_samples
    print(f"flavio: {per_draw:.2f} s per draw + {fixed:.1f} s, i.e. {t_flavio:.0f} s for "
          f"{args.bscan_samples} draws (extrapolated)")
    print(f"peer: bscan {t_bscan:.1f} s ({args.bscan_samples} draws), flavio {t_flavio:.0f} s "
          f"(extrapolated to {args.bscan_samples}), ratio {t_flavio / t_bscan:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
