// Independent CPU reference for B -> K l l and B0 -> K*0 l l rate terms: flavio's helicity
// amplitudes with std::complex, own form factors and charm loop, GSL splines of the SM correction
// table, GSL adaptive quadrature with a resonance-aware change of variables. See
// reference_bkll.hpp; the B -> K* amplitudes are in reference_bvll.cpp.
#include "tests/reference/reference_bkll.hpp"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_spline.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/reference/reference_bvll.hpp"

namespace bscan::reference {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kWindowSigmas = 6.0;      // smeared bins: integrated over bin +- 6 r in |q|
constexpr double kCoreWidths = 1e3;        // |q2 - M^2| <= K gamma: integrated in atan(x/gamma) ...
constexpr double kCoreMax = 30.0;          // ... up to 30 GeV^2 (beyond, tan(theta) loses x)
constexpr double kLowFraction = 0.5;       // B -> K*: q2 < M^2/2 integrated in q2 (binned_rate)
constexpr double kLogRatio = 2.0;          // outer pieces spanning more than this ratio: in log|x|
constexpr double kMinGap = 1e-9;           // breakpoints closer than this (relative) are merged
constexpr double kRoughTol = 1e-6;         // first pass: the scale of the total
constexpr double kRoundoffSlack = 10.0;    // see acceptable() and integrate_piece()
constexpr int kAttempts = 3;               // see integrate_piece()
constexpr std::size_t kWorkspace = 20000;  // GSL subintervals per piece
constexpr double kThresholdGrading = 4.0;  // B -> K*: breakpoints 4 m^2 (1 + 4^k) and 4^k GeV^2
constexpr int kThresholdSteps = 40;        // ... for k = -kThresholdSteps .. 0 (photon pole 1/q2)

Complex to_std(cplx c) { return {c.re, c.im}; }

// ---------------------------------------------------------------------------------------------
// SM correction table: GSL natural cubic splines, clamped to the end values outside the table.

class CorrectionSplines {
 public:
  explicit CorrectionSplines(const CorrectionTable& t) : n_(t.n) {
    if (n_ == 0) return;
    if (n_ < 3 || t.q2 == nullptr || t.y == nullptr)
      throw std::runtime_error("reference: the SM correction table needs >= 3 nodes");
    const std::vector<double> x(t.q2, t.q2 + n_);
    lo_ = x.front();
    hi_ = x.back();
    for (int c = 0; c < kCorrectionColumns; ++c) {
      std::vector<double> y(n_);
      for (int i = 0; i < n_; ++i) y[i] = t.y[i * kCorrectionColumns + c];
      first_[c] = y.front();
      last_[c] = y.back();
      spline_[c].reset(gsl_spline_alloc(gsl_interp_cspline, n_));
      gsl_spline_init(spline_[c].get(), x.data(), y.data(), n_);  // copies x, y
      accel_[c].reset(gsl_interp_accel_alloc());
    }
  }

  double operator()(int col, double q2) const {
    if (n_ == 0) return 0.0;
    if (q2 <= lo_) return first_[col];
    if (q2 >= hi_) return last_[col];
    return gsl_spline_eval(spline_[col].get(), q2, accel_[col].get());
  }

 private:
  struct SplineFree {
    void operator()(gsl_spline* s) const { gsl_spline_free(s); }
  };
  struct AccelFree {
    void operator()(gsl_interp_accel* a) const { gsl_interp_accel_free(a); }
  };
  int n_;
  double lo_ = 0.0, hi_ = 0.0;
  double first_[kCorrectionColumns] = {}, last_[kCorrectionColumns] = {};
  std::unique_ptr<gsl_spline, SplineFree> spline_[kCorrectionColumns];
  std::unique_ptr<gsl_interp_accel, AccelFree> accel_[kCorrectionColumns];
};

// ---------------------------------------------------------------------------------------------
// Form factors, charm loop, amplitudes.

// Conformal variable z(t), t0 = t+ (1 - sqrt(1 - t-/t+)) [FL formfactors/common.py z].
double conformal_z(double t, double m_B, double m_M) {
  const double t_plus = (m_B + m_M) * (m_B + m_M);
  const double t_minus = (m_B - m_M) * (m_B - m_M);
  const double t_zero = t_plus * (1.0 - std::sqrt(1.0 - t_minus / t_plus));
  const double s = std::sqrt(t_plus - t), s0 = std::sqrt(t_plus - t_zero);
  return (s - s0) / (s + s0);
}

struct FormFactors {
  double f_plus, f_zero, f_T;
};

// BSZ3: F = sum_k a_k (z(q2) - z(0))^k / (1 - q2/m_R^2) [FL b_p/bsz.py ff; arXiv:1503.05534].
FormFactors form_factors(const BToKInputs& ch, double q2) {
  const double dz = conformal_z(q2, ch.z_m_B, ch.z_m_K) - conformal_z(0.0, ch.z_m_B, ch.z_m_K);
  const auto series = [&](const BszSeries& s) {
    const double poly = s.a[0] + s.a[1] * dz + s.a[2] * dz * dz;
    return poly / (1.0 - q2 / (s.m_pole * s.m_pole));
  };
  return {series(ch.f_plus), series(ch.f_zero), series(ch.f_T)};
}

// Quark-loop function h(q2, m, mu) [FL matrixelements.h; hep-ph/0106067 eq. (11)]; m = 0 massless.
Complex loop_h(double q2, double m, double mu) {
  if (m == 0.0) return {8.0 / 27.0 - 4.0 / 9.0 * std::log(q2 / (mu * mu)), 4.0 * kPi / 9.0};
  const double z = 4.0 * m * m / q2;
  const Complex A = z > 1.0
                        ? Complex(std::atan(1.0 / std::sqrt(z - 1.0)), 0.0)
                        : Complex(std::log((1.0 + std::sqrt(1.0 - z)) / std::sqrt(z)), -kPi / 2.0);
  return -4.0 / 9.0 * std::log(m * m / (mu * mu)) + 8.0 / 27.0 + 4.0 / 9.0 * z -
         4.0 / 9.0 * (2.0 + z) * std::sqrt(std::abs(z - 1.0)) * A;
}

// Y(q2) = h(m_c) F_c - h(m_b) F_b / 2 - h(0) F_u / 2 + F_4, pole masses [FL matrixelements.Y].
Complex charm_loop_y(const SmInputs& sm, double q2) {
  const double F_c = 4.0 / 3.0 * sm.C1 + sm.C2 + 6.0 * sm.C3 + 60.0 * sm.C5;
  const double F_b = 7.0 * sm.C3 + 4.0 / 3.0 * sm.C4 + 76.0 * sm.C5 + 64.0 / 3.0 * sm.C6;
  const double F_u = sm.C3 + 4.0 / 3.0 * sm.C4 + 16.0 * sm.C5 + 64.0 / 3.0 * sm.C6;
  const double F_4 = 4.0 / 3.0 * sm.C3 + 64.0 / 9.0 * sm.C5 + 64.0 / 27.0 * sm.C6;
  return F_c * loop_h(q2, sm.m_c_pole, sm.mu_b) - 0.5 * F_b * loop_h(q2, sm.m_b_pole, sm.mu_b) -
         0.5 * F_u * loop_h(q2, 0.0, sm.mu_b) + F_4;
}

// Everything a rate evaluation of one channel and lepton needs.
struct ChannelContext {
  ChannelContext(const PhysicsInputs& inputs, Channel c, Lepton l)
      : in(inputs),
        channel(c),
        lepton(l),
        ch(inputs.bplus_kplus),
        m_B(c == Channel::B0Kstar0 ? inputs.b0_kstar0.m_B : inputs.bplus_kplus.m_B),
        m_M(c == Channel::B0Kstar0 ? inputs.b0_kstar0.m_V : inputs.bplus_kplus.m_K),
        m_l(inputs.m_lepton[static_cast<int>(l)]),
        corrections(inputs.corrections) {
    if (c != Channel::BplusKplus && c != Channel::B0Kstar0)
      throw std::invalid_argument("reference: unknown channel");
  }
  double q2_min() const { return 4.0 * m_l * m_l; }
  double q2_max() const { return (m_B - m_M) * (m_B - m_M); }

  const PhysicsInputs& in;
  Channel channel;
  Lepton lepton;
  const BToKInputs& ch;  // B -> K form factors (B+ -> K+ only)
  double m_B, m_M;       // channel masses (kinematics)
  double m_l;
  CorrectionSplines corrections;
};

// A q2 point with its distances to the kinematic ends, q2 - 4 m^2 and (m_B - m_K)^2 - q2, given
// separately so that they keep their relative precision when q2 is close to an end.
struct Q2Point {
  double q2, above_min, below_max;
};

Q2Point q2_point(const ChannelContext& c, double q2) {
  return {q2, q2 - c.q2_min(), c.q2_max() - q2};
}

// dGamma/dq2 [GeV^-1] of B0 -> K*0 l l for one CP mode: SM effective coefficients (Level 2, as
// for B -> K) plus the shifts of the six K* directions c = (C9+, C10+, C9-, C10-, CS-, CP-):
// C9 = C9eff + (c0 + c2)/2, C9' = (c0 - c2)/2, C10 = C10_SM + (c1 + c3)/2, C10' = (c1 - c3)/2,
// CS - CS' = c4, CP - CP' = c5; then reference_bvll.cpp.
double kstar_mode_density(const ChannelContext& c, const Q2Point& pt, const Shifts& np,
                          bool cp_conjugate) {
  const double q2 = pt.q2;
  const SmInputs& sm = c.in.sm;
  const int col = cp_conjugate ? 4 : 0;
  const Complex dC7(c.corrections(col + 0, q2), c.corrections(col + 1, q2));
  const Complex dC9(c.corrections(col + 2, q2), c.corrections(col + 3, q2));
  bvll::Coefficients w;
  w.C7 = sm.C7eff + dC7;
  w.C7p = sm.C7peff;
  w.C9 = sm.C9 + charm_loop_y(sm, q2) + dC9 + 0.5 * (np[0] + np[2]);
  w.C9p = 0.5 * (np[0] - np[2]);
  w.C10 = sm.C10 + 0.5 * (np[1] + np[3]);
  w.C10p = 0.5 * (np[1] - np[3]);
  w.CS_minus = np[4];
  w.CP_minus = np[5];
  bvll::qcdf_shifts(c.in, cp_conjugate, q2, w.qcdf);
  const Complex xi = cp_conjugate ? std::conj(to_std(sm.xi_t)) : to_std(sm.xi_t);
  return bvll::mode_density(c.in, c.lepton, q2, pt.above_min, pt.below_max, w, xi);
}

// dGamma/dq2 [GeV^-1] of the b -> s mode (cp_conjugate = false) or of its CP conjugate, with NP
// shifts `np` already conjugated by the caller; flavio's helicity form [FL angular.py, bpll.py].
double mode_density(const ChannelContext& c, const Q2Point& pt, const Shifts& np,
                    bool cp_conjugate) {
  if (pt.above_min <= 0.0 || pt.below_max < 0.0) return 0.0;
  if (c.channel == Channel::B0Kstar0) return kstar_mode_density(c, pt, np, cp_conjugate);
  const double q2 = pt.q2;
  const SmInputs& sm = c.in.sm;
  const double mB = c.ch.m_B, mK = c.ch.m_K, m = c.m_l;
  const FormFactors f = form_factors(c.ch, q2);
  // SM effective coefficients as flavio's [FL wilsoncoefficients.py get_wceff]: table columns
  // (re, im) of dC7, dC9 for b -> s, then dC7bar, dC9bar for the CP conjugate.
  const int col = cp_conjugate ? 4 : 0;
  const Complex dC7(c.corrections(col + 0, q2), c.corrections(col + 1, q2));
  const Complex dC9(c.corrections(col + 2, q2), c.corrections(col + 3, q2));
  const Complex C7 = sm.C7eff + dC7, C7p = sm.C7peff;
  const Complex C9 = sm.C9 + charm_loop_y(sm, q2) + dC9 + np[0];
  const Complex C10 = sm.C10 + np[1], CS = np[2], CP = np[3];
  // N_F = (4 G_F / sqrt 2) xi_t alpha_e / (4 pi) [FL bpll.py prefactor]; CP conjugate: conj(xi_t).
  const Complex xi = cp_conjugate ? std::conj(to_std(sm.xi_t)) : to_std(sm.xi_t);
  const Complex N = 4.0 * sm.G_F / std::sqrt(2.0) * xi * sm.alpha_e / (4.0 * kPi);
  const double mB2 = mB * mB, mK2 = mK * mK;
  // lambda(m_B^2, m_K^2, q2) = ((m_B + m_K)^2 - q2) ((m_B - m_K)^2 - q2); beta^2 = 1 - 4 m^2/q2.
  const double lam = ((mB + mK) * (mB + mK) - q2) * pt.below_max;
  const double sqlam = std::sqrt(std::max(lam, 0.0));
  const double beta2 = pt.above_min / q2, beta = std::sqrt(beta2);
  // Helicity amplitudes h_V, h_A, h_S, h_P [FL angular.py helicity_amps_p].
  const Complex hV = N * sqlam / (2.0 * std::sqrt(q2)) *
                     (C9 * f.f_plus + 2.0 * sm.m_b / (mB + mK) * (C7 + C7p) * f.f_T);
  const Complex hA = N * sqlam / (2.0 * std::sqrt(q2)) * C10 * f.f_plus;
  const Complex hS = N * (mB2 - mK2) / 2.0 * f.f_zero * CS;
  const Complex hP = N * (mB2 - mK2) / 2.0 * f.f_zero * (CP + 2.0 * m / q2 * C10);
  // dGamma/dq2 = sqrt(lam) beta q2 / (256 pi^3 M_B^3) [(2 - 2 beta^2/3)|h_V|^2 + 4/3 beta^2 |h_A|^2
  //              + 2 beta^2 |h_S|^2 + 2 |h_P|^2]  [FL angular.py angularcoeffs_general_p]
  const double bracket = (2.0 - 2.0 * beta2 / 3.0) * std::norm(hV) +
                         4.0 / 3.0 * beta2 * std::norm(hA) + 2.0 * beta2 * std::norm(hS) +
                         2.0 * std::norm(hP);
  return sqlam * beta * q2 / (256.0 * kPi * kPi * kPi * mB2 * mB) * bracket;
}

// 1/2 (dGamma + dGammabar) with the (already q2-dependent) shifts of each mode.
double cp_average(const ChannelContext& c, const Q2Point& pt, const Shifts& bs, const Shifts& bar) {
  return 0.5 * (mode_density(c, pt, bs, false) + mode_density(c, pt, bar, true));
}

// Shifts c_k = a_k + b_k P of the b -> s mode and conj(a_k) + conj(b_k) P of its conjugate.
void shifts_at(const DirCouplings& cp, Complex P, Shifts& bs, Shifts& bar) {
  for (int k = 0; k < kMaxDirs; ++k) {
    bs[k] = to_std(cp.a[k]) + to_std(cp.b[k]) * P;
    bar[k] = std::conj(to_std(cp.a[k])) + std::conj(to_std(cp.b[k])) * P;
  }
}

// P = 1 / (x + i gamma), x = q2 - M^2 given exactly.
Complex propagator(double x, double gamma) {
  const double d = x * x + gamma * gamma;
  return {x / d, -gamma / d};
}

// ---------------------------------------------------------------------------------------------
// Integration.

// Standard normal upper tail Q(u) = 1 - Phi(u), accurate in both tails.
double upper_tail(double u) { return 0.5 * std::erfc(u / std::numbers::sqrt2); }

// Support of a binned term: bin (+- 6 r in |q| when smeared) within [4 m^2, (m_B - m_K)^2]
// (as rate_terms.hpp term_interval defines the observable).
void integration_range(const ChannelContext& c, const Bin& bin, double& lo, double& hi) {
  lo = bin.q2_lo;
  hi = bin.q2_hi;
  if (bin.r > 0.0) {
    const double a = std::sqrt(bin.q2_lo) - kWindowSigmas * bin.r;
    const double b = std::sqrt(bin.q2_hi) + kWindowSigmas * bin.r;
    lo = a > 0.0 ? a * a : 0.0;
    hi = b * b;
  }
  lo = std::max(lo, c.q2_min());
  hi = std::min(hi, c.q2_max());
}

enum class Var { q2, x, theta, log_pos, log_neg };

// W(q2) * CP-averaged density at q2 = M^2 + x, in one of the integration variables.
struct RateIntegrand {
  const ChannelContext& ctx;
  const Bin& bin;
  const DirCouplings& cp;
  const Pole& pole;
  double end_lo, end_hi;  // M^2 - 4 m^2 and (m_B - m_K)^2 - M^2
  Var var = Var::q2;

  double at(double q2, double x) const {
    const double w = bin.r > 0.0 ? window(bin, q2) : 1.0;  // unsmeared: the range is the bin
    if (w == 0.0) return 0.0;
    Shifts bs, bar;
    shifts_at(cp, propagator(x, pole.gamma), bs, bar);
    // Distances to the kinematic ends from x where the pole is close to an end (exact there).
    Q2Point pt = q2_point(ctx, q2);
    if (std::abs(end_lo) < std::abs(q2)) pt.above_min = x + end_lo;
    if (std::abs(end_hi) < std::abs(q2)) pt.below_max = end_hi - x;
    return w * cp_average(ctx, pt, bs, bar);
  }

  double operator()(double t) const {
    const double g = pole.gamma;
    switch (var) {
      case Var::q2:
        return at(t, t - pole.M2);
      case Var::x:
        return at(pole.M2 + t, t);
      case Var::theta: {  // x = gamma tan(theta), dx = (x^2 + gamma^2)/gamma dtheta
        const double x = g * std::tan(t);
        return at(pole.M2 + x, x) * ((x * x + g * g) / g);
      }
      case Var::log_pos: {  // x = e^u, dx = x du
        const double x = std::exp(t);
        return at(pole.M2 + x, x) * x;
      }
      case Var::log_neg: {  // x = -e^u, |dx| = |x| du
        const double x = -std::exp(t);
        return at(pole.M2 + x, x) * (-x);
      }
    }
    return 0.0;
  }
};

double gsl_trampoline(double t, void* p) { return (*static_cast<const RateIntegrand*>(p))(t); }

const char* var_name(Var v) {
  switch (v) {
    case Var::q2:
      return "q2";
    case Var::x:
      return "x";
    case Var::theta:
      return "theta";
    case Var::log_pos:
      return "log(x)";
    case Var::log_neg:
      return "log(-x)";
  }
  return "?";
}

struct WorkspaceFree {
  void operator()(gsl_integration_workspace* w) const { gsl_integration_workspace_free(w); }
};
using Workspace = std::unique_ptr<gsl_integration_workspace, WorkspaceFree>;

// One piece of the range: [pts[0], pts[1]] in variable `var` (pts[0] < pts[1]), then interior
// breakpoints in any order.
struct Piece {
  Var var;
  std::vector<double> pts;
};

struct QuadResult {
  int status = GSL_SUCCESS;
  double value = 0.0, abserr = 0.0;
};

// GSL's "roundoff error" verdict (it cannot shrink its error estimate any further) is accepted
// when the estimate is within kRoundoffSlack of the tolerance; any other failure is not.
bool acceptable(const QuadResult& r, double eps_abs, double rel_tol) {
  const double tol = std::max(eps_abs, rel_tol * std::abs(r.value));
  if (!std::isfinite(r.value) || !std::isfinite(r.abserr)) return false;
  if (r.status == GSL_SUCCESS) return true;
  return r.status == GSL_EROUND && r.abserr <= kRoundoffSlack * tol;
}

// QAG with a `key`-point Gauss-Kronrod rule on each breakpoint interval. (No QAGS/QAGP: their
// epsilon extrapolation was seen to converge falsely, by up to 1e-8, on these integrands.)
QuadResult run_qag(gsl_function& F, const std::vector<double>& pts, int key, double eps_abs,
                   double rel_tol, gsl_integration_workspace* ws) {
  QuadResult total;
  const double share = eps_abs / static_cast<double>(pts.size() - 1);
  for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
    QuadResult r;
    r.status = gsl_integration_qag(&F, pts[i], pts[i + 1], share, rel_tol, kWorkspace, key, ws,
                                   &r.value, &r.abserr);
    if (r.status != GSL_SUCCESS && (total.status == GSL_SUCCESS || total.status == GSL_EROUND))
      total.status = r.status;  // a hard failure outranks a roundoff verdict
    total.value += r.value;
    total.abserr += r.abserr;
  }
  return total;
}

// Integrates one piece to max(eps_abs, rel_tol |result|) with two adaptive Gauss-Kronrod rules
// (61 and 21 points): the 61-point result must meet the tolerance and the 21-point one agree with
// it; otherwise both are repeated with 100x tighter requests. With `strict`, throws with a full
// description when no attempt succeeds.
double integrate_piece(RateIntegrand f, const Piece& piece, double eps_abs, double rel_tol,
                       bool strict, gsl_integration_workspace* ws) {
  // Sorted breakpoints; drop those closer than kMinGap of the piece's length to a kept one (a
  // sliver interval only feeds roundoff into GSL's error estimates).
  const double a = piece.pts[0], b = piece.pts[1];
  if (!(b > a)) return 0.0;
  std::vector<double> inner;
  for (std::size_t i = 2; i < piece.pts.size(); ++i) inner.push_back(piece.pts[i]);
  std::sort(inner.begin(), inner.end());
  const double gap = kMinGap * (b - a);
  std::vector<double> pts{a};
  for (double p : inner)
    if (p - pts.back() > gap && b - p > gap) pts.push_back(p);
  pts.push_back(b);
  f.var = piece.var;
  gsl_function F{&gsl_trampoline, &f};

  if (!strict) return run_qag(F, pts, GSL_INTEG_GAUSS61, eps_abs, rel_tol, ws).value;
  QuadResult p, q;
  double tighten = 1.0;
  for (int attempt = 0; attempt < kAttempts; ++attempt, tighten *= 1e-2) {
    p = run_qag(F, pts, GSL_INTEG_GAUSS61, eps_abs * tighten, rel_tol * tighten, ws);
    q = run_qag(F, pts, GSL_INTEG_GAUSS21, eps_abs * tighten, rel_tol * tighten, ws);
    const double tol = std::max(eps_abs, rel_tol * std::abs(p.value));
    const bool agree = std::abs(p.value - q.value) <= kRoundoffSlack * tol;  // false for NaN
    if (acceptable(p, eps_abs, rel_tol) && agree) return p.value;
  }
  std::ostringstream os;
  os.precision(17);
  os << "reference::binned_rate: GSL failed in variable " << var_name(piece.var) << " on ["
     << pts.front() << ", " << pts.back() << "] with " << pts.size() - 2 << " breakpoints, eps_abs "
     << eps_abs << ", rel_tol " << rel_tol << ": qag61 (" << gsl_strerror(p.status) << ") "
     << p.value << " +- " << p.abserr << ", qag21 (" << gsl_strerror(q.status) << ") " << q.value
     << " +- " << q.abserr << "; bin [" << f.bin.q2_lo << ", " << f.bin.q2_hi << "] r " << f.bin.r
     << ", pole M2 " << f.pole.M2 << " gamma " << f.pole.gamma;
  throw std::runtime_error(os.str());
}

// Points (in q2) where the integrand is not smooth on the scale of the range: the charm cusp at
// 4 m_c^2 (pole mass, Y), the nodes of the correction splines (the tabulated two-loop corrections
// have thresholds and kinks between 9 and 11.4 GeV^2, and the cubic pieces join with jumps of the
// third derivative) and, for a smeared window, the bin edges and +-2, 4 r around them in |q|.
// B -> K*: the photon pole makes the rate ~ beta(q2)/q2 near 4 m^2 (a scale of 4 m_e^2 = 1e-6
// GeV^2 for electrons), so graded breakpoints 4 m^2 (1 + 4^k) and 4^k GeV^2 (k <= 0) lead the
// adaptive rule into both the square-root end and the 1/q2 rise.
std::vector<double> q2_features(const ChannelContext& c, const Bin& bin) {
  std::vector<double> f{4.0 * c.in.sm.m_c_pole * c.in.sm.m_c_pole};
  if (c.channel == Channel::B0Kstar0)
    for (int k = -kThresholdSteps; k <= 0; ++k) {
      const double g = std::pow(kThresholdGrading, k);
      f.push_back(c.q2_min() * (1.0 + g));
      f.push_back(g);
    }
  const CorrectionTable& table = c.in.corrections;
  for (int i = 0; i < table.n; ++i) f.push_back(table.q2[i]);
  if (bin.r > 0.0)
    for (double edge : {bin.q2_lo, bin.q2_hi})
      for (int k = -4; k <= 4; k += 2) {
        const double q = std::sqrt(edge) + k * bin.r;
        if (q > 0.0) f.push_back(q * q);
      }
  return f;
}

}  // namespace

double window(const Bin& bin, double q2) {
  if (bin.r <= 0.0) return q2 >= bin.q2_lo && q2 <= bin.q2_hi ? 1.0 : 0.0;
  const double q = std::sqrt(q2);
  const double u_hi = (std::sqrt(bin.q2_hi) - q) / bin.r, u_lo = (std::sqrt(bin.q2_lo) - q) / bin.r;
  if (u_lo > 0.0) return upper_tail(u_lo) - upper_tail(u_hi);    // |q| below the bin
  if (u_hi < 0.0) return upper_tail(-u_hi) - upper_tail(-u_lo);  // |q| above the bin
  return 1.0 - upper_tail(u_hi) - upper_tail(-u_lo);             // |q| inside
}

double cp_averaged_density(const PhysicsInputs& in, Channel channel, Lepton lepton, double q2,
                           const Shifts& c) {
  const ChannelContext ctx(in, channel, lepton);
  Shifts bar;
  for (int k = 0; k < kMaxDirs; ++k) bar[k] = std::conj(c[k]);
  return cp_average(ctx, q2_point(ctx, q2), c, bar);
}

double differential_rate(const PhysicsInputs& in, const RateTerm& t, const DirCouplings& cp,
                         const Pole& pole) {
  const ChannelContext ctx(in, t.channel, t.lepton);
  Shifts bs, bar;
  shifts_at(cp, propagator(t.q2 - pole.M2, pole.gamma), bs, bar);
  return cp_average(ctx, q2_point(ctx, t.q2), bs, bar);
}

// The range, in x = q2 - M^2, is cut at +-min(K gamma, 30 GeV^2): the core in between is
// integrated in theta = atan(x/gamma) (the Breit-Wigner becomes flat), the outer pieces in log|x|
// when they span a large ratio of |x| (the tails of |P|^2 ~ 1/x^2 become exponentials), else
// linearly (in q2 when the pole is far, so that x = q2 - M^2 is exact to rounding). All pieces are
// positive; each is integrated to rel_tol of itself or of a first rough estimate of the total.
// B -> K*: q2 below M^2/2 is a separate piece in q2 (photon pole and lepton threshold).
double binned_rate(const PhysicsInputs& in, const RateTerm& t, const DirCouplings& cp,
                   const Pole& pole, double rel_tol) {
  // Failures are reported through return codes and thrown with context (process-wide setting).
  [[maybe_unused]] static const bool handler_off = (gsl_set_error_handler_off(), true);
  if (t.kind != TermKind::binned) throw std::invalid_argument("reference::binned_rate: not binned");
  if (!(pole.gamma > 0.0)) throw std::invalid_argument("reference::binned_rate: gamma <= 0");
  const ChannelContext ctx(in, t.channel, t.lepton);
  double lo, hi;
  integration_range(ctx, t.bin, lo, hi);
  if (!(hi > lo)) return 0.0;

  const double M2 = pole.M2, g = pole.gamma;
  const std::vector<double> features = q2_features(ctx, t.bin);
  std::vector<Piece> pieces;
  // B -> K*: the photon pole ~1/q2 and the lepton threshold (4 m_e^2 = 1e-6 GeV^2) need q2 itself
  // as the variable (their scale, q2 - 4 m^2, is lost in theta or log|x| around a pole far above
  // them): [lo, M^2/2] is a piece in q2 (there |x| >= M^2/2, the propagator is smooth), the rest
  // as below.
  if (ctx.channel == Channel::B0Kstar0 && kLowFraction * M2 > lo) {
    const double cut = std::min(kLowFraction * M2, hi);
    Piece p{Var::q2, {lo, cut}};
    for (double f : features)
      if (f > lo && f < cut) p.pts.push_back(f);
    pieces.push_back(p);
    lo = cut;
  }
  const double xa = lo - M2, xb = hi - M2;
  std::vector<double> fx;  // features and the pole, in x, strictly inside (xa, xb)
  for (double f : features)
    if (f - M2 > xa && f - M2 < xb) fx.push_back(f - M2);
  if (xa < 0.0 && xb > 0.0) fx.push_back(0.0);

  const auto inside = [](double v, double a, double b) { return v > a && v < b; };
  // Outer piece [u, v] in x, not containing the pole.
  const auto outer = [&](double u, double v) {
    if (!(v > u)) return;
    const double near = std::min(std::abs(u), std::abs(v)),
                 far = std::max(std::abs(u), std::abs(v));
    if (far > kLogRatio * near) {
      Piece p{v > 0.0 ? Var::log_pos : Var::log_neg, {std::log(near), std::log(far)}};
      for (double x : fx)
        if (inside(x, u, v)) p.pts.push_back(std::log(std::abs(x)));
      pieces.push_back(p);
    } else if (near > std::max(std::abs(lo), std::abs(hi))) {  // far pole: q2 is exact
      Piece p{Var::q2, {u == xa ? lo : M2 + u, v == xb ? hi : M2 + v}};
      for (double x : fx)
        if (inside(x, u, v)) p.pts.push_back(M2 + x);
      pieces.push_back(p);
    } else {
      Piece p{Var::x, {u, v}};
      for (double x : fx)
        if (inside(x, u, v)) p.pts.push_back(x);
      pieces.push_back(p);
    }
  };
  const double kg = std::min(kCoreWidths * g, kCoreMax);
  if (xa < -kg) outer(xa, std::min(xb, -kg));
  const double cl = std::max(xa, -kg), cr = std::min(xb, kg);
  if (cl < cr) {
    Piece p{Var::theta, {std::atan(cl / g), std::atan(cr / g)}};
    for (double x : fx)
      if (inside(x, cl, cr)) p.pts.push_back(std::atan(x / g));
    pieces.push_back(p);
  }
  if (xb > kg) outer(std::max(xa, kg), xb);

  if (pieces.empty()) return 0.0;
  // Pass 1: a rough total; pass 2: every piece to rel_tol of itself or of the total.
  const Workspace ws(gsl_integration_workspace_alloc(kWorkspace));
  const RateIntegrand f{ctx, t.bin, cp, pole, M2 - ctx.q2_min(), ctx.q2_max() - M2};
  double estimate = 0.0;
  for (const Piece& p : pieces) estimate += integrate_piece(f, p, 0.0, kRoughTol, false, ws.get());
  const double eps_abs = rel_tol * std::abs(estimate) / static_cast<double>(pieces.size());
  double total = 0.0;
  for (const Piece& p : pieces) total += integrate_piece(f, p, eps_abs, rel_tol, true, ws.get());
  return total;
}

}  // namespace bscan::reference
