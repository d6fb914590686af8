// Stage 1 from the resonant bases (kernels/channels/resonant_basis.hpp) against the graded
// quadrature it replaces (term_resonant, itself within 2.5e-8 of the adaptive reference:
// test_kernel_vs_reference): a random sweep of >= 1e5 (term, pole) combinations - B -> K and
// B -> K* (rate and angular coefficients), e and mu, unsmeared and smeared bins, the masks of the
// alp (resonant C_P), vector (C9, C10, C_P) and of every direction - with Gamma/M in {1e-18, 1e-9,
// 1e-3, 0.5} and log-uniform, poles inside, on and next to bin edges, near the kinematic ends and
// far away. Compared is the binned rate at random couplings (resonant part ~ 1e-4 ... 1e4 of the
// SM), as in the accuracy contract; tolerance 1e-6 (docs/numerics.md) of the rate (angular
// coefficients: of the bin's rate at the same couplings). Ten poles of every rate term are also
// compared with the adaptive reference (tests/reference/) directly.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numbers>
#include <random>
#include <vector>

#include "host/config/physics_data.hpp"
#include "host/plan/resonant_basis.hpp"
#include "kernels/channels/resonant_basis.hpp"
#include "tests/reference/reference_bkll.hpp"

namespace bscan {
namespace {

constexpr double kContract = 1e-6;

const PhysicsData& physics() {
  static const PhysicsData data = load_physics_data(std::filesystem::path(BSCAN_SOURCE_DIR) /
                                                    "data/parameters/flavio-2.7.toml");
  return data;
}

struct Gen {
  std::mt19937_64 rng;
  double uniform(double a = 0.0, double b = 1.0) {
    return std::uniform_real_distribution<double>(a, b)(rng);
  }
  double log_uniform(double a, double b) { return std::exp(uniform(std::log(a), std::log(b))); }
  int index(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
  cplx phase(double m) {
    const double phi = uniform(0.0, 2.0 * std::numbers::pi);
    return {m * std::cos(phi), m * std::sin(phi)};
  }
};

double kin_lo(const PhysicsInputs& in, Lepton l) {
  const double m = in.m_lepton[static_cast<int>(l)];
  return 4.0 * m * m;
}

double kin_hi(const PhysicsInputs& in, Channel c) {
  return with_channel(c, [&](auto ch) { return decltype(ch)::q2_max(in); });
}

// A random binned term and the direction masks of one of the models.
RateTerm random_term(const PhysicsInputs& in, Gen& g, DirMasks& masks) {
  RateTerm t{};
  t.kind = TermKind::binned;
  t.channel = g.uniform() < 0.5 ? Channel::BplusKplus : Channel::B0Kstar0;
  t.lepton = g.uniform() < 0.5 ? Lepton::e : Lepton::mu;
  const bool kstar = t.channel == Channel::B0Kstar0;
  t.component = kstar && g.uniform() < 0.3 ? 1 + g.index(kJ9) : 0;
  const double qmax = kin_hi(in, t.channel), qmin = kin_lo(in, t.lepton);
  const Bin fixed[7] = {{1.1, 6.0, 0.0},  {0.045, 1.1, 0.0}, {15.0, 19.0, 0.0}, {0.0004, 0.05, 0.0},
                        {0.1, 0.98, 0.0}, {11.0, 12.5, 0.0}, {1.0, 8.0, 0.0}};
  const double u = g.uniform();
  if (u < 0.4) {
    t.bin = fixed[g.index(7)];
  } else if (u < 0.55) {  // from the lepton threshold, or ending at / beyond q2_max
    t.bin = g.uniform() < 0.5
                ? Bin{qmin * (1.0 + g.log_uniform(1e-9, 0.1)), g.uniform(0.3, 6.0), 0}
                : Bin{g.uniform(14.0, qmax - 1.0),
                      g.uniform() < 0.5 ? qmax - g.log_uniform(1e-9, 0.03) : qmax + 1, 0.0};
  } else {
    const double lo = g.uniform() < 0.5 ? g.log_uniform(1e-3, 2.0) : g.uniform(0.05, 16.0);
    t.bin = {lo, std::min(lo + g.log_uniform(0.01, 6.0), qmax - 0.01), 0.0};
  }
  const double rs[3] = {0.0, 0.010, 0.002};
  t.bin.r = rs[g.index(3)];
  const unsigned all = kstar ? 0x3Fu : 0xFu;
  const WcMasks alp{0u, 1u << kCP | 1u << kCPp}, vec{0u, 1u << kC9 | 1u << kC10 | 1u << kCP};
  switch (g.index(3)) {
    case 0:
      masks = project(t.channel, alp);
      break;
    case 1:
      masks = project(t.channel, vec);
      break;
    default:
      masks = {all, all};
  }
  return t;
}

// A pole relative to the term's bin (edges, inside, near, far, kinematic ends).
Pole random_pole(const PhysicsInputs& in, const RateTerm& t, Gen& g) {
  const double ratios[4] = {1e-18, 1e-9, 1e-3, 0.5};
  const double r = g.uniform() < 0.5 ? ratios[g.index(4)] : g.log_uniform(1e-18, 0.5);
  const double lo = t.bin.q2_lo, hi = t.bin.q2_hi;
  double M2 = 0.0;
  switch (g.index(8)) {
    case 0:
    case 1:
      M2 = g.uniform(lo, hi);
      break;
    case 2:
      M2 = g.uniform() < 0.5 ? lo : hi;  // on a bin edge
      break;
    case 3:
      M2 = (g.uniform() < 0.5 ? lo : hi) * (1.0 + g.uniform(-5.0, 5.0) * std::max(r, 1e-12));
      break;
    case 4: {  // a few resolutions or 5 MeV from an edge in |q|
      const double e = std::sqrt(g.uniform() < 0.5 ? lo : hi);
      const double step = t.bin.r > 0.0 ? t.bin.r : 0.005;
      M2 = std::pow(std::max(e + g.uniform(-8.0, 8.0) * step, 1e-3), 2);
      break;
    }
    case 5:
      M2 =
          g.uniform() < 0.5 ? g.log_uniform(1e-6, std::max(lo, 2e-6)) : g.log_uniform(hi, 250000.0);
      break;
    case 6: {
      const double e = g.uniform() < 0.5 ? kin_lo(in, t.lepton) : kin_hi(in, t.channel);
      M2 = e * (1.0 + g.uniform(-3.0, 3.0) * std::clamp(r, 1e-9, 0.1));
      break;
    }
    default:
      M2 = g.uniform(0.0, 25.0);
  }
  return {M2, M2 * r, true};
}

// Random couplings with a resonant part `strength` times a rough SM rate of the bin.
DirCouplings random_couplings(const RateTerm& t, const Pole& p, DirMasks m, Gen& g) {
  DirCouplings cp;
  double lo, hi;
  bin_support(t.bin, lo, hi);
  lo = std::max(lo, 1e-9);
  const double xa = lo - p.M2, xb = hi - p.M2, gm = p.gamma;
  const double int_P2 = xa * xb > 0.0 ? std::atan((xb - xa) * gm / (gm * gm + xa * xb)) / gm
                                      : (std::atan(xb / gm) - std::atan(xa / gm)) / gm;
  const double strength = g.log_uniform(1e-4, 1e4), sm = 30.0 * (hi - lo);
  for (int k = 0; k < kMaxDirs; ++k) {
    if (m.contact >> k & 1u) cp.a[k] = g.phase(g.uniform(0.0, 2.0));
    if (m.resonant >> k & 1u)
      cp.b[k] = g.phase(std::sqrt(strength * sm / (100.0 * int_P2)) * g.log_uniform(0.3, 3.0));
  }
  return cp;
}

TEST(ResonantBasis, MatchesGradedQuadratureOnRandomSweep) {
  const PhysicsInputs& in = physics().inputs();
  Gen g{std::mt19937_64(20261202)};
  const char* env = std::getenv("BSCAN_BASIS_SWEEP");
  const long long target = env != nullptr ? std::atoll(env) : 100000;
  const int poles_per_term = 500;
  constexpr int kPolesVsReference = 10;
  long long n = 0, fallback = 0, panels = 0, terms = 0, n_ref = 0;
  double worst = 0.0, worst_ref = 0.0;
  std::vector<double> errs;
  while (n < target) {
    DirMasks masks;
    const RateTerm t = random_term(in, g, masks);
    const auto t_build = std::chrono::steady_clock::now();
    const BasisTables bt = build_resonant_basis(in, t, masks);
    if (std::getenv("BSCAN_BASIS_VERBOSE") != nullptr)
      std::printf(
          "term ch %d l %d comp %d bin [%g, %g] r %g masks %u/%u: %d panels, %d integrands, "
          "%.1f ms\n",
          static_cast<int>(t.channel), static_cast<int>(t.lepton), t.component, t.bin.q2_lo,
          t.bin.q2_hi, t.bin.r, masks.contact, masks.resonant, bt.term[0].n_panels,
          bt.term[0].n_fun,
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_build)
              .count());
    const BasisStore st = bt.view();
    const Spectral c0 = term_contact(in, t);
    ++terms;
    panels += st.term[0].n_panels;
    for (int i = 0; i < poles_per_term; ++i, ++n) {
      const Pole p = random_pole(in, t, g);
      ResonantIntegrals fast;
      if (!term_resonant_basis(st, 0, p, fast)) {
        ++fallback;
        continue;
      }
      const ResonantIntegrals ref = term_resonant(in, t, p, masks);
      const DirCouplings cp = random_couplings(t, p, masks, g);
      const double a = term_rate(c0, &fast, cp, TermKind::binned, {});
      const double b = term_rate(c0, &ref, cp, TermKind::binned, {});
      // Angular coefficients (which may vanish) relative to the rate of the bin.
      double norm = std::fabs(b);
      if (t.component != 0) {
        RateTerm t0 = t;
        t0.component = 0;
        const ResonantIntegrals r0 = term_resonant(in, t0, p, masks);
        norm = std::fabs(term_rate(term_contact(in, t0), &r0, cp, TermKind::binned, {}));
      }
      const double err = a == b ? 0.0 : std::fabs(a - b) / norm;
      // Some of every term's poles also against the adaptive reference directly.
      if (t.component == 0 && i < kPolesVsReference) {
        const double r = reference::binned_rate(in, t, cp, p);
        const double e = a == r ? 0.0 : std::fabs(a - r) / std::fabs(r);
        ++n_ref;
        if (!(e <= worst_ref)) worst_ref = e;
        EXPECT_LE(e, kContract) << "against the adaptive reference: M2 " << p.M2 << " Gamma/M "
                                << p.gamma / p.M2 << " bin [" << t.bin.q2_lo << ", " << t.bin.q2_hi
                                << "] r " << t.bin.r;
      }
      errs.push_back(err);
      if (!(err <= worst)) worst = err;
      if (!(err <= kContract)) {
        double r = NAN;
        try {
          r = t.component == 0 ? reference::binned_rate(in, t, cp, p) : NAN;
        } catch (const std::exception&) {
        }
        ADD_FAILURE() << "channel " << static_cast<int>(t.channel) << " lepton "
                      << static_cast<int>(t.lepton) << " component " << t.component << " bin ["
                      << t.bin.q2_lo << ", " << t.bin.q2_hi << "] r " << t.bin.r << " masks "
                      << masks.contact << "/" << masks.resonant << ": M2 " << p.M2 << " Gamma/M "
                      << p.gamma / p.M2 << ": basis " << a << " quadrature " << b << " (rel " << err
                      << "); adaptive reference " << r;
      }
    }
  }
  std::sort(errs.begin(), errs.end());
  std::printf(
      "%lld combinations on %lld terms (%.1f panels per term): max rel %.2e, median %.2e, "
      "99.9%% %.2e; %lld (%.2f%%) left to the graded quadrature; %lld against the adaptive "
      "reference: max rel %.2e\n",
      n, terms, double(panels) / terms, worst, errs[errs.size() / 2],
      errs[static_cast<std::size_t>(0.999 * (errs.size() - 1))], fallback, 100.0 * fallback / n,
      n_ref, worst_ref);
  EXPECT_LT(fallback, n / 20);  // the fallback is for poles next to a square-root end only
}

}  // namespace
}  // namespace bscan
