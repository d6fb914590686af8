// Rate terms: one channel, one lepton, either a bin (with optional smearing) or one q2. The three
// stages of docs/numerics.md (Decomposition), kept separate: (0) contact integrals of S, L, Q
// (model independent, once per run), (1) resonance integrals of L P, Q P, Q |P|^2 (depend on the
// term and the pole only), (2) the contraction with a point's couplings (a few multiply-adds).
#pragma once

#include "kernels/channels/channel.hpp"
#include "kernels/numerics/panel_quadrature.hpp"
#include "kernels/numerics/smearing_window.hpp"

namespace bscan {

enum class TermKind : int { binned = 0, differential = 1 };

// RateTerm::q2 of a differential term evaluated at the point's q2 (an axis of the scan).
inline constexpr double kQ2FromAxis = -1.0;

struct RateTerm {
  Channel channel;
  Lepton lepton;
  TermKind kind;
  Bin bin;            // binned
  double q2;          // differential
  int component = 0;  // the rate (0) or an angular coefficient (KstarComponent)
};

// Shifts of the channel's coefficient directions at one point: c_k(q2) = a_k + b_k P(q2) for the
// b -> s mode (the CP conjugate uses conj(a), conj(b): weak phases flip, the propagator's does
// not).
struct DirCouplings {
  cplx a[kMaxDirs] = {};
  cplx b[kMaxDirs] = {};
};

struct ResonantIntegrals {
  cplx LP[2][kMaxDirs] = {};          // int W L_k P
  cplx QP[kMaxDirs][kMaxDirs] = {};   // int W Q_kl P
  cplx QPP[kMaxDirs][kMaxDirs] = {};  // int W Q_kl |P|^2
  bool pole_inside = false;           // the pole lies in the term's bin (set by the scan's stage 1)
};

// Which directions carry contact (a) and resonant (b) shifts in a model: bit k = direction k.
struct DirMasks {
  unsigned contact = 0, resonant = 0;
};

BSCAN_HD inline DirCouplings project(Channel c, const WcShifts& s) {
  DirDef d[kMaxDirs];
  const int n = with_channel(c, [&](auto ch) { return decltype(ch)::dirs(d); });
  DirCouplings out;
  for (int k = 0; k < n; ++k) {
    out.a[k] = s.a[d[k].i] + d[k].sign * s.a[d[k].j];
    out.b[k] = s.b[d[k].i] + d[k].sign * s.b[d[k].j];
  }
  return out;
}

// The directions of channel Ch a model's shifts reach (a compile-time constant of the model).
template <class Ch>
BSCAN_HD constexpr DirMasks project_masks(const WcMasks& m) {
  DirDef d[kMaxDirs] = {};
  const int n = Ch::dirs(d);
  DirMasks out;
  for (int k = 0; k < n; ++k) {
    const unsigned raw = 1u << d[k].i | 1u << d[k].j;
    if (m.contact & raw) out.contact |= 1u << k;
    if (m.resonant & raw) out.resonant |= 1u << k;
  }
  return out;
}

BSCAN_HD inline DirMasks project(Channel c, const WcMasks& m) {
  return with_channel(c, [&](auto ch) { return project_masks<decltype(ch)>(m); });
}

// DirMasks known to the compiler: term_rate's loops over directions then keep only those the
// model shifts.
template <unsigned Contact, unsigned Resonant>
struct FixedDirs {
  static constexpr unsigned contact = Contact, resonant = Resonant;
};

// Kinematic range [4 m_l^2, q2_max] of a term's channel and lepton.
BSCAN_HD inline void term_kinematic_range(const PhysicsInputs& in, const RateTerm& t, double& lo,
                                          double& hi) {
  const double m = in.m_lepton[static_cast<int>(t.lepton)];
  lo = 4.0 * m * m;
  hi = with_channel(t.channel, [&](auto ch) { return decltype(ch)::q2_max(in); });
}

// The spectral functions at q2 = M2 + x; the distances to the kinematic ends are taken from x so
// that they stay exact next to a pole (M2 = 0: plain q2).
BSCAN_HD inline Spectral channel_spectral(const PhysicsInputs& in, const RateTerm& t, double M2,
                                          double x, bool with_vector = true) {
  double lo, hi;
  term_kinematic_range(in, t, lo, hi);
  const KinPoint k{M2 + x, x - (lo - M2), (hi - M2) - x};
  return with_channel(t.channel, [&](auto ch) {
    return decltype(ch)::spectral(in, t.lepton, k, with_vector, t.component);
  });
}

// Integration interval of a binned term: bin support intersected with the kinematic range, with
// the square-root branch points of the integrand (lepton threshold, q2_max, the charm threshold of
// Y(q2), and q2 = 0 where sqrt(q2) of the smearing window and ln q2 of the light-quark loop sit).
BSCAN_HD inline Interval term_interval(const PhysicsInputs& in, const RateTerm& t) {
  double kin_lo, kin_hi, lo, hi;
  term_kinematic_range(in, t, kin_lo, kin_hi);
  bin_support(t.bin, lo, hi);
  Interval iv{lo > kin_lo ? lo : kin_lo, hi < kin_hi ? hi : kin_hi, {}, 0};
  const double branch[] = {0.0, kin_lo, kin_hi, 4.0 * in.sm.m_c_pole * in.sm.m_c_pole};
  for (double b : branch) iv.branch[iv.n_branch++] = b;
  return iv;
}

inline constexpr int kMaxFeatures = 32;

// Breakpoints where a smeared term's window changes on the scale of the resolution.
BSCAN_HD inline int term_features(const RateTerm& t, double* f) {
  int n = 0;
  const Bin& b = t.bin;
  if (b.r <= 0.0) return n;
  const double edges[2] = {std::sqrt(b.q2_lo), std::sqrt(b.q2_hi)};
  for (double e : edges)
    for (int k = -6; k <= 6; ++k) {
      const double q = e + k * b.r;
      if (q > 0.0) f[n++] = q * q;
    }
  return n;
}

inline constexpr double kContactPanel = 0.25;  // GeV^2, with 16-point rules
inline constexpr double kResonantPanel = 0.5;  // GeV^2, with 10-point rules

// Stage 0: contact integrals (binned) or spectral values (differential) of a term.
BSCAN_HD inline Spectral term_contact(const PhysicsInputs& in, const RateTerm& t) {
  if (t.kind == TermKind::differential) return channel_spectral(in, t, 0.0, t.q2);
  Spectral acc;
  double f[kMaxFeatures];
  const int nf = term_features(t, f);
  const CorrectionTable& table = in.corrections;
  panel_quadrature<16>(term_interval(in, t), f, nf, table.q2, table.n, Pole{}, kContactPanel,
                       [&](double q2, double x, double w) {
                         const double ww = w * bin_window(t.bin, q2);
                         if (ww == 0.0) return;
                         const Spectral s = channel_spectral(in, t, 0.0, x);
                         for (int m = 0; m < 2; ++m) {
                           acc.S[m] += ww * s.S[m];
                           for (int k = 0; k < kMaxDirs; ++k) acc.L[m][k] += ww * s.L[m][k];
                         }
                         for (int k = 0; k < kMaxDirs; ++k)
                           for (int l = 0; l < kMaxDirs; ++l) acc.Q[k][l] += ww * s.Q[k][l];
                       });
  return acc;
}

// Stage 1: resonance integrals of a binned term for a pole; only the entries the masks need.
BSCAN_HD inline ResonantIntegrals term_resonant(const PhysicsInputs& in, const RateTerm& t,
                                                const Pole& pole, DirMasks masks) {
  ResonantIntegrals acc;
  double f[kMaxFeatures];
  const int nf = term_features(t, f);
  const unsigned rm = masks.resonant, cm = masks.contact;
  // Angular coefficients mix the scalar amplitude with vector ones: always keep F_V there.
  const bool with_vector =
      t.component != 0 ||
      (rm & with_channel(t.channel, [](auto ch) { return decltype(ch)::vector_dirs(); })) != 0u;
  // The nodes of the correction table are breakpoints whenever the SM vector amplitude is used
  // (the spline's third derivative jumps there).
  const CorrectionTable& table = in.corrections;
  panel_quadrature<10>(
      term_interval(in, t), f, nf, with_vector ? table.q2 : nullptr, with_vector ? table.n : 0,
      pole, kResonantPanel, [&](double q2, double x, double w) {
        const double ww = w * bin_window(t.bin, q2);
        if (ww == 0.0) return;
        const Spectral s = channel_spectral(in, t, pole.active ? pole.M2 : 0.0, x, with_vector);
        const double den = x * x + pole.gamma * pole.gamma;
        const cplx P{x / den, -pole.gamma / den};
        const double P2 = 1.0 / den;
        for (int k = 0; k < kMaxDirs; ++k) {
          if (!(rm >> k & 1u)) continue;
          for (int m = 0; m < 2; ++m) acc.LP[m][k] += ww * (s.L[m][k] * P);
          for (int l = 0; l < kMaxDirs; ++l) {
            if (rm >> l & 1u) acc.QPP[l][k] += (ww * P2) * s.Q[l][k];
            if (cm >> l & 1u) acc.QP[l][k] += ww * (s.Q[l][k] * P);
          }
        }
      });
  return acc;
}

// Stage 2: CP-averaged rate of a term at one point [GeV^-1 for differential, GeV for binned].
// `res` may be null for models without resonant shifts; `P` is the propagator at the term's q2
// (differential terms only).
// `sm_interference` = false drops the SM-resonance interference (int W L P) of a binned term.
// `dirs`: the directions the model shifts (project(channel, Model::wc_masks()), or FixedDirs of
// them); the others have zero couplings, so leaving them out of the sums changes nothing but the
// cost.
template <class Dirs = DirMasks>
BSCAN_HD BSCAN_INLINE double term_rate(const Spectral& c0, const ResonantIntegrals* res,
                                       const DirCouplings& cp, TermKind kind, cplx P,
                                       bool sm_interference = true,
                                       Dirs dirs = {(1u << kMaxDirs) - 1u, (1u << kMaxDirs) - 1u}) {
  const bool differential = kind == TermKind::differential;
  // Contact directions: with the resonant ones at the point's q2 for a differential term.
  const unsigned am = dirs.contact | (differential ? dirs.resonant : 0u);
  const unsigned bm = (differential || res != nullptr) ? dirs.resonant : 0u;
  int ia[kMaxDirs], ib[kMaxDirs], iu[kMaxDirs], na = 0, nb = 0, nu = 0;
  for (int k = 0; k < kMaxDirs; ++k) {
    if (am >> k & 1u) ia[na++] = k;
    if (bm >> k & 1u) ib[nb++] = k;
    if ((am | bm) >> k & 1u) iu[nu++] = k;
  }
  double total = 0.0;
  for (int m = 0; m < 2; ++m) {
    // Couplings of CP-conjugate m, computed where used: arrays of cplx would be zeroed per term.
    const auto b = [&](int k) { return m == 0 ? cp.b[k] : conj(cp.b[k]); };
    const auto a = [&](int k) {
      const cplx v = m == 0 ? cp.a[k] : conj(cp.a[k]);
      return differential && (bm >> k & 1u) ? v + b(k) * P : v;  // c_k(q2) at the point
    };
    double r = c0.S[m];
    for (int x = 0; x < na; ++x) {
      const int k = ia[x];
      const cplx ak = a(k);
      r += 2.0 * (c0.L[m][k] * ak).re;
      for (int y = 0; y < na; ++y) r += (conj(ak) * c0.Q[k][ia[y]] * a(ia[y])).re;
    }
    if (!differential && res != nullptr) {
      for (int u = 0; u < nu; ++u) {
        const int k = iu[u];
        const bool in_a = am >> k & 1u, in_b = bm >> k & 1u;
        if (in_b && sm_interference) r += 2.0 * (res->LP[m][k] * b(k)).re;
        for (int y = 0; y < nb; ++y) {
          const int l = ib[y];
          if (in_a) r += 2.0 * (conj(a(k)) * b(l) * res->QP[k][l]).re;
          if (in_b) r += (conj(b(k)) * b(l) * res->QPP[k][l]).re;
        }
      }
    }
    total += 0.5 * r;
  }
  return total;
}

}  // namespace bscan
