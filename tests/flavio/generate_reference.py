#!/usr/bin/env python3
"""Generate flavio reference data for bscan (run from the repository root).

    pip install flavio==2.7.0 'particle<1'
    python3 tests/flavio/generate_reference.py

Writes (all committed; the C++ tests and the physics code read them offline,
flavio is never needed to build or test bscan):

  data/sm/flavio-wceff-corrections.csv  q^2-dependent corrections dC7, dC9 to the
                                        SM effective coefficients (b->s and CP-conjugate)
  data/sm/flavio-sm-constants.txt       the SM constants behind that table
  data/sm/flavio-qcdf-bvll.csv          flavio's QCDF correction to the B0 -> K*0 l l amplitudes
                                        (spectator scattering, weak annihilation, O8) as
                                        transversity-dependent shifts dC7_X(q^2), both CP modes
  tests/data/flavio_reference.json      SM and WET reference observables for B -> K l l
  tests/data/flavio_reference_bvll.json SM (with and without QCDF spectator scattering), WET and
                                        ALP reference observables for B0 -> K*0 l l and Bs -> l l
  tests/data/flavio_reference_bvll_bins.json  full-flavio SM BR, FL, AFB, P5' of B0 -> K*0 l l in
                                        every bin of bscan's presets and measurement sets
  tests/data/flavio_reference_vector_q2.json  paper 001's light vector at fixed q2: flavio with the
                                        constant (complex) C9, C10, C_P, C_P' the vector gives there
  data/parameters/flavio-2.7-nuisances.toml  the uncertainties and correlations of flavio's default
                                        parameters that bscan samples for its theory covariance
  data/measurements/bsll-2025.toml      the measurement set of today's b -> s mu mu data, its numbers
                                        as flavio 2.7's measurements.yml holds them
  tests/data/flavio_fastlikelihood.json flavio's FastLikelihood of bsll-2025's b -> s mu mu entries:
                                        Delta chi2 against the SM at WET points
  tests/data/flavio_sm_covariance.json  flavio.sm_covariance of the observables bscan's theory
                                        covariance is checked on: all parameters varied, and only
                                        those bscan samples

See tests/flavio/README.md for the exact content of each file.
The physics conventions are flavio's (WET flavio basis at mu = 4.8 GeV; docs/physics.md).
"""

import argparse
import datetime
import json
import math
import os
import platform
import sys
import time
import warnings

import flavio
from flavio.physics import ckm
from flavio.classes import Implementation
from flavio.physics.bdecays import bll, matrixelements
from flavio.physics.bdecays.wilsoncoefficients import get_wceff, wcsm_nf5, wctot_dict
from flavio.physics.common import conjugate_par, conjugate_wc
from flavio.physics.running import running

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WCEFF_CSV = os.path.join(REPO_ROOT, "data", "sm", "flavio-wceff-corrections.csv")
SM_CONSTANTS = os.path.join(REPO_ROOT, "data", "sm", "flavio-sm-constants.txt")
REFERENCE_JSON = os.path.join(REPO_ROOT, "tests", "data", "flavio_reference.json")
REFERENCE_BVLL_JSON = os.path.join(REPO_ROOT, "tests", "data", "flavio_reference_bvll.json")
QCDF_CSV = os.path.join(REPO_ROOT, "data", "sm", "flavio-qcdf-bvll.csv")
BVLL_BINS_JSON = os.path.join(REPO_ROOT, "tests", "data", "flavio_reference_bvll_bins.json")
VECTOR_Q2_JSON = os.path.join(REPO_ROOT, "tests", "data", "flavio_reference_vector_q2.json")
NUISANCES_TOML = os.path.join(REPO_ROOT, "data", "parameters", "flavio-2.7-nuisances.toml")
SM_COVARIANCE_JSON = os.path.join(REPO_ROOT, "tests", "data", "flavio_sm_covariance.json")
SM_COVARIANCE_BSLL2025_JSON = os.path.join(REPO_ROOT, "tests", "data", "flavio_sm_covariance_bsll2025.json")
BSLL_2025_TOML = os.path.join(REPO_ROOT, "data", "measurements", "bsll-2025.toml")
FAST_LIKELIHOOD_JSON = os.path.join(REPO_ROOT, "tests", "data", "flavio_fastlikelihood.json")

SCALE = 4.8  # GeV; flavio's renormalisation scale for B -> P l l (config 'bpll')
B, P, LEP = "B+", "K+", "mu"  # the corrections are lepton universal in the SM
SECTOR = "bsmumu"
QIQJ = "bs"

# Index of C7eff in flavio's SM table wc_sm_dB1_2_55.npy
# [C1..C6, C7eff, C8eff, C9, C10, C3Q..C6Q, Cb].
_IDX_C7EFF, _IDX_C9, _IDX_C10 = 6, 8, 9

# Check values from an earlier flavio 2.7.0 run of get_wceff (q^2 = 4 GeV^2, rounded to 5 decimals)
SPEC_Q2 = 4.0
SPEC_C7EFF = complex(-0.37312, -0.01438)
SPEC_C9EFF = complex(4.37914, 0.08871)
SPEC_C7EFF_BAR = complex(-0.37021, -0.02104)
SPEC_C9EFF_BAR = complex(4.36506, 0.08930)
SPEC_TOL = 6e-6


def flavio_version():
    return flavio.__version__


def central_parameters():
    """flavio's default parameter set, central values (a plain dict)."""
    return flavio.default_parameters.get_central_all()


MC_BVGAMMA_SIGMA = 0.2  # GeV, flavio 2.7 parameters_uncorrelated.yml 'm_c BVgamma'


def q2_grid():
    """q^2 nodes of the correction table [GeV^2]."""
    nodes = [1e-6, 1e-5, 1e-4, 1e-3, 0.005, 0.01, 0.02, 0.03, 0.04]
    # 0.05 ... 23.0 in steps of 0.05; built from integers so every node is the
    # double nearest to k/20 (no accumulated rounding).
    nodes += [k / 20 for k in range(1, 461)]
    return nodes


def sm_wc_dicts(par):
    """flavio's total SM Wilson-coefficient dicts at SCALE for the b->s mode and
    for the CP-conjugate mode, exactly as bpll.helicity_amps_ff builds them."""
    wc_obj = flavio.WilsonCoefficients()  # no new physics
    wc = wctot_dict(wc_obj, SECTOR, SCALE, par)
    par_bar = conjugate_par(par)
    wc_bar = conjugate_wc(wctot_dict(wc_obj, SECTOR, SCALE, par_bar))
    return (wc, par), (wc_bar, par_bar)


def sm_subtraction_constants():
    """C7eff and C9 of flavio's SM table at SCALE (the constants subtracted)."""
    table = wcsm_nf5(SCALE)
    return float(table[_IDX_C7EFF]), float(table[_IDX_C9])


# ---------------------------------------------------------------------------
# Output 1a: correction table
# ---------------------------------------------------------------------------

def wceff_corrections(q2, wc, par, c7_sm, c9_sm):
    """(dC7, dC9) at q2 for one CP mode: flavio's get_wceff totals minus the
    constant C7eff_SM and minus C9_SM + Y(q2)."""
    ceff = get_wceff(q2, wc, par, B, P, LEP, SCALE)
    y = matrixelements.Y(q2, wc, par, SCALE, QIQJ)
    return complex(ceff["7"]) - c7_sm, complex(ceff["v"]) - (c9_sm + complex(y))


def check_spec_values(par, c7_sm, c9_sm):
    """Assert flavio's totals at q^2 = 4 against the stored check values."""
    (wc, p), (wc_bar, p_bar) = sm_wc_dicts(par)
    for label, w, pp, c7_ref, c9_ref in (
            ("b->s", wc, p, SPEC_C7EFF, SPEC_C9EFF),
            ("CP-conjugate", wc_bar, p_bar, SPEC_C7EFF_BAR, SPEC_C9EFF_BAR)):
        ceff = get_wceff(SPEC_Q2, w, pp, B, P, LEP, SCALE)
        assert abs(ceff["7"] - c7_ref) < SPEC_TOL, (label, "C7eff", ceff["7"], c7_ref)
        assert abs(ceff["v"] - c9_ref) < SPEC_TOL, (label, "C9eff", ceff["v"], c9_ref)
        # and the decomposition used for the table reproduces the totals
        d7, d9 = wceff_corrections(SPEC_Q2, w, pp, c7_sm, c9_sm)
        y = complex(matrixelements.Y(SPEC_Q2, w, pp, SCALE, QIQJ))
        assert abs(c7_sm + d7 - ceff["7"]) < 1e-14
        assert abs(c9_sm + y + d9 - ceff["v"]) < 1e-14


def write_wceff_corrections(path=WCEFF_CSV):
    par = central_parameters()
    c7_sm, c9_sm = sm_subtraction_constants()
    (wc, p), (wc_bar, p_bar) = sm_wc_dicts(par)
    # flavio's wctot_dict re-derives C7eff from the table via C7 and C3..C6;
    # it must agree with the tabulated value to rounding.
    assert abs(wc["C7eff_bs"] - c7_sm) < 1e-14, (wc["C7eff_bs"], c7_sm)
    assert wc["C9_bsmumu"] == c9_sm
    check_spec_values(par, c7_sm, c9_sm)

    # dC7 depends on flavio's 'm_c BVgamma' (delta_C7's m_c): its secant slope over +-1 sigma, so
    # that bscan can vary it as a nuisance parameter (linear in m_c over the draws that matter).
    h = MC_BVGAMMA_SIGMA
    shifted = [(dict(p, **{"m_c BVgamma": p["m_c BVgamma"] + s}),
                dict(p_bar, **{"m_c BVgamma": p_bar["m_c BVgamma"] + s})) for s in (h, -h)]
    rows, failures = [], []
    for q2 in q2_grid():
        try:
            d7, d9 = wceff_corrections(q2, wc, p, c7_sm, c9_sm)
            d7b, d9b = wceff_corrections(q2, wc_bar, p_bar, c7_sm, c9_sm)
            (up, _), (upb, _) = [wceff_corrections(q2, w, pp, c7_sm, c9_sm)
                                 for w, pp in ((wc, shifted[0][0]), (wc_bar, shifted[0][1]))]
            (dn, _), (dnb, _) = [wceff_corrections(q2, w, pp, c7_sm, c9_sm)
                                 for w, pp in ((wc, shifted[1][0]), (wc_bar, shifted[1][1]))]
        except Exception as exc:  # report, do not hide
            failures.append((q2, repr(exc)))
            continue
        slope, slope_bar = (up - dn) / (2 * h), (upb - dnb) / (2 * h)
        values = (q2, d7.real, d7.imag, d9.real, d9.imag, d7b.real, d7b.imag, d9b.real, d9b.imag,
                  slope.real, slope.imag, slope_bar.real, slope_bar.imag)
        if not all(math.isfinite(v) for v in values):
            failures.append((q2, "non-finite value"))
            continue
        rows.append(values)

    header = [
        "flavio q^2-dependent corrections to the SM effective coefficients for b -> s l l",
        f"source: flavio {flavio_version()}, flavio.physics.bdecays.wilsoncoefficients.get_wceff"
        f"(q2, wc, par, '{B}', '{P}', '{LEP}', scale={SCALE}), keys '7' (C7eff) and 'v' (C9eff)",
        f"wc = wctot_dict(WilsonCoefficients(), '{SECTOR}', {SCALE}, par) (SM only), par = flavio default central values",
        "CP-conjugate mode (columns *bar): par -> conjugate_par(par), wc -> conjugate_wc(wc), as in bpll.helicity_amps_bar",
        f"scale mu = {SCALE} GeV; lepton universal (computed for {B}->{P} mu mu)",
        f"dC7 = C7eff_total(q2) - C7eff_SM, C7eff_SM = {c7_sm!r} (flavio SM table wc_sm_dB1_2_55.npy at mu = {SCALE})",
        f"dC9 = C9eff_total(q2) - [C9_SM + Y(q2)], C9_SM = {c9_sm!r} (same table),",
        f"      Y = flavio.physics.bdecays.matrixelements.Y(q2, wc, par, {SCALE}, 'bs') (top-sector c/b/light loops, pole masses)",
        "dC7 = delta_C7 (GPS/Asatrian/Seidel two-loop); dC9 = (xi_u/xi_t) Y_u + delta_C9",
        f"ddC7/dmc: (dC7(m_c + s) - dC7(m_c - s)) / (2 s) in GeV^-1, m_c = flavio's 'm_c BVgamma' = {p['m_c BVgamma']!r} GeV "
        f"(the m_c of delta_C7 only), s = {MC_BVGAMMA_SIGMA!r} GeV (its standard deviation)",
        "C7'eff = C7p_SM (constant, no correction), C10 unchanged: see data/sm/flavio-sm-constants.txt",
        "generated by tests/flavio/generate_reference.py; units GeV^2 for q2, coefficients dimensionless",
    ]
    if failures:
        header.append("flavio FAILED at: " + "; ".join(f"q2={q!r}: {e}" for q, e in failures))
    columns = ("q2,re_dC7,im_dC7,re_dC9,im_dC9,re_dC7bar,im_dC7bar,re_dC9bar,im_dC9bar,"
               "re_ddC7_dmc,im_ddC7_dmc,re_ddC7bar_dmc,im_ddC7bar_dmc")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="\n") as f:
        for line in header:
            f.write("# " + line + "\n")
        f.write(columns + "\n")
        for row in rows:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    return rows, failures


# ---------------------------------------------------------------------------
# Output 1b: SM constants
# ---------------------------------------------------------------------------

def write_sm_constants(path=SM_CONSTANTS):
    par = central_parameters()
    (wc, _), _ = sm_wc_dicts(par)
    c7_sm, c9_sm = sm_subtraction_constants()
    table = wcsm_nf5(SCALE)
    xi_t = complex(ckm.xi("t", QIQJ)(par))
    xi_u = complex(ckm.xi("u", QIQJ)(par))
    ratio = xi_u / xi_t
    C = {i: wc[f"C{i}_bs"] for i in range(1, 7)}
    # the four-quark combinations of Y (flavio matrixelements.Y)
    F_c = 4 / 3 * C[1] + C[2] + 6 * C[3] + 60 * C[5]
    F_b = 7 * C[3] + 4 / 3 * C[4] + 76 * C[5] + 64 / 3 * C[6]
    F_u = C[3] + 4 / 3 * C[4] + 16 * C[5] + 64 / 3 * C[6]
    F_4 = 4 / 3 * C[3] + 64 / 9 * C[5] + 64 / 27 * C[6]
    src_wc = f"wctot_dict(SM, '{SECTOR}', {SCALE}, par)"
    entries = [
        ("scale", SCALE, "GeV, renormalisation scale (flavio config 'bpll')"),
        ("C7eff", c7_sm, f"flavio SM table wc_sm_dB1_2_55.npy at mu={SCALE} (= {src_wc}['C7eff_bs'] = {float(wc['C7eff_bs'])!r})"),
        ("C7peff", wc["C7effp_bs"], f"{src_wc}['C7effp_bs'] = (m_s/m_b)(mu) * C7 (non-effective)"),
        ("C7", wc["C7_bs"], f"{src_wc}['C7_bs'], non-effective"),
        ("C8eff", wc["C8eff_bs"], f"{src_wc}['C8eff_bs']"),
        ("C9", c9_sm, "flavio SM table (lepton universal)"),
        ("C10_table", float(table[_IDX_C10]), "flavio SM table, before the m_t rescaling"),
        ("C10", wc["C10_bsmumu"], f"{src_wc}['C10_bsmumu'] = C10_table * (m_t/173.1)^1.53"),
    ]
    entries += [(f"C{i}", C[i], f"{src_wc}['C{i}_bs']") for i in range(1, 7)]
    entries += [
        ("m_t", par["m_t"], "GeV, flavio parameter m_t (used in the C10 rescaling)"),
        ("mb_MSbar_4p8", running.get_mb(par, SCALE), f"GeV, running.get_mb(par, {SCALE})"),
        ("ms_MSbar_4p8", running.get_ms(par, SCALE), f"GeV, running.get_ms(par, {SCALE})"),
        ("alpha_e_4p8", running.get_alpha(par, SCALE)["alpha_e"], f"running.get_alpha(par, {SCALE})['alpha_e']"),
        ("alpha_s_4p8", running.get_alpha(par, SCALE)["alpha_s"], f"running.get_alpha(par, {SCALE})['alpha_s']"),
        ("xi_t_re", xi_t.real, "ckm.xi('t', 'bs')(par) = V_tb V_ts^*"),
        ("xi_t_im", xi_t.imag, "ckm.xi('t', 'bs')(par)"),
        ("xi_u_over_xi_t_re", ratio.real, "ckm.xi('u', 'bs')(par) / ckm.xi('t', 'bs')(par)"),
        ("xi_u_over_xi_t_im", ratio.imag, "ckm.xi('u', 'bs')(par) / ckm.xi('t', 'bs')(par)"),
        ("mc_pole", running.get_mc_pole(par), "GeV, running.get_mc_pole(par) (2-loop), used in Y and Y_u"),
        ("mb_pole", running.get_mb_pole(par), "GeV, running.get_mb_pole(par) (2-loop), used in Y, delta_C7, delta_C9"),
        ("mc_BVgamma", par["m_c BVgamma"], "GeV, flavio parameter 'm_c BVgamma', the m_c inside delta_C7"),
        ("F_c", F_c, "4/3 C1 + C2 + 6 C3 + 60 C5"),
        ("F_b", F_b, "7 C3 + 4/3 C4 + 76 C5 + 64/3 C6"),
        ("F_u", F_u, "C3 + 4/3 C4 + 16 C5 + 64/3 C6"),
        ("F_4", F_4, "4/3 C3 + 64/9 C5 + 64/27 C6"),
    ]
    # cross-check the F combinations against flavio's own Y at one point
    h = matrixelements.h
    mc, mb = running.get_mc_pole(par), running.get_mb_pole(par)
    y4 = h(4.0, mc, SCALE) * F_c - 0.5 * h(4.0, mb, SCALE) * F_b - 0.5 * h(4.0, 0.0, SCALE) * F_u + F_4
    assert abs(y4 - matrixelements.Y(4.0, wc, par, SCALE, QIQJ)) < 1e-14

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="\n") as f:
        f.write(f"# flavio {flavio_version()} SM constants for b -> s l l at mu = {SCALE} GeV "
                "(default parameters, central values)\n")
        f.write("# generated by tests/flavio/generate_reference.py; format: name = value  # source\n")
        for name, value, source in entries:
            f.write(f"{name} = {float(value)!r}  # {source}\n")
    return entries


# ---------------------------------------------------------------------------
# Output 2: reference observables
# ---------------------------------------------------------------------------

BINS = [(1.1, 6.0), (0.1, 0.98), (15.0, 22.0), (1.0, 6.0)]
Q2_POINTS = [k / 2 for k in range(1, 13)] + [15.0, 16.0, 18.0, 20.0, 22.0]
WET_BINS = [(1.1, 6.0), (15.0, 22.0)]
WET_Q2 = [2.0, 16.0]


def bin_key(name, a, b):
    return f"{name}[{float(a)!r},{float(b)!r}]"


def q2_key(name, q2):
    return f"{name}[{float(q2)!r}]"


def make_wc(coeffs):
    """flavio WilsonCoefficients for WET coefficients in the flavio basis at 4.8 GeV."""
    wc = flavio.WilsonCoefficients()
    wc.set_initial(coeffs, SCALE, eft="WET", basis="flavio")
    return wc


def binned_br(wc_obj, mode, a, b):
    """Partial BR over [a, b]: flavio has no binned 'BR(B+->Kll)' observable, so
    this is flavio's '<dBR/dq2>(mode)' (integral / bin width) times the width."""
    return flavio.np_prediction(f"<dBR/dq2>({mode})", wc_obj, a, b) * (b - a)


def sm_observables():
    wc_sm = flavio.WilsonCoefficients()
    obs = {}
    for mode in ("B+->Kmumu", "B+->Kee"):
        for a, b in BINS:
            obs[bin_key(f"BR({mode})", a, b)] = binned_br(wc_sm, mode, a, b)
    for a, b in BINS:
        obs[bin_key("<dBR/dq2>(B+->Kmumu)", a, b)] = flavio.sm_prediction("<dBR/dq2>(B+->Kmumu)", a, b)
    for mode in ("B+->Kmumu", "B+->Kee"):
        for q2 in Q2_POINTS:
            obs[q2_key(f"dBR/dq2({mode})", q2)] = flavio.sm_prediction(f"dBR/dq2({mode})", q2=q2)
    obs[bin_key("BR(B0->Kmumu)", 1.1, 6.0)] = binned_br(wc_sm, "B0->Kmumu", 1.1, 6.0)
    obs[bin_key("<Rmue>(B+->Kll)", 1.1, 6.0)] = flavio.sm_prediction("<Rmue>(B+->Kll)", 1.1, 6.0)
    # check values of an earlier flavio 2.7.0 run
    assert abs(obs[q2_key("dBR/dq2(B+->Kmumu)", 4.0)] / 3.51143e-8 - 1) < 2e-5
    assert abs(obs[bin_key("<dBR/dq2>(B+->Kmumu)", 1.1, 6.0)] / 3.5126e-8 - 1) < 5e-5
    return obs


def wet_points():
    """List of (lepton, {flavio WC name: value}) NP points."""
    points = []
    for lep in ("mu", "e"):
        ll = lep + lep
        for name in ("CS", "CP", "CSp", "CPp", "C9", "C10", "C9p", "C10p"):
            v = 0.5 if name[1] in "SP" else 1.0  # C_S,P in GeV^-1
            for value in (-v, v, 1j * v):
                points.append((lep, {f"{name}_bs{ll}": value}))
        mixed = [
            {"CP": 0.3, "CS": -0.2, "C10": 0.5},
            {"C9": -1.0 + 0.5j, "C10": 0.3j},
            {"CSp": 0.2j, "CPp": -0.3 + 0.1j, "C9p": 0.4, "C10p": -0.2},
            {"C9": -0.8, "C9p": 0.3, "C10": 0.4 - 0.2j, "CP": 0.1j, "CS": 0.15},
        ]
        for m in mixed:
            points.append((lep, {f"{k}_bs{ll}": v for k, v in m.items()}))
    return points


def json_value(v):
    """Real -> float, complex with non-zero imaginary part -> [re, im]."""
    v = complex(v)
    return float(v.real) if v.imag == 0 else [float(v.real), float(v.imag)]


def wet_observables():
    out = []
    with warnings.catch_warnings():
        # WCs are given at the B-physics scale; no running warnings are expected,
        # but keep flavio's informational warnings out of the log
        warnings.simplefilter("ignore")
        for lep, coeffs in wet_points():
            wc = make_wc(coeffs)
            mode = f"B+->K{lep}{lep}"
            obs = {}
            for a, b in WET_BINS:
                obs[bin_key(f"BR({mode})", a, b)] = binned_br(wc, mode, a, b)
            for q2 in WET_Q2:
                obs[q2_key(f"dBR/dq2({mode})", q2)] = flavio.np_prediction(f"dBR/dq2({mode})", wc, q2=q2)
            out.append({"lepton": lep,
                        "wc": {k: json_value(v) for k, v in coeffs.items()},
                        "obs": obs})
    return out


def time_binned_br(n=20):
    """Mean wall time of one flavio binned B+->K mu mu BR prediction at an NP point."""
    wcs = [make_wc({"C9_bsmumu": -1.0 + 0.05 * k, "C10_bsmumu": 0.02 * k}) for k in range(n)]
    flavio.np_prediction("<dBR/dq2>(B+->Kmumu)", make_wc({"C9_bsmumu": 0.123}), 1.1, 6.0)  # warm-up
    t0 = time.perf_counter()
    for wc in wcs:
        flavio.np_prediction("<dBR/dq2>(B+->Kmumu)", wc, 1.1, 6.0)
    return (time.perf_counter() - t0) / n


def machine_description():
    nproc = os.cpu_count()
    try:
        nproc = len(os.sched_getaffinity(0))  # what `nproc` prints
    except AttributeError:
        pass
    return f"{platform.machine()} nproc={nproc}"


def write_reference_json(path=REFERENCE_JSON):
    data = {
        "flavio_version": flavio_version(),
        "generated": datetime.date.today().isoformat(),
        "conventions": (
            "flavio WET basis at mu = 4.8 GeV (C_S,P in GeV^-1); wc values real or [re, im]. "
            "BR(mode)[a,b] = flavio '<dBR/dq2>(mode)'(a,b) * (b - a) (flavio has no binned BR "
            "observable for B->Kll; its bin integral is scipy quad with epsrel = 0.005, in the SM "
            "within 3e-6 relative of a converged integral). "
            "dBR/dq2 in GeV^-2, CP-averaged. Default parameters, central values."),
        "sm": sm_observables(),
        "wet": wet_observables(),
        "timing": {
            "seconds_per_binned_BR": time_binned_br(),
            "call": "flavio.np_prediction('<dBR/dq2>(B+->Kmumu)', wc, 1.1, 6.0), 20 distinct WC objects",
            "machine": machine_description(),
        },
    }
    dump_json(path, data)
    return data


# ---------------------------------------------------------------------------
# Output 3: reference observables for B0 -> K*0 l l and Bs -> l l
# ---------------------------------------------------------------------------

KSTAR = "B0->K*"  # flavio's name stem of the B0 -> K*0 l l observables ('<dBR/dq2>(B0->K*mumu)')
KSTAR_BINS = {  # BR bins per lepton [GeV^2]
    "mu": [(0.045, 1.1), (1.1, 6.0), (15.0, 19.0), (0.1, 0.98)],
    "e": [(0.0004, 0.05), (0.05, 0.15), (0.1, 0.98), (0.045, 1.1), (1.1, 6.0), (15.0, 19.0)],
}
KSTAR_Q2 = [0.1, 0.5, 1.0, 2.0, 4.0, 6.0, 15.0, 16.0, 18.0, 19.0]
KSTAR_ANGULAR = ("FL", "AFB", "P5p")
KSTAR_ANGULAR_BINS = [(1.1, 6.0), (0.045, 1.1), (15.0, 19.0)]  # muons
KSTAR_ANGULAR_Q2 = [2.0, 4.0, 16.0]
KSTAR_RMUE_BINS = [(0.045, 1.1), (1.1, 6.0)]
KSTAR_WET_BINS = [(0.045, 1.1), (1.1, 6.0), (15.0, 19.0)]
KSTAR_WET_Q2 = [2.0, 16.0]
KSTAR_WET_ANGULAR_BIN = (1.1, 6.0)
ALP_CPM = (-1.0, 0.0, 1.0)  # C_P- values of the ALP fit (paper 000, arXiv:2209.11247)

# flavio's QCDF spectator-scattering correction to the B0 -> K*0 l l helicity amplitudes
# (flavio.physics.bdecays.bvll.amplitudes.get_ss, an AuxiliaryQuantity whose implementation
# is chosen by flavio.config['implementation']); the no-QCDF variant swaps in a zero one.
SS_QUANTITY = "B0->K*0ll spectator scattering"
SS_NONE = "B0->K*0ll no spectator scattering (bscan reference)"

# Check values of an earlier flavio 2.7.0 run (full and without QCDF at q^2 = 4, binned SM)
# and its fit of the ALP coefficients (SPEC_ALP_TABLE).
SPEC_KSTAR = [  # (variant, key, value, relative tolerance)
    ("sm", "dBR/dq2(B0->K*mumu)[4.0]", 4.5943e-8, 2e-5),
    ("sm", "FL(B0->K*mumu)[4.0]", 0.76752, 2e-5),
    ("sm", "P5p(B0->K*mumu)[4.0]", -0.66573, 2e-5),
    ("sm", "BR(B0->K*0mumu)[1.1,6.0]", 4.6836e-8 * 4.9, 2e-5),
    ("sm", "BR(B0->K*0mumu)[15.0,19.0]", 5.8474e-8 * 4.0, 2e-5),
    ("sm", "<P5p>(B0->K*mumu)[1.1,6.0]", -0.4457, 2e-4),
    ("sm", "<P5p>(B0->K*mumu)[15.0,19.0]", -0.5950, 2e-4),
    ("sm", "BR(B0->K*0mumu)[0.045,1.1]", 1.188e-7, 1e-3),
    ("sm", "BR(B0->K*0ee)[0.045,1.1]", 1.285e-7, 1e-3),
    ("sm", "BR(B0->K*0ee)[1.1,6.0]", 2.303e-7, 1e-3),
    ("sm", "BR(Bs->mumu)", 3.629e-9, 1e-3),
    ("sm", "BR(Bs->ee)", 8.495e-14, 1e-3),
    ("sm_no_qcdf", "dBR/dq2(B0->K*mumu)[4.0]", 4.6471e-8, 2e-5),
    ("sm_no_qcdf", "P5p(B0->K*mumu)[4.0]", -0.6818, 2e-4),
]

# Paper 000 (P1, arXiv:2209.11247) and flavio 2.7 fits: BR = 10^-k (a + b C + c C^2), C = C_P-^l
# key: (10^-k, P1 (a, b, c) with its equation, flavio 2.7 (a, b, c))
SPEC_ALP_TABLE = {
    "BR(B0->K*0mumu)[1.1,6.0]": (1e-7, (1.9, -7.4e-2, 7.5e-2), "3.34", (2.295, -7.33e-2, 7.19e-2)),
    "BR(B0->K*0ee)[1.1,6.0]": (1e-7, (1.9, -3.6e-4, 7.5e-2), "3.34", (2.303, -3.57e-4, 7.23e-2)),
    "BR(B0->K*0mumu)[0.045,1.1]": (1e-7, (1.2, -9.3e-3, 1.5e-3), "3.35", (1.188, -1.50e-2, 2.48e-3)),
    "BR(B0->K*0ee)[0.045,1.1]": (1e-7, (1.3, -4.8e-5, 1.6e-3), "3.35", (1.285, -7.9e-5, 2.58e-3)),
    "BR(Bs->mumu)": (1e-9, (3.67, -1.15e2, 9.04e2), "3.40", (3.629, -1.139e2, 8.93e2)),
    "BR(Bs->ee)": (1e-14, (8.58, -5.57e4, 9.05e7), "3.40", (8.495, -5.51e4, 8.94e7)),
}


def kstar_mode(lep):
    """flavio's mode string of B0 -> K*0 l l observables, e.g. 'B0->K*mumu'."""
    return f"{KSTAR}{lep}{lep}"


def kstar_br_key(lep, a, b):
    """Key of the partial BR of B0 -> K*0 l l over [a, b] (not a flavio observable name)."""
    return bin_key(f"BR(B0->K*0{lep}{lep})", a, b)


def binned_br_kstar(wc_obj, lep, a, b):
    """Partial BR of B0 -> K*0 l l over [a, b] = flavio '<dBR/dq2>(B0->K*ll)'(a, b) * (b - a)."""
    return flavio.np_prediction(f"<dBR/dq2>({kstar_mode(lep)})", wc_obj, a, b) * (b - a)


def bsll_prompt(wc_obj, lep):
    """Instantaneous (t = 0, 'prompt') BR(Bs -> l l): flavio's bll.br_inst, which flavio
    exposes as an observable only for B0 -> l l. BR(Bs->ll) is br_inst * (1 + A_DG y_s)/(1 - y_s^2)."""
    return bll.bqll_obs(bll.br_inst, wc_obj, central_parameters(), "Bs", lep, lep)


class no_spectator_scattering:
    """Context manager: flavio with the QCDF spectator-scattering correction of
    B0 -> K*0 l l switched off (a zero implementation of that auxiliary quantity;
    the other auxiliary quantities, e.g. the subleading corrections, are untouched
    and vanish at the central parameters)."""

    def __enter__(self):
        Implementation(name=SS_NONE, quantity=SS_QUANTITY,
                       function=lambda wc_obj, par_dict, q2, cp_conjugate:
                       {("0", "V"): 0, ("pl", "V"): 0, ("mi", "V"): 0})
        self.saved = flavio.config["implementation"][SS_QUANTITY]
        flavio.config["implementation"][SS_QUANTITY] = SS_NONE
        return self

    def __exit__(self, *exc):
        flavio.config["implementation"][SS_QUANTITY] = self.saved
        del Implementation[SS_NONE]
        return False


def kstar_sm_observables(wc_obj):
    """The B0 -> K*0 l l observables of the 'sm' block (and of 'sm_no_qcdf')."""
    obs = {}
    for lep in ("mu", "e"):
        for a, b in KSTAR_BINS[lep]:
            obs[kstar_br_key(lep, a, b)] = binned_br_kstar(wc_obj, lep, a, b)
    for lep in ("mu", "e"):
        for q2 in KSTAR_Q2:
            name = f"dBR/dq2({kstar_mode(lep)})"
            obs[q2_key(name, q2)] = flavio.np_prediction(name, wc_obj, q2=q2)
    for o in KSTAR_ANGULAR:
        for a, b in KSTAR_ANGULAR_BINS:
            name = f"<{o}>({kstar_mode('mu')})"
            obs[bin_key(name, a, b)] = flavio.np_prediction(name, wc_obj, a, b)
        for q2 in KSTAR_ANGULAR_Q2:
            name = f"{o}({kstar_mode('mu')})"
            obs[q2_key(name, q2)] = flavio.np_prediction(name, wc_obj, q2=q2)
    for a, b in KSTAR_RMUE_BINS:
        name = f"<Rmue>({KSTAR}ll)"
        obs[bin_key(name, a, b)] = flavio.np_prediction(name, wc_obj, a, b)
    return obs


def bsll_observables(wc_obj, leptons=("mu", "e"), adg=False):
    obs = {}
    for lep in leptons:
        obs[f"BR(Bs->{lep}{lep})"] = flavio.np_prediction(f"BR(Bs->{lep}{lep})", wc_obj)
        obs[f"BR_inst(Bs->{lep}{lep})"] = bsll_prompt(wc_obj, lep)
        if adg:
            obs[f"ADeltaGamma(Bs->{lep}{lep})"] = flavio.np_prediction(f"ADeltaGamma(Bs->{lep}{lep})", wc_obj)
    return obs


def check_kstar_spec(blocks):
    for variant, key, ref, tol in SPEC_KSTAR:
        value = blocks[variant][key]
        assert abs(value / ref - 1) < tol, (variant, key, value, ref)


def bvll_sm_observables():
    """('sm', 'sm_no_qcdf') blocks: flavio SM, and flavio SM without QCDF spectator scattering."""
    with warnings.catch_warnings():
        # flavio warns that its QCDF correction is not to be trusted above 6 GeV^2
        warnings.simplefilter("ignore")
        wc_sm = flavio.WilsonCoefficients()
        sm = kstar_sm_observables(wc_sm)
        sm.update(bsll_observables(wc_sm, adg=True))
        with no_spectator_scattering():
            no_qcdf = kstar_sm_observables(wc_sm)
    # the switch must be back: the default reproduces the first pass
    assert flavio.sm_prediction("dBR/dq2(B0->K*mumu)", q2=4.0) == sm["dBR/dq2(B0->K*mumu)[4.0]"]
    check_kstar_spec({"sm": sm, "sm_no_qcdf": no_qcdf})
    return sm, no_qcdf


def wc_name(name, ll):
    """flavio-basis WC name: C7, C7p are lepton universal ('C7_bs'), the rest carry 'bs' + ll."""
    return f"{name}_bs" if name in ("C7", "C7p") else f"{name}_bs{ll}"


def bvll_wet_points():
    """List of (lepton, {flavio WC name: value}) NP points for B0 -> K*0 l l and Bs -> l l."""
    points = []
    for lep in ("mu", "e"):
        ll = lep + lep
        for name in ("CP", "CPp", "CS", "CSp", "C10", "C10p", "C9", "C9p", "C7", "C7p"):
            # C_S,P in GeV^-1
            v = 0.5 if name[1] in "SP" else 0.1 if name.startswith("C7") else 1.0
            for value in (-v, v):
                points.append((lep, {wc_name(name, ll): value}))
        mixed = [
            {"CP": 0.3, "CPp": -0.2, "CS": -0.1, "C10": 0.5},
            {"C9": -1.0 + 0.5j, "C10": 0.3j, "C7": 0.05 - 0.02j},
            {"CSp": 0.2j, "CPp": -0.3 + 0.1j, "C9p": 0.4, "C10p": -0.2, "C7p": 0.03j},
            {"C9": -0.8, "C9p": 0.3, "C10": 0.4 - 0.2j, "CP": 0.1j, "CS": 0.15, "CSp": -0.1, "C7": -0.04},
        ]
        for m in mixed:
            points.append((lep, {wc_name(k, ll): v for k, v in m.items()}))
    return points


def bvll_wet_observables():
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lep, coeffs in bvll_wet_points():
            wc = make_wc(coeffs)
            obs = {}
            for a, b in KSTAR_WET_BINS:
                obs[kstar_br_key(lep, a, b)] = binned_br_kstar(wc, lep, a, b)
            for q2 in KSTAR_WET_Q2:
                name = f"dBR/dq2({kstar_mode(lep)})"
                obs[q2_key(name, q2)] = flavio.np_prediction(name, wc, q2=q2)
            if lep == "mu":
                a, b = KSTAR_WET_ANGULAR_BIN
                for o in ("P5p", "FL"):
                    name = f"<{o}>({kstar_mode(lep)})"
                    obs[bin_key(name, a, b)] = flavio.np_prediction(name, wc, a, b)
            obs.update(bsll_observables(wc, leptons=(lep,)))
            out.append({"lepton": lep,
                        "wc": {k: json_value(v) for k, v in coeffs.items()},
                        "obs": obs})
    return out


def quadratic_fit(values):
    """(a, b, c) of y = a + b C + c C^2 through C = -1, 0, 1 (values in that order)."""
    ym, y0, yp = values
    return y0, (yp - ym) / 2, (yp + ym) / 2 - y0


def bvll_alp_points():
    """Paper 000's ALP fits (arXiv:2209.11247): C_P+ = 0, C_P- = -1, 0, 1, mapped onto flavio's
    basis as CP = (C_P+ + C_P-)/m_b(4.8), CPp = (C_P+ - C_P-)/m_b(4.8) [GeV^-1]."""
    mb = running.get_mb(central_parameters(), SCALE)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lep in ("mu", "e"):
            ll = lep + lep
            for cpm in ALP_CPM:
                cpp = 0.0
                coeffs = {f"CP_bs{ll}": (cpp + cpm) / mb, f"CPp_bs{ll}": (cpp - cpm) / mb}
                wc = make_wc(coeffs)
                obs = {kstar_br_key(lep, a, b): binned_br_kstar(wc, lep, a, b)
                       for a, b in ((1.1, 6.0), (0.045, 1.1))}
                obs[f"BR(Bs->{ll})"] = flavio.np_prediction(f"BR(Bs->{ll})", wc)
                out.append({"lepton": lep, "C_Pplus": cpp, "C_Pminus": cpm,
                            "wc": {k: json_value(v) for k, v in coeffs.items()}, "obs": obs})
    fits = {}
    for key in SPEC_ALP_TABLE:
        lep = "mu" if "mumu" in key else "e"
        values = [p["obs"][key] for p in out if p["lepton"] == lep]
        fits[key] = dict(zip("abc", quadratic_fit(values)))
    return mb, out, fits


def check_alp_fits(fits):
    """The fits must equal the stored flavio values to within one unit of their last printed digit."""
    for key, (unit, _, _, spec) in SPEC_ALP_TABLE.items():
        for coeff, ref in zip("abc", spec):
            digits = len(f"{abs(ref):.6e}".split("e")[0].rstrip("0").replace(".", ""))
            last_digit = 10 ** (math.floor(math.log10(abs(ref))) - digits + 1)
            value = fits[key][coeff] / unit
            assert abs(value - ref) <= last_digit, (key, coeff, value, ref)


def print_alp_table(fits):
    print("paper 000 ALP fits: BR = 10^-k (a + b C + c C^2), C = C_P-", file=sys.stderr)
    print(f"  {'observable':28s} {'10^-k':>6s} | {'this run (a, b, c)':33s} | {'stored flavio':27s} | P1",
          file=sys.stderr)
    for key, (unit, p1, eq, spec) in SPEC_ALP_TABLE.items():
        fit = fits[key]
        mine = ", ".join(f"{fit[c] / unit:.4g}" for c in "abc")
        spec_s = ", ".join(f"{v:.4g}" for v in spec)
        p1_s = ", ".join(f"{v:.3g}" for v in p1)
        print(f"  {key:28s} {unit:6.0e} | {mine:33s} | {spec_s:27s} | {p1_s} ({eq})", file=sys.stderr)


def time_binned_br_kstar(n=20):
    """Mean wall time of one flavio binned B0 -> K*0 mu mu BR prediction at an NP point."""
    wcs = [make_wc({"C9_bsmumu": -1.0 + 0.05 * k, "C10_bsmumu": 0.02 * k}) for k in range(n)]
    flavio.np_prediction("<dBR/dq2>(B0->K*mumu)", make_wc({"C9_bsmumu": 0.123}), 1.1, 6.0)  # warm-up
    t0 = time.perf_counter()
    for wc in wcs:
        flavio.np_prediction("<dBR/dq2>(B0->K*mumu)", wc, 1.1, 6.0)
    return (time.perf_counter() - t0) / n


def write_reference_bvll_json(path=REFERENCE_BVLL_JSON):
    sm, no_qcdf = bvll_sm_observables()
    mb, alp_points, alp_fits = bvll_alp_points()
    print_alp_table(alp_fits)
    check_alp_fits(alp_fits)
    data = {
        "flavio_version": flavio_version(),
        "generated": datetime.date.today().isoformat(),
        "conventions": (
            "flavio WET basis at mu = 4.8 GeV (C_S,P in GeV^-1); wc values real or [re, im]; "
            "C7_bs, C7p_bs are lepton universal. Default parameters, central values. "
            "BR(B0->K*0ll)[a,b] = flavio '<dBR/dq2>(B0->K*ll)'(a,b) * (b - a): the partial BR over the bin "
            "(flavio integrates from max(a, 4 m_l^2) to min(b, (m_B0 - m_K*0)^2) and divides by the nominal "
            "width b - a), no B(K*0 -> K pi) factor, no K pi S-wave; within 2e-6 relative of a converged "
            "integral of flavio's dBR/dq2 in the SM. dBR/dq2 in GeV^-2. All B0 -> K*0 rates are CP averages; "
            "FL, AFB, P5p are flavio's CP-averaged ones (AFB in flavio's LHCb sign convention), binned ones "
            "are ratios of separately integrated numerators and denominators. <Rmue>(B0->K*ll)[a,b] = "
            "BR(mu)/BR(e) over the same nominal bin. "
            "BR(Bs->ll) is flavio's time-integrated (untagged) BR; BR_inst(Bs->ll) is the instantaneous "
            "(t = 0, 'prompt') one, flavio.physics.bdecays.bll.br_inst (not a flavio observable); "
            "BR = BR_inst (1 + A_DeltaGamma y_s)/(1 - y_s^2), y_s = DeltaGamma_s/(2 Gamma_s). "
            "flavio's B0 -> K*0 amplitudes include a QCDF spectator-scattering term for q^2 < 8.9 GeV^2 "
            "(default implementation 'B0->K*0ll QCDF interpolated': an SM-only table, it does not "
            "follow NP in the WET coefficients); 'sm_no_qcdf' is the same SM computation with that term "
            "set to zero (flavio.config['implementation']['B0->K*0ll spectator scattering'] -> a zero "
            "implementation). The subleading-correction parameters are zero at the central values, so "
            "sm_no_qcdf is naive factorisation with flavio's effective coefficients (get_wceff). "
            "Bs -> ll has no such term."),
        "sm": sm,
        "sm_no_qcdf": no_qcdf,
        "wet": bvll_wet_observables(),
        "alp": {
            "description": (
                "reproduction of paper 000 (arXiv:2209.11247) Eqs. 3.34, 3.35, 3.40: C_P+ = 0, C_P- in {-1, 0, 1}, "
                "CP_bsll = (C_P+ + C_P-)/m_b(4.8), CPp_bsll = (C_P+ - C_P-)/m_b(4.8); fits: "
                "BR = a + b C_P- + c C_P-^2 through the three points (exact: the BRs are quadratic)"),
            "mb_4p8": mb,
            "points": alp_points,
            "fits": alp_fits,
        },
        "timing": {
            "seconds_per_binned_BR": time_binned_br_kstar(),
            "call": "flavio.np_prediction('<dBR/dq2>(B0->K*mumu)', wc, 1.1, 6.0), 20 distinct WC objects",
            "machine": machine_description(),
        },
    }
    dump_json(path, data)
    return data


# ---------------------------------------------------------------- QCDF table (B0 -> K*0 l l)
#
# flavio adds to the naive-factorisation helicity amplitudes the auxiliary quantity
# 'B0->K*0ll spectator scattering' (default implementation 'QCDF interpolated', SM coefficients
# only, zero for q2 >= 8.9; bvll.amplitudes.get_ss). bscan stores it as the shift of C7 in each
# transversity amplitude that gives the same change, A_X += c7_X dC7_X:
#   dH+ - dH- = N 2i mb sqrt(lam) T1 / q2 dC7_perp,  dH+ + dH- = -N 2i mb (mB^2 - mV^2) T2 / q2 dC7_par,
#   dH0 = N 4i mB mV mb T23 / (sqrt(q2) (mB + mV)) dC7_0,
# N = flavio's prefactor (conjugated parameters for the CP-conjugate mode), mb = m_b(4.8). The
# shift is independent of C9, C10, C_S, C_P: new physics there leaves it unchanged, as in flavio.
QCDF_CUT = 8.9


def qcdf_grid():
    """The nodes of flavio-wceff-corrections.csv up to the cut (linear interpolation between)."""
    low = [1e-6, 1e-5, 1e-4, 1e-3, 0.005, 0.01, 0.02, 0.03, 0.04]
    return low + [round(0.05 * k, 10) for k in range(1, 179)]  # 0.05 ... 8.90


def qcdf_c7_coefficients(obs, q2, bar):
    """flavio's coefficients of dC7_perp, dC7_par, dC7_0 in (H+ - H-), (H+ + H-), H0."""
    from flavio.physics.bdecays.common import lambda_K
    ff = obs.ff(q2)
    mB, mV, mb = obs.mB, obs.mV, obs.mb
    N = obs.prefactor_conjugate if bar else obs.prefactor
    sl = math.sqrt(lambda_K(mB**2, mV**2, q2))
    return (N * 2j * mb * sl * ff["T1"] / q2, -N * 2j * mb * (mB**2 - mV**2) * ff["T2"] / q2,
            N * 4j * mB * mV * mb * ff["T23"] / (math.sqrt(q2) * (mB + mV)))


def qcdf_dh(q2, par, bar):
    """flavio's correction; at the cut itself its left limit (the consumer applies the cut)."""
    from flavio.physics.bdecays.bvll import amplitudes, qcdf_interpolate
    if q2 >= QCDF_CUT:
        return qcdf_interpolate.helicity_amps_qcdf(q2, par, "B0", "K*0", cp_conjugate=bar)
    return amplitudes.get_ss(q2, flavio.WilsonCoefficients(), par, "B0", "K*0", cp_conjugate=bar)


def qcdf_rows():
    from flavio.physics.bdecays.bvll import observables as bvobs
    par = central_parameters()
    obs = bvobs.BVllObservable("B0", "K*0", "mu", flavio.WilsonCoefficients(), par)
    rows = []
    for q2 in qcdf_grid():
        row = [q2]
        for bar in (False, True):
            dh = qcdf_dh(q2, par, bar)
            cp, cl, c0 = qcdf_c7_coefficients(obs, q2, bar)
            hp, hm, h0 = dh[("pl", "V")], dh[("mi", "V")], dh[("0", "V")]
            row += [(hp - hm) / cp, (hp + hm) / cl, h0 / c0]
        rows.append(row)
    return rows, obs


def check_qcdf_rows(rows, obs):
    """Naive factorisation + the linearly interpolated table, substituted for flavio's own
    correction inside flavio, reproduces flavio's SM dBR/dq2 (relative), FL and P5' (absolute)."""
    import numpy as np
    from flavio.physics.bdecays.bvll import observables as bvobs
    q = np.array([r[0] for r in rows])
    y = np.array([[c for z in r[1:] for c in (z.real, z.imag)] for r in rows])

    def table(q2, wc_obj, par, B_, V_, cp_conjugate):
        if q2 >= QCDF_CUT:
            return {("0", "V"): 0, ("pl", "V"): 0, ("mi", "V"): 0}
        v = [np.interp(q2, q, y[:, k]) for k in range(12)]
        off = 6 if cp_conjugate else 0
        d = [complex(v[off + 2 * i], v[off + 2 * i + 1]) for i in range(3)]
        cp, cl, c0 = qcdf_c7_coefficients(obs, q2, cp_conjugate)
        a, b = d[0] * cp, d[1] * cl
        return {("pl", "V"): (a + b) / 2, ("mi", "V"): (b - a) / 2, ("0", "V"): d[2] * c0}

    points = [("mu", q2) for q2 in (0.05, 0.1234, 0.777, 1.55, 3.3, 4.71, 7.35, 8.88)]
    points += [("e", q2) for q2 in (7e-5, 0.0013, 0.03, 0.3)]

    def values():
        return [flavio.sm_prediction(f"{o}(B0->K*{l}{l})", q2=q2)
                for l, q2 in points for o in ("dBR/dq2", "FL", "P5p")]
    ref = values()
    saved, bvobs.get_ss = bvobs.get_ss, table
    try:
        new = values()
    finally:
        bvobs.get_ss = saved
    worst = max(abs(b / a - 1) if k % 3 == 0 else abs(b - a)
                for k, (a, b) in enumerate(zip(ref, new)))
    if worst > 1e-4:
        raise SystemExit(f"QCDF table does not reproduce flavio: worst deviation {worst:.2e}")
    return worst


def write_qcdf_table(path=QCDF_CSV):
    rows, obs = qcdf_rows()
    worst = check_qcdf_rows(rows, obs)
    header = ["q2"] + [f"{p}_dC7{x}{s}" for s in ("", "bar") for x in ("perp", "par", "0")
                       for p in ("re", "im")]
    with open(path, "w", newline="\n") as f:
        f.write(f"# flavio {flavio_version()} QCDF correction to B0->K*0 l l ('B0->K*0ll spectator "
                "scattering', implementation 'QCDF interpolated', SM coefficients, central parameters)\n")
        f.write("# as transversity-dependent shifts of C7eff: A_X^{L,R} += c7_X dC7_X (X = perp, par, 0; "
                "*bar: CP-conjugate mode, conjugate_par); linear interpolation; zero for q2 >= 8.9\n")
        f.write(f"# generated by tests/flavio/generate_reference.py --only qcdf; NF + this table "
                f"reproduces flavio's SM dBR/dq2, FL, P5' to {worst:.1e}\n")
        f.write(",".join(header) + "\n")
        for r in rows:
            vals = [r[0]] + [c for z in r[1:] for c in (z.real, z.imag)]
            f.write(",".join(repr(float(v)) for v in vals) + "\n")
    return rows, worst


def dump_json(path, data):
    """Write a reference file: indent 1, LF line ends, a final newline."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="\n") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


# ---------------------------------------------------------------- SM B0 -> K*0 l l in every bin
# the bins of data/presets/*.toml and data/measurements/*.toml below the charmonium region
# (issue 9 item 3: bscan with QCDF against full flavio, BR within 2 %, FL, AFB, P5' within 0.01)
KSTAR_ACCEPTANCE_BINS = {
    "mu": [(0.045, 1.1), (0.05, 0.15), (0.1, 0.98), (0.1, 1.1), (1.0, 2.0), (1.1, 2.5), (1.1, 6.0),
           (2.0, 4.0), (2.0, 4.3), (2.5, 4.0), (4.0, 6.0), (4.3, 6.0), (6.0, 8.0), (0.1, 8.0)],
    "e": [(0.0004, 0.05), (0.05, 0.15), (0.25, 0.4), (0.4, 0.7), (0.7, 1.0), (0.045, 1.1),
          (0.1, 1.1), (1.1, 6.0), (0.1, 8.0)],
}


# The bins of LHCb 2020 (arXiv:2003.04831) and CMS 2024 (arXiv:2411.11820) B0 -> K*0 mu mu angular
# analyses in the P basis, charmonium-region bins included (issue 20 item 6).
P_BASIS_BINS = [(0.1, 0.98), (1.1, 2.5), (2.5, 4.0), (4.0, 6.0), (6.0, 8.0), (11.0, 12.5),
                (15.0, 17.0), (17.0, 19.0), (1.1, 6.0), (15.0, 19.0), (1.1, 2.0), (2.0, 4.3),
                (4.3, 6.0), (6.0, 8.68), (10.09, 12.86), (14.18, 16.0), (16.0, 19.0)]
P_BASIS = ("FL", "P1", "P2", "P3", "P4p", "P5p", "P6p", "P8p")


def write_bvll_bins_json(path=BVLL_BINS_JSON):
    obs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # QCDF "not to be trusted above 6 GeV^2"
        for lep, bins in KSTAR_ACCEPTANCE_BINS.items():
            mode = kstar_mode(lep)
            for a, b in bins:
                obs[kstar_br_key(lep, a, b)] = flavio.sm_prediction(f"<dBR/dq2>({mode})", a, b) * (b - a)
                for o in ("FL", "AFB", "P5p"):
                    obs[bin_key(f"<{o}>({mode})", a, b)] = flavio.sm_prediction(f"<{o}>({mode})", a, b)
        mode = kstar_mode("mu")
        for a, b in P_BASIS_BINS:
            for o in P_BASIS:
                obs[bin_key(f"<{o}>({mode})", a, b)] = flavio.sm_prediction(f"<{o}>({mode})", a, b)
    data = {"flavio_version": flavio_version(), "generated": datetime.date.today().isoformat(),
            "conventions": "flavio.sm_prediction, default parameters (central values), QCDF included; "
                           "BR(B0->K*0ll)[a,b] = '<dBR/dq2>'(a,b) * (b - a)",
            "sm": obs}
    dump_json(path, data)
    return obs


# ---------------------------------------------------------------- the light vector at fixed q2
# paper 001 (arXiv:1704.06188) Eqs. 7, 9, written out here: widths with masses, residues g_bs g/N
# over D = q2 - m_V^2 + i m_V Gamma_V, N = G_F xi_t alpha_e(4.8) / (sqrt2 pi), C_P = -2 m_mu/m_V^2 C10
# (flavio basis) and no C_P': flavio's B -> K(*) matrix elements take m_s = 0, where the divergence
# of the s-b current has no m_s term. At each q2 flavio runs with these as
# constant WET coefficients: bscan's vector observables at that q2 must agree (issue 9).
# Narrow vectors (Gamma_V/m_V ~ 1e-4): a constant complex WET coefficient is a weak phase to flavio
# (conjugated for the CP-conjugate decay), while the Breit-Wigner phase of a real resonance is
# strong (the same for both); away from the pole of a narrow V the BW phase is < 1e-2 and the two
# pictures coincide (for Gamma_V/m_V = 20 % they differ by up to 0.6 %: docs/physics.md).
VECTOR_POINTS = [  # m_V, g_bs, g_muV, g_muA, g_chi, m_chi
    (2.5, -1.5e-8, 0.1, -0.044, 0.05, 0.0),
    (2.0, -1.4e-8, 0.05, 0.02, 0.03, 0.3),
    (3.2, 2.0e-8, 0.08, -0.05, 0.05, 1.0),
]
VECTOR_Q2 = [1.0, 2.0, 3.5, 4.5, 6.0, 8.0]


def vector_width(m, g_v, g_a, mf):
    """Gamma(V -> f f) for a Dirac fermion with vector and axial couplings."""
    if m <= 2 * mf:
        return 0.0
    beta = math.sqrt(1 - 4 * mf**2 / m**2)
    return m * beta / (12 * math.pi) * (g_v**2 * (1 + 2 * mf**2 / m**2) + g_a**2 * beta**2)


def write_vector_q2_json(path=VECTOR_Q2_JSON):
    par = central_parameters()
    mmu, me = par["m_mu"], par["m_e"]
    xi_t = complex(ckm.xi("t", QIQJ)(par))
    alpha = running.get_alpha(par, SCALE)["alpha_e"]
    n = par["GF"] * xi_t * alpha / (math.sqrt(2) * math.pi)
    points = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for m, g_bs, g_v, g_a, g_chi, m_chi in VECTOR_POINTS:
            gamma = (vector_width(m, g_v, g_a, mmu) + vector_width(m, 0.0, 0.0, me)
                     + vector_width(m, g_chi, 0.0, m_chi))
            for q2 in VECTOR_Q2:
                d = complex(q2 - m * m, m * gamma)
                c9, c10 = g_bs * g_v / n / d, g_bs * g_a / n / d
                cp = -2 * mmu / m**2 * c10
                wc = {"C9_bsmumu": c9, "C10_bsmumu": c10, "CP_bsmumu": cp}
                wc_obj = flavio.WilsonCoefficients()
                wc_obj.set_initial(wc, SCALE, "WET", "flavio")
                obs = {name: flavio.np_prediction(name, wc_obj, q2=q2)
                       for name in ("dBR/dq2(B+->Kmumu)", "dBR/dq2(B0->K*mumu)", "FL(B0->K*mumu)",
                                    "P5p(B0->K*mumu)")}
                points.append({"params": {"m_V": m, "g_bs": g_bs, "g_muV": g_v, "g_muA": g_a,
                                          "g_chi": g_chi, "m_chi": m_chi},
                               "q2": q2, "Gamma_V": gamma,
                               "wc": {k: [v.real, v.imag] for k, v in wc.items()}, "obs": obs})
    data = {"flavio_version": flavio_version(), "generated": datetime.date.today().isoformat(),
            "conventions": "paper 001 (arXiv:1704.06188) Eq. 9 at fixed q2 as constant complex WET coefficients "
                           "(flavio basis, mu = 4.8 GeV); N = G_F xi_t alpha_e(4.8)/(sqrt2 pi); "
                           "QCDF included (flavio default)",
            "points": points}
    dump_json(path, data)
    return points


# ---------------------------------------------------------------- nuisance parameters
# The inputs bscan varies to sample its SM covariance (host/config/nuisances.cpp): flavio's default
# constraints (central, standard deviation, correlation), each mapped onto the physics-data keys it
# moves. map: value (the key takes the sampled value), scale (key x value / central), inverse
# (key x central / value: widths from lifetimes), power (key x (value / central)^exponent).
NUISANCE_GROUPS = [
    # (flavio parameters, [(targets, map, exponent) per parameter], source)
    (["B->K BSZ a0_f+", "B->K BSZ a1_f+", "B->K BSZ a2_f+", "B->K BSZ a1_f0", "B->K BSZ a2_f0",
      "B->K BSZ a0_fT", "B->K BSZ a1_fT", "B->K BSZ a2_fT"],
     [(["form_factors.B_to_K.f_plus.a[0]", "form_factors.B_to_K.f_zero.a[0]"], "value", None),
      (["form_factors.B_to_K.f_plus.a[1]"], "value", None),
      (["form_factors.B_to_K.f_plus.a[2]"], "value", None),
      (["form_factors.B_to_K.f_zero.a[1]"], "value", None),
      (["form_factors.B_to_K.f_zero.a[2]"], "value", None),
      (["form_factors.B_to_K.f_T.a[0]"], "value", None),
      (["form_factors.B_to_K.f_T.a[1]"], "value", None),
      (["form_factors.B_to_K.f_T.a[2]"], "value", None)],
     "flavio 2.7 parameters_correlated.yml 'B->K BSZ' (GRvDV 2023, arXiv:2305.06301; a0(f0) = a0(f+))"),
    ([f"B->K* BSZ a{k}_{ff}" for ff, ks in (("A0", "012"), ("A1", "012"), ("A12", "12"), ("V", "012"),
                                            ("T1", "012"), ("T2", "12"), ("T23", "012")) for k in ks],
     [([f"form_factors.B_to_Kstar.{ff}.a[{k}]"], "value", None)
      for ff, ks in (("A0", "012"), ("A1", "012"), ("A12", "12"), ("V", "012"), ("T1", "012"),
                     ("T2", "12"), ("T23", "012")) for k in ks],
     "flavio 2.7 parameters_correlated.yml 'B->K* BSZ' (BSZ 2015, arXiv:1503.05534, LCSR + lattice)"),
    (["tau_B+"], [(["widths.Gamma_Bp"], "inverse", None)], "flavio 2.7 parameters_uncorrelated.yml tau_B+ (PDG)"),
    (["tau_B0"], [(["widths.Gamma_B0"], "inverse", None)], "flavio 2.7 parameters_uncorrelated.yml tau_B0 (PDG)"),
    (["tau_Bs"], [(["widths.Gamma_Bs"], "inverse", None)], "flavio 2.7 parameters_uncorrelated.yml tau_Bs (PDG)"),
    (["f_Bs", "f_B0"], [(["decay_constants.f_Bs"], "value", None), (["decay_constants.f_B0"], "value", None)],
     "flavio 2.7 parameters_correlated.yml f_B+, f_B0, f_Bs (FLAG): the f_Bs, f_B0 block"),
    (["DeltaGamma/Gamma_Bs"], [(["widths.y_s"], "scale", None)],
     "flavio 2.7 parameters_uncorrelated.yml DeltaGamma/Gamma_Bs; y_s = DeltaGamma/(2 Gamma)"),
    (["m_c BVgamma"], [(["constants.m_c_BVgamma"], "value", None)],
     "flavio 2.7 parameters_uncorrelated.yml 'm_c BVgamma' (the m_c of the two-loop dC7; bscan: dC7 linear in it, "
     "data/sm/flavio-wceff-corrections.csv)"),
    (["m_t"], [(["sm_wilson_coefficients.C10"], "power", 1.53)],
     "flavio 2.7 parameters_uncorrelated.yml m_t; C10_SM scales as (m_t/173.1)^1.53 (flavio wilsoncoefficients.py)"),
]
# Subleading hadronic corrections (flavio bpll_subleading.py, bvll/subleading.py): central 0, each
# independent of the others bscan uses (flavio correlates a B0 parameter only with its B+ and B_s
# partners), its marginal standard deviation.
for _coef in "abc":
    for _part in ("Re", "Im"):
        NUISANCE_GROUPS.append(([f"B+->K+ deltaC9 {_coef} {_part}"],
                                [([f"subleading.B_to_K.{_coef}.{_part.lower()}"], "value", None)],
                                "flavio 2.7 parameters_correlated.yml (B -> K l l subleading corrections)"))
for _name, _coef, _hel in [("delta_C7 a_0", "a", "0"), ("delta_C7 b_0", "b", "0"),
                           ("delta_C7 a_-", "a", "-"), ("delta_C7 b_-", "b", "-"),
                           ("delta_C7p a_+", "a", "+"), ("delta_C7p b_+", "b", "+"),
                           ("deltaC9 c_0", "c", "0"), ("deltaC9 c_-", "c", "-"), ("deltaC9 c_+", "c", "+")]:
    for _part in ("Re", "Im"):
        NUISANCE_GROUPS.append(([f"B0->K*0 {_name} {_part}"],
                                [([f"subleading.B_to_Kstar.{_coef}_{_hel}.{_part.lower()}"], "value", None)],
                                "flavio 2.7 parameters_correlated.yml (B -> K* l l subleading corrections)"))
CKM_PARAMETERS = ["Vus", "Vub", "Vcb", "gamma"]


def parameter_constraints():
    """name -> (central, covariance row) from flavio's default constraints, by constraint."""
    out = {}
    for dist, names in flavio.default_parameters._constraints:
        cov = getattr(dist, "covariance", None)
        if cov is None:
            sd = getattr(dist, "standard_deviation", None)
            if sd is None:
                continue
            cov = [[sd**2]]
            central = [dist.central_value]
        else:
            central = list(dist.central_value)
        for i, n in enumerate(names):
            out[n] = (names, central, cov, i)
    return out


def xi_t_spread(n=100000, seed=1):
    """|xi_t| = |V_tb V_ts*| and |V_tb V_td*| over flavio's CKM inputs: centrals, relative standard
    deviations and their correlation."""
    import numpy as np
    par = central_parameters()
    rng = np.random.default_rng(seed)
    cons = parameter_constraints()
    draws = []
    for _ in range(n):
        p = dict(par)
        for name in CKM_PARAMETERS:
            _, central, cov, i = cons[name]
            p[name] = central[i] + math.sqrt(cov[i][i]) * rng.standard_normal()
        draws.append((abs(ckm.xi("t", "bs")(p)), abs(ckm.xi("t", "bd")(p))))
    draws = np.array(draws)
    central = np.array([abs(ckm.xi("t", "bs")(par)), abs(ckm.xi("t", "bd")(par))])
    rel = draws.std(axis=0) / central
    rho = float(np.corrcoef(draws.T)[0, 1])
    return [float(c) for c in central], [float(r) for r in rel], rho


def toml_list(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def write_nuisances_toml(path=NUISANCES_TOML):
    cons = parameter_constraints()
    xi_central, xi_rel, xi_rho = xi_t_spread()
    lines = [
        "# Nuisance parameters of bscan's SM covariance (bscan covariance, theory = \"covariance\"):",
        "# flavio 2.7's default constraints of the inputs bscan's predictions use, each mapped onto",
        "# the keys of flavio-2.7.toml it moves. Generated by tests/flavio/generate_reference.py",
        f"# --only nuisances (flavio {flavio_version()}); format: docs/physics.md (theory covariance).",
        "",
        'name = "flavio-2.7-nuisances"',
        'physics = "flavio-2.7"',
        "",
    ]
    for names, targets, source in NUISANCE_GROUPS:
        group, central_all, cov, _ = cons[names[0]]
        idx = [group.index(n) for n in names]
        lines += ["[[group]]", f"source = {json.dumps(source)}"]
        lines.append("parameters = [")
        for n, (keys, how, exponent) in zip(names, targets):
            i = group.index(n)
            entry = (f'  {{ name = {json.dumps(n)}, central = {float(central_all[i])!r}, '
                     f'sigma = {float(math.sqrt(cov[i][i]))!r}, map = "{how}", targets = {json.dumps(keys)}')
            if exponent is not None:
                entry += f", exponent = {exponent!r}"
            lines.append(entry + " },")
        lines.append("]")
        if len(names) > 1:
            lines.append("correlation = [")
            for a in idx:
                lines.append("  " + toml_list(float(cov[a][b]) / math.sqrt(cov[a][a] * cov[b][b]) for b in idx) + ",")
            lines.append("]")
        lines.append("")
    lines += ["[[group]]",
              'source = "|xi_t| = |V_tb V_ts*| and |V_tb V_td*|: their standard deviations and correlation over 1e5 '
              'draws of flavio 2.7\'s Vus, Vub, Vcb, gamma (ckm.xi(\'t\', \'bs\'), ckm.xi(\'t\', \'bd\')), the phases kept"',
              "parameters = [",
              f'  {{ name = "|xi_t|", central = {xi_central[0]!r}, sigma = {xi_central[0] * xi_rel[0]!r}, map = "scale", '
              'targets = ["constants.xi_t_re", "constants.xi_t_im"] },',
              f'  {{ name = "|xi_t bd|", central = {xi_central[1]!r}, sigma = {xi_central[1] * xi_rel[1]!r}, map = "scale", '
              'targets = ["constants.xi_t_bd_re", "constants.xi_t_bd_im"] },',
              "]",
              "correlation = [",
              f"  {toml_list([1.0, xi_rho])},",
              f"  {toml_list([xi_rho, 1.0])},",
              "]", ""]
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(lines))
    return xi_rel


# The observables bscan's theory covariance is compared on (tests/test_theory_covariance.cpp):
# bscan id -> (flavio name, arguments, factor: bscan = factor x flavio).
COVARIANCE_OBSERVABLES = [
    ("BR(B+->K+mumu)[1.1,6.0]", ("<dBR/dq2>(B+->Kmumu)", 1.1, 6.0), 4.9),
    ("BR(B+->K+mumu)[15.0,22.0]", ("<dBR/dq2>(B+->Kmumu)", 15.0, 22.0), 7.0),
    ("BR(B0->K*0mumu)[1.1,6.0]", ("<dBR/dq2>(B0->K*mumu)", 1.1, 6.0), 4.9),
    ("BR(B0->K*0mumu)[15.0,19.0]", ("<dBR/dq2>(B0->K*mumu)", 15.0, 19.0), 4.0),
    ("FL(B0->K*0mumu)[1.1,2.5]", ("<FL>(B0->K*mumu)", 1.1, 2.5), 1.0),
    ("FL(B0->K*0mumu)[4.0,6.0]", ("<FL>(B0->K*mumu)", 4.0, 6.0), 1.0),
    ("AFB(B0->K*0mumu)[4.0,6.0]", ("<AFB>(B0->K*mumu)", 4.0, 6.0), 1.0),
    ("P5p(B0->K*0mumu)[1.1,2.5]", ("<P5p>(B0->K*mumu)", 1.1, 2.5), 1.0),
    ("P5p(B0->K*0mumu)[2.5,4.0]", ("<P5p>(B0->K*mumu)", 2.5, 4.0), 1.0),
    ("P5p(B0->K*0mumu)[4.0,6.0]", ("<P5p>(B0->K*mumu)", 4.0, 6.0), 1.0),
    ("RK[1.1,6.0]", ("<Rmue>(B+->Kll)", 1.1, 6.0), 1.0),
    ("RKstar[1.1,6.0]", ("<Rmue>(B0->K*ll)", 1.1, 6.0), 1.0),
    ("BR(Bs->mumu)", ("BR(Bs->mumu)",), 1.0),
]


def covariance_block(par_vary, n):
    obs = [o[1] if len(o[1]) > 1 else o[1][0] for o in COVARIANCE_OBSERVABLES]
    factors = [o[2] for o in COVARIANCE_OBSERVABLES]
    t = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cov = flavio.sm_covariance(obs, N=n, par_vary=par_vary)
    seconds = time.time() - t
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        central = [f * (flavio.sm_prediction(o) if isinstance(o, str) else flavio.sm_prediction(*o))
                   for o, f in zip(obs, factors)]
    sigma = [f * math.sqrt(cov[i][i]) for i, f in enumerate(factors)]
    corr = [[float(cov[i][j] / math.sqrt(cov[i][i] * cov[j][j])) for j in range(len(obs))]
            for i in range(len(obs))]
    return {"samples": n, "seconds": round(seconds, 1), "central": central, "sigma": sigma,
            "correlation": corr}


def write_sm_covariance_json(path=SM_COVARIANCE_JSON, n_all=1000, n_sampled=1000):
    sampled = [n for names, _, _ in NUISANCE_GROUPS for n in names] + CKM_PARAMETERS
    data = {"flavio_version": flavio_version(), "generated": datetime.date.today().isoformat(),
            "machine": machine_description(),
            "conventions": "flavio.sm_covariance(obs, N, par_vary); bscan value = factor x flavio value",
            "observables": [o[0] for o in COVARIANCE_OBSERVABLES],
            "flavio_names": [list(o[1]) for o in COVARIANCE_OBSERVABLES],
            "factors": [o[2] for o in COVARIANCE_OBSERVABLES],
            "sampled_parameters": sampled,
            "all": covariance_block("all", n_all),
            "bscan_nuisances": covariance_block(sampled, n_sampled)}
    dump_json(path, data)
    return data


# ---------------------------------------------------------------- the current measurement set
# Entries: flavio measurement name, bscan entry name, role. Bins inside the narrow charmonium region
# (8.68 < q2 < 14.18 GeV^2, where flavio warns its predictions mean nothing) and bins that overlap
# narrower ones (LHCb's [1.1,6], [15,19]) are left out; a correlated entry keeps the marginal
# (rows and columns) of the rest.
BSLL_2025_ENTRIES = (
    [("LHCb RK RK* 2022", "LHCb_RK_RKstar_2022", "anomaly")]
    + [(f"LHCb B->K*mumu 2020 P {b}", "LHCb_Kstar_P_2020_" + b.replace("-", "_").replace(".", "p"), "anomaly")
       for b in ("0.1-0.98", "1.1-2.5", "2.5-4", "4-6", "6-8", "15-17", "17-19")]
    + [(f"CMS B->K*mumu 2024 {b}", "CMS_Kstar_P_2024_" + b.replace("-", "_").replace(".", "p"), "anomaly")
       for b in ("1.1-2", "2-4.3", "4.3-6", "6-8.68", "14.18-16")]
    + [("CMS B+->Kmumu BR 2024", "CMS_K_BR_2024", "anomaly"),
       ("LHCb B0->K*mumu BR 2016", "LHCb_Kstar_BR_2016", "anomaly"),
       ("GSSS combination Bs->mumu 2022", "Bs_mumu_2022", "bound")])
BSLL_2025_DROP = [(8.68, 14.18)]  # no bin may reach into this
BSLL_2025_WIDE = {"LHCb B0->K*mumu BR 2016": [(1.1, 6.0), (15.0, 19.0)]}  # overlap narrower bins


def bscan_obs(name, a=None, b=None):
    """(bscan id, factor): bscan value = factor x flavio value."""
    if a is None:
        return {"BR(Bs->mumu)": "BR(Bs->mumu)", "BR(B0->mumu)": "BR(B0->mumu)"}[name], 1.0
    rng = f"[{float(a)!r},{float(b)!r}]"
    table = {"<Rmue>(B+->Kll)": ("RK", 1.0), "<Rmue>(B0->K*ll)": ("RKstar", 1.0),
             "<dBR/dq2>(B+->Kmumu)": ("BR(B+->K+mumu)", b - a),
             "<dBR/dq2>(B0->K*mumu)": ("BR(B0->K*0mumu)", b - a)}
    if name in table:
        stem, factor = table[name]
        return stem + rng, factor
    obs = name[1:name.index(">")]
    return f"{obs}(B0->K*0mumu){rng}", 1.0


def keep_bin(fname, a, b):
    if a is None:
        return True
    return (all(b <= lo or a >= hi for lo, hi in BSLL_2025_DROP)
            and (float(a), float(b)) not in BSLL_2025_WIDE.get(fname, []))


def toml_errors(err, factor):
    pairs = [[e * factor, e * factor] for e in err.get("symmetric_errors", [])]
    pairs += [[r * factor, l * factor] for r, l in err.get("asymmetric_errors", [])]
    return "[" + ", ".join(f"[{p!r}, {m!r}]" for p, m in pairs) + "]"


def write_bsll_2025_toml(path=BSLL_2025_TOML):
    import yaml
    from flavio._parse_errors import errors_from_string
    with open(os.path.join(os.path.dirname(flavio.__file__), "data", "measurements.yml")) as f:
        meas = yaml.safe_load(f)
    out = [
        "# b -> s mu mu and (g-2)_mu as measured by 2025, with the SM covariance sampled over the nuisance",
        "# parameters (theory = \"covariance\"). Every entry holds one flavio 2.7 measurement (flavio_name)",
        "# whole, its numbers as flavio's measurements.yml holds them; generated by",
        "# tests/flavio/generate_reference.py --only bsll_2025. Binned dBR/dq2 are stored as bscan's binned",
        "# BR (times the bin width). Format and choices: docs/measurements.md.",
        'name = "bsll-2025"',
        'description = "LHCb R_K/R_K* 2022, LHCb 2020 and CMS 2024 B0 -> K*0 mu mu P basis, CMS 2024 B+ -> K+ mu mu '
        'and LHCb 2016 B0 -> K*0 mu mu rates, B_s -> mu mu 2022, (g-2)_mu 2025; SM covariance sampled"',
        'source = "flavio 2.7 measurements.yml (flav-io/flavio v2.7.1); (g-2)_mu: Muon g-2 2025 (arXiv:2506.03069) '
        'and the 2025 Theory Initiative white paper (arXiv:2505.21476)"',
        'theory = "covariance"', ""]
    groups = {"lfu": [], "angular": [], "rates": [], "Bs_mumu": [], "g2_mu": []}
    entries = []
    for fname, ename, role in BSLL_2025_ENTRIES:
        m = meas[fname]
        src = f"{m.get('experiment', 'combination')}, inspire {m['inspire']}; flavio 2.7 measurements.yml '{fname}'"
        if "observables" in m:  # multivariate normal (the B_s -> mu mu combination): both observables
            v = m["values"]
            rows = "".join(
                f'  {{ observable = "{o}", value = {v["central_value"][k]!r}, '
                f'errors = [[{v["standard_deviation"][k]!r}, {v["standard_deviation"][k]!r}]] }},\n'
                for k, o in enumerate(m["observables"]))
            entries.append(
                "[[constraint]]\n"
                f'name = "{ename}"\nrole = "{role}"\ntype = "correlated"\nflavio_name = "{fname}"\n'
                f"values = [\n{rows}]\n"
                f"correlation = [{toml_list(v['correlation'][0])}, {toml_list(v['correlation'][1])}]\n"
                f'source = "{src}"\n')
            groups["Bs_mumu"].append(ename)
            continue
        values = []
        for idx, val in enumerate(m["values"]):
            a, b = val.get("q2min"), val.get("q2max")
            if not keep_bin(fname, a, b):
                continue
            bid, factor = bscan_obs(val["name"], a, b)
            values.append((idx, bid, errors_from_string(val["value"]), factor))
        if "correlation" in m:
            n_all = len(m["values"])
            rows = m["correlation"]
            full = [[None] * n_all for _ in range(n_all)]
            triangle = all(len(row) == n_all - i for i, row in enumerate(rows))
            for i, row in enumerate(rows):
                for k, r in enumerate(row):
                    j = i + k if triangle else k
                    full[i][j] = r
                    full[j][i] = r
            keep = [v[0] for v in values]
            lines = [f'name = "{ename}"', f'role = "{role}"', 'type = "correlated"', f'flavio_name = "{fname}"',
                     "values = ["]
            for _, bid, err, factor in values:
                lines.append(f'  {{ observable = "{bid}", value = {err["central_value"] * factor!r}, '
                             f'errors = {toml_errors(err, factor)} }},')
            lines.append("]")
            lines.append("correlation = [")
            for i in keep:
                lines.append("  [" + ", ".join(repr(float(full[i][j])) for j in keep) + "],")
            lines.append("]")
            lines.append(f'source = "{src}"')
            if len(keep) < n_all:
                lines.append(f'note = "{n_all - len(keep)} of its {n_all} bins left out (charmonium region or '
                             'overlapping wide bins): the marginal of the rest"')
            entries.append("[[constraint]]\n" + "\n".join(lines) + "\n")
            groups["lfu" if "RK" in fname else ("rates" if "BR" in fname else "angular")].append(ename)
        else:  # independent values: one single measurement each
            for _, bid, err, factor in values:
                sub = ename + "_" + bid[bid.index("[") + 1:-1].replace(",", "_").replace(".", "p")
                entries.append(
                    "[[constraint]]\n"
                    f'name = "{sub}"\nrole = "{role}"\ntype = "measurement"\nflavio_name = "{fname}"\n'
                    f'observable = "{bid}"\nvalue = {err["central_value"] * factor!r}\n'
                    f'errors = {toml_errors(err, factor)}\nsource = "{src}"\n')
                groups["rates"].append(sub)
    a_exp, s_exp = 1165920715e-12, 145e-12  # FNAL g-2 combination 2025 (flavio 'FNAL g-2 combination 2025')
    a_sm, s_sm = 116592033e-11, 62e-11      # Theory Initiative 2025, arXiv:2505.21476
    entries.append(
        "[[constraint]]\n"
        'name = "g2_mu"\nrole = "bound"\ntype = "measurement"\nobservable = "delta_a_mu"\n'
        f"value = {a_exp - a_sm!r}\n"
        f"errors = [[{s_exp!r}, {s_exp!r}], [{s_sm!r}, {s_sm!r}]]\n"
        'source = "a_mu(exp) = 116 592 071.5(14.5)e-11 (Muon g-2 2025, arXiv:2506.03069; flavio \'FNAL g-2 '
        'combination 2025\') minus a_mu(SM) = 116 592 033(62)e-11 (Theory Initiative 2025, arXiv:2505.21476); '
        '(exp) then (SM)"\n'
        'note = "no tension left: a bound on new contributions"\n')
    groups["g2_mu"].append("g2_mu")
    groups["bsll"] = groups["lfu"] + groups["angular"] + groups["rates"] + groups["Bs_mumu"]
    groups["all"] = groups["bsll"] + groups["g2_mu"]
    out.append("[chi2_groups]")
    for g, members in groups.items():
        out.append(f"{g} = [" + ", ".join(f'"{n}"' for n in members) + "]")
    out.append("")
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(out) + "\n" + "\n".join(entries))
    return len(entries)


# ---------------------------------------------------------------- FastLikelihood of bsll-2025
def flavio_obs_of(bscan_id):
    """The flavio observable (tuple) of a bscan id in bsll-2025."""
    import re
    if bscan_id in ("BR(Bs->mumu)", "BR(B0->mumu)"):
        return bscan_id, 1.0
    m = re.match(r"^(.*)\[([^,]+),([^\]]+)\]$", bscan_id)
    stem, a, b = m.group(1), float(m.group(2)), float(m.group(3))
    table = {"RK": "<Rmue>(B+->Kll)", "RKstar": "<Rmue>(B0->K*ll)",
             "BR(B+->K+mumu)": "<dBR/dq2>(B+->Kmumu)", "BR(B0->K*0mumu)": "<dBR/dq2>(B0->K*mumu)"}
    if stem in table:
        return (table[stem], a, b), (b - a if stem.startswith("BR") else 1.0)
    return (f"<{stem[:stem.index('(')]}>(B0->K*mumu)", a, b), 1.0


def bsll_2025_ids():
    """The distinct observables the measurements of bsll-2025 read (g-2 aside), in set order."""
    import tomllib
    with open(BSLL_2025_TOML, "rb") as f:
        bscan_set = tomllib.load(f)
    ids = []
    for c in bscan_set["constraint"]:
        if c.get("flavio_name") is None:
            continue  # g-2: no WET dependence
        for v in c.get("values", [{"observable": c.get("observable")}]):
            if v["observable"] not in ids:
                ids.append(v["observable"])
    return ids


def write_sm_covariance_bsll2025_json(path=SM_COVARIANCE_BSLL2025_JSON, n=1000):
    """flavio.sm_covariance (all parameters varied) of every observable of bsll-2025."""
    ids = bsll_2025_ids()
    obs = [flavio_obs_of(i)[0] for i in ids]
    factors = [flavio_obs_of(i)[1] for i in ids]
    t = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cov = flavio.sm_covariance(obs, N=n, threads=1)
        central = [f * (flavio.sm_prediction(o) if isinstance(o, str) else flavio.sm_prediction(*o))
                   for o, f in zip(obs, factors)]
    seconds = time.time() - t
    sigma = [f * math.sqrt(cov[i][i]) for i, f in enumerate(factors)]
    corr = [[float(cov[i][j] / math.sqrt(cov[i][i] * cov[j][j])) for j in range(len(obs))]
            for i in range(len(obs))]
    data = {"flavio_version": flavio_version(), "generated": datetime.date.today().isoformat(),
            "machine": machine_description(),
            "conventions": "flavio.sm_covariance(obs, N) with all of flavio's parameters; bscan value = factor x flavio value",
            "observables": ids, "factors": factors, "samples": n, "seconds": round(seconds, 1),
            "central": central, "sigma": sigma, "correlation": corr}
    dump_json(path, data)
    return data


def fast_likelihood_points(n=24, seed=2025):
    import numpy as np
    rng = np.random.default_rng(seed)
    names = ["C9_bsmumu", "C10_bsmumu", "C9p_bsmumu", "C10p_bsmumu",
             "C9_bsee", "C10_bsee", "C9p_bsee", "C10p_bsee"]
    scale = [0.8, 0.5, 0.3, 0.3, 0.5, 0.5, 0.3, 0.3]
    return [{k: float(round(s * rng.uniform(-1, 1), 3)) for k, s in zip(names, scale)} for _ in range(n)]


def write_fast_likelihood_json(path=FAST_LIKELIHOOD_JSON, n_sm=300, n_exp=5000):
    import tomllib
    with open(BSLL_2025_TOML, "rb") as f:
        bscan_set = tomllib.load(f)
    ids = bsll_2025_ids()
    obs = [flavio_obs_of(i)[0] for i in ids]
    measurements = sorted({c["flavio_name"] for c in bscan_set["constraint"] if "flavio_name" in c})
    from flavio.statistics.likelihood import FastLikelihood
    fl = FastLikelihood(
        "bscan bsll-2025", observables=obs, include_measurements=measurements)
    t = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fl.make_measurement(N=n_sm, Nexp=n_exp)
    t_make = time.time() - t
    import numpy as np
    cov = np.array(fl.sm_covariance.get(force=False), dtype=float)
    factors = np.array([flavio_obs_of(i)[1] for i in ids])
    sigma = np.sqrt(np.diag(cov))
    sm_cov = {"sigma": list(map(float, sigma * factors)),
              "correlation": [list(map(float, row)) for row in cov / np.outer(sigma, sigma)]}
    par = flavio.default_parameters.get_central_all()
    points = []
    t = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm = fl.log_likelihood(par, flavio.WilsonCoefficients())
        for wc in fast_likelihood_points():
            w = flavio.WilsonCoefficients()
            w.set_initial(wc, SCALE, "WET", "flavio")
            points.append({"wc": wc, "delta_chi2": -2.0 * (fl.log_likelihood(par, w) - sm)})
    t_eval = time.time() - t
    data = {"flavio_version": flavio_version(), "generated": datetime.date.today().isoformat(),
            "machine": machine_description(),
            "conventions": "FastLikelihood(observables = bsll-2025's b->s mu mu observables, "
                           "include_measurements = their flavio measurements); make_measurement(N, Nexp); "
                           "delta_chi2 = -2 (logL(WET point) - logL(SM)) at flavio's central parameters",
            "sm_samples": n_sm, "exp_samples": n_exp, "observables": ids, "measurements": measurements,
            "seconds_make_measurement": round(t_make, 1), "seconds_points": round(t_eval, 1),
            "sm_covariance": sm_cov, "points": points}
    dump_json(path, data)
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("wceff", "constants", "json", "bvll", "qcdf", "bvll_bins", "vector_q2",
                                 "nuisances", "sm_covariance", "bsll_2025", "fast_likelihood",
                                 "sm_covariance_bsll2025"), action="append",
                        help="generate only this output (repeatable); default: all")
    args = parser.parse_args(argv)
    todo = args.only or ["wceff", "constants", "json", "bvll", "qcdf", "bvll_bins", "vector_q2",
                         "nuisances", "sm_covariance", "bsll_2025", "fast_likelihood"]
    print(f"flavio {flavio_version()}", file=sys.stderr)
    if "wceff" in todo:
        rows, failures = write_wceff_corrections()
        print(f"wrote {WCEFF_CSV}: {len(rows)} rows, {len(failures)} failures", file=sys.stderr)
        for q2, err in failures:
            print(f"  flavio failed at q2={q2!r}: {err}", file=sys.stderr)
    if "constants" in todo:
        write_sm_constants()
        print(f"wrote {SM_CONSTANTS}", file=sys.stderr)
    if "json" in todo:
        write_reference_json()
        print(f"wrote {REFERENCE_JSON}", file=sys.stderr)
    if "qcdf" in todo:
        rows, worst = write_qcdf_table()
        print(f"wrote {QCDF_CSV}: {len(rows)} nodes, flavio reproduced to {worst:.1e}", file=sys.stderr)
    if "vector_q2" in todo:
        points = write_vector_q2_json()
        print(f"wrote {VECTOR_Q2_JSON}: {len(points)} points", file=sys.stderr)
    if "bvll_bins" in todo:
        obs = write_bvll_bins_json()
        print(f"wrote {BVLL_BINS_JSON}: {len(obs)} values", file=sys.stderr)
    if "nuisances" in todo:
        xi_rel = write_nuisances_toml()
        print(f"wrote {NUISANCES_TOML}: |xi_t| relative sigma {xi_rel[0]:.4f}, bd {xi_rel[1]:.4f}", file=sys.stderr)
    if "sm_covariance" in todo:
        data = write_sm_covariance_json()
        print(f"wrote {SM_COVARIANCE_JSON}: {data['all']['seconds']} s (all), "
              f"{data['bscan_nuisances']['seconds']} s (bscan's nuisances)", file=sys.stderr)
    if "bsll_2025" in todo:
        n = write_bsll_2025_toml()
        print(f"wrote {BSLL_2025_TOML}: {n} entries", file=sys.stderr)
    if "sm_covariance_bsll2025" in todo:
        data = write_sm_covariance_bsll2025_json()
        print(f"wrote {SM_COVARIANCE_BSLL2025_JSON}: {len(data['observables'])} observables, "
              f"{data['seconds']} s", file=sys.stderr)
    if "fast_likelihood" in todo:
        data = write_fast_likelihood_json()
        print(f"wrote {FAST_LIKELIHOOD_JSON}: {len(data['points'])} points, "
              f"{data['seconds_make_measurement']} s + {data['seconds_points']} s", file=sys.stderr)
    if "bvll" in todo:
        write_reference_bvll_json()
        print(f"wrote {REFERENCE_BVLL_JSON}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
