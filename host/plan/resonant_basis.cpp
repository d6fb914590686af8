#include "host/plan/resonant_basis.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace bscan {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kBasisPanel = 1.0;  // GeV^2: longest panel before refinement
constexpr double kTauPanel = 1e-3;  // of the interval: longest tau^2 panel (its pole fallback zone)
constexpr double kTailTol =
    1e-11;  // Chebyshev tail / global scale (above the noise of cancelling integrands)
constexpr int kMaxBisections = 8;
constexpr int kRefPoints = 48;  // moments and node-set tests (64 on tau^2 panels)

struct Rule {
  std::vector<double> x, w;
};

// Gauss-Legendre rule on [-1, 1]: Newton's method on P_n from Tricomi's initial guesses.
Rule make_rule(int n) {
  Rule r{std::vector<double>(n), std::vector<double>(n)};
  for (int i = 0; i < n; ++i) {
    double x = std::cos(kPi * (i + 0.75) / (n + 0.5)), dp = 1.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = x;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (x * p1 - p0) / (x * x - 1.0);
      const double dx = p1 / dp;
      x -= dx;
      if (std::fabs(dx) < 1e-17) break;
    }
    r.x[i] = x;
    r.w[i] = 2.0 / ((1.0 - x * x) * dp * dp);
  }
  return r;
}

const Rule& rule(int n) {
  static const std::array<Rule, 5> rules = {make_rule(4), make_rule(8), make_rule(16),
                                            make_rule(kRefPoints), make_rule(64)};
  switch (n) {
    case 4:
      return rules[0];
    case 8:
      return rules[1];
    case 16:
      return rules[2];
    case kRefPoints:
      return rules[3];
    default:
      return rules[4];
  }
}

struct Geom {
  double u, v;
  int sing;
  int depth = 0;
};

// The integrands of one term at the panel variable t in [-1, 1]: q2, the weight factor dq2/dt and
// the values of every candidate integrand.
class Sampler {
 public:
  Sampler(const PhysicsInputs& in, const RateTerm& t, bool with_vector, std::vector<BasisFun> funs)
      : in_(in), t_(t), with_vector_(with_vector), funs_(std::move(funs)) {}
  int n() const { return static_cast<int>(funs_.size()); }
  const std::vector<BasisFun>& funs() const { return funs_; }

  // Fills f (n() values); returns q2 and sets jac = dq2/dt.
  double at(const Geom& g, double t, double* f, double& jac) const {
    double origin, x;
    const double L = g.v - g.u;
    if (g.sing == 0) {
      origin = 0.0;
      x = 0.5 * (g.u + g.v) + 0.5 * L * t;
      jac = 0.5 * L;
    } else {
      const double tau = 0.5 * (1.0 + t);
      origin = g.sing < 0 ? g.u : g.v;  // exact distance to the branch point
      x = g.sing < 0 ? L * tau * tau : -L * tau * tau;
      jac = L * tau;  // d(L tau^2)/dt
    }
    const double q2 = origin + x;
    const double W = bin_window(t_.bin, q2);
    const Spectral s = channel_spectral(in_, t_, origin, x, with_vector_);
    for (int j = 0; j < n(); ++j) {
      const BasisFun& b = funs_[j];
      const cplx v = b.entry == BasisEntry::LP ? s.L[b.row][b.col] : s.Q[b.row][b.col];
      f[j] = W * (b.imag != 0 ? v.im : v.re);
    }
    return q2;
  }

 private:
  const PhysicsInputs& in_;
  RateTerm t_;
  bool with_vector_;
  std::vector<BasisFun> funs_;
};

// Chebyshev coefficients c[j][n] of every integrand on a panel.
std::vector<double> chebyshev(const Sampler& s, const Geom& g) {
  const int N = kBasisCheb, J = s.n();
  std::vector<double> c(static_cast<std::size_t>(J) * N, 0.0), f(J), cos_n(N);
  for (int k = 0; k < N; ++k) {
    const double th = kPi * (k + 0.5) / N;
    for (int n = 0; n < N; ++n) cos_n[n] = std::cos(n * th);
    double jac;
    s.at(g, cos_n[1], f.data(), jac);
    for (int j = 0; j < J; ++j)
      for (int n = 0; n < N; ++n) c[j * N + n] += 2.0 / N * f[j] * cos_n[n];
  }
  for (int j = 0; j < J; ++j) c[j * N] *= 0.5;
  return c;
}

// Nodes (q2 and the offset from the panel's origin, BasisPanel::gl) and weight * integrand [j][i]
// of an n-point rule on a panel.
struct Nodes {
  std::vector<double> t, q2, off, wf;  // wf[j * n + i]
};
Nodes nodes(const Sampler& s, const Geom& g, int n) {
  const Rule& r = rule(n);
  const int J = s.n();
  Nodes out{r.x, std::vector<double>(n), std::vector<double>(n),
            std::vector<double>(static_cast<std::size_t>(J) * n)};
  std::vector<double> f(J);
  const double L = g.v - g.u;
  for (int i = 0; i < n; ++i) {
    double jac;
    out.q2[i] = s.at(g, r.x[i], f.data(), jac);
    const double tau = 0.5 * (1.0 + r.x[i]);
    out.off[i] = g.sing == 0 ? L * tau : (g.sing < 0 ? L * tau * tau : -L * tau * tau);
    for (int j = 0; j < J; ++j) out.wf[j * n + i] = r.w[i] * jac * f[j];
  }
  return out;
}

// Whether the n-point nodes integrate integrand j times 1/(t - zeta), for zeta on the ellipse
// rho, to kTailTol of the integrand's global scale (against the reference nodes).
bool nodes_suffice(const Nodes& a, const Nodes& ref, int J, double rho,
                   const std::vector<double>& scale, const Geom& g) {
  const int na = static_cast<int>(a.t.size()), nr = static_cast<int>(ref.t.size());
  const Rule& rr = rule(nr);
  for (int m = 0; m < 8; ++m) {
    const double th = 2.0 * kPi * m / 8.0 + 0.1;
    const cplx zeta{0.5 * (rho + 1.0 / rho) * std::cos(th), 0.5 * (rho - 1.0 / rho) * std::sin(th)};
    auto kernel = [&](double t) { return cplx{1.0, 0.0} / (cplx{t, 0.0} - zeta); };
    double bound = 0.0;  // int |K| dq2 (the integral if the integrand were at its global scale)
    for (int i = 0; i < nr; ++i) {
      double jac = g.sing == 0 ? 0.5 * (g.v - g.u) : (g.v - g.u) * 0.5 * (1.0 + ref.t[i]);
      bound += rr.w[i] * jac * cabs(kernel(ref.t[i]));
    }
    for (int j = 0; j < J; ++j) {
      cplx sa{0.0, 0.0}, sr{0.0, 0.0};
      for (int i = 0; i < na; ++i) sa += a.wf[j * na + i] * kernel(a.t[i]);
      for (int i = 0; i < nr; ++i) sr += ref.wf[j * nr + i] * kernel(ref.t[i]);
      if (cabs(sa - sr) > kTailTol * scale[j] * bound) return false;
    }
  }
  return true;
}

bool converged(const std::vector<double>& c, const std::vector<double>& scale) {
  const int N = kBasisCheb, J = static_cast<int>(scale.size());
  for (int j = 0; j < J; ++j)
    if (std::fabs(c[j * N + N - 1]) + std::fabs(c[j * N + N - 2]) > kTailTol * scale[j])
      return false;
  return true;
}

// The candidate integrands of a term: LP (both CP modes), QP (contact x resonant), QPP (upper
// triangle of the resonant block), real and imaginary parts.
std::vector<BasisFun> candidate_funs(DirMasks dm) {
  std::vector<BasisFun> f;
  for (int k = 0; k < kMaxDirs; ++k) {
    if (!(dm.resonant >> k & 1u)) continue;
    for (int m = 0; m < 2; ++m)
      for (int im = 0; im < 2; ++im) f.push_back({BasisEntry::LP, m, k, im});
    for (int l = 0; l < kMaxDirs; ++l)
      if (dm.contact >> l & 1u)
        for (int im = 0; im < 2; ++im) f.push_back({BasisEntry::QP, l, k, im});
    for (int l = 0; l <= k; ++l)
      if (dm.resonant >> l & 1u)
        for (int im = 0; im < (l == k ? 1 : 2); ++im) f.push_back({BasisEntry::QPP, l, k, im});
  }
  return f;
}

struct TermBasis {
  double lo = 0.0, hi = 0.0;
  std::vector<BasisFun> fun;
  std::vector<BasisPanel> panel;  // offsets relative to this term's data
  std::vector<double> mom, data;
};

// The fixed panels of a term before refinement: those of term_resonant without a pole, tau^2
// panels capped at kTauPanel of the interval (graded x4 away from their branch point).
std::vector<Geom> initial_panels(const PhysicsInputs& in, const RateTerm& t, bool with_vector) {
  double f[kMaxFeatures];
  const int nf = term_features(t, f);
  const CorrectionTable& table = in.corrections;
  const Interval iv = term_interval(in, t);
  const double cap = kTauPanel * (iv.hi - iv.lo);
  std::vector<Geom> out;
  for_each_panel(
      iv, f, nf, with_vector ? table.q2 : nullptr, with_vector ? table.n : 0, Pole{}, kBasisPanel,
      [&](double u, double v, int sing) {
        if (sing == 0 || v - u <= cap) {
          out.push_back({u, v, sing});
          return;
        }
        // tau^2 piece of length cap at the branch end, then pieces growing x4.
        std::vector<Geom> graded{{0.0, cap, sing}};
        for (double a = cap; a < v - u; a *= 4.0)
          graded.push_back({a, std::min(4.0 * a, v - u), 0});
        if (graded.size() > 2 && graded.back().v - graded.back().u < cap) {
          graded.pop_back();  // never a sliver: the last piece takes the rest
          graded.back().v = v - u;
        }
        for (const Geom& g : graded)
          out.push_back(sing < 0 ? Geom{u + g.u, u + g.v, g.sing} : Geom{v - g.v, v - g.u, g.sing});
      });
  std::sort(out.begin(), out.end(), [](const Geom& a, const Geom& b) { return a.u < b.u; });
  return out;
}

TermBasis build_term(const PhysicsInputs& in, const RateTerm& t, DirMasks masks) {
  TermBasis tb;
  const unsigned rm = masks.resonant;
  const bool with_vector =
      t.component != 0 ||
      (rm & with_channel(t.channel, [](auto ch) { return decltype(ch)::vector_dirs(); })) != 0u;
  const Interval iv = term_interval(in, t);
  tb.lo = iv.lo;
  tb.hi = iv.hi;
  const Sampler all(in, t, with_vector, candidate_funs(masks));
  const int J0 = all.n();
  if (J0 == 0 || !(iv.hi > iv.lo)) return tb;

  // Refine: bisect until every integrand's Chebyshev tail is below kTailTol of its global scale.
  std::vector<Geom> todo = initial_panels(in, t, with_vector), done;
  std::vector<double> scale(J0, 0.0);
  for (const Geom& g : todo) {
    const std::vector<double> c = chebyshev(all, g);
    for (int j = 0; j < J0; ++j) {
      double s = 0.0;
      for (int n = 0; n < kBasisCheb; ++n) s += std::fabs(c[j * kBasisCheb + n]);
      scale[j] = std::max(scale[j], s);
    }
  }
  while (!todo.empty()) {
    Geom g = todo.back();
    todo.pop_back();
    if (converged(chebyshev(all, g), scale) || g.depth >= kMaxBisections) {
      done.push_back(g);
      continue;
    }
    const double mid = 0.5 * (g.u + g.v);
    todo.push_back({g.u, mid, g.sing < 0 ? -1 : 0, g.depth + 1});
    todo.push_back({mid, g.v, g.sing > 0 ? 1 : 0, g.depth + 1});
  }
  std::sort(done.begin(), done.end(), [](const Geom& a, const Geom& b) { return a.u < b.u; });

  // Sample every panel; keep the integrands that are not identically zero.
  struct Sampled {
    std::vector<double> cheb;
    Nodes gl[kBasisGlOrders], ref;
    int gl_min = 2;
  };
  std::vector<Sampled> smp(done.size());
  std::vector<char> used(J0, 0);
  for (std::size_t p = 0; p < done.size(); ++p) {
    const Geom& g = done[p];
    Sampled& s = smp[p];
    if (g.sing == 0) s.cheb = chebyshev(all, g);
    for (int o = 0; o < kBasisGlOrders; ++o) s.gl[o] = nodes(all, g, basis_gl_points(o));
    s.ref = nodes(all, g, g.sing == 0 ? kRefPoints : 64);
    for (int o = 1; o >= 0; --o)
      if (nodes_suffice(s.gl[o], s.ref, J0, o == 0 ? kBasisRho4 : kBasisRho8, scale, g))
        s.gl_min = o;
      else
        break;
    const int nr = static_cast<int>(s.ref.t.size());
    for (int j = 0; j < J0; ++j)
      for (int i = 0; i < nr && !used[j]; ++i) used[j] = s.ref.wf[j * nr + i] != 0.0;
  }
  std::vector<int> keep;
  for (int j = 0; j < J0; ++j)
    if (used[j]) {
      keep.push_back(j);
      tb.fun.push_back(all.funs()[j]);
    }
  const int J = static_cast<int>(keep.size());

  // Moments of the whole support: int f_j T_k(t_s) dt_s, t_s = (q2 - mid) / half.
  const double mid = 0.5 * (tb.lo + tb.hi), half = 0.5 * (tb.hi - tb.lo);
  tb.mom.assign(static_cast<std::size_t>(J) * kBasisMoments, 0.0);
  for (std::size_t p = 0; p < done.size(); ++p) {
    const Nodes& r = smp[p].ref;
    const int nr = static_cast<int>(r.t.size());
    for (int i = 0; i < nr; ++i) {
      const double ts = (r.q2[i] - mid) / half;
      double T[kBasisMoments];
      T[0] = 1.0;
      T[1] = ts;
      for (int k = 2; k < kBasisMoments; ++k) T[k] = 2.0 * ts * T[k - 1] - T[k - 2];
      for (int jj = 0; jj < J; ++jj) {
        const double wf = r.wf[keep[jj] * nr + i] / half;
        for (int k = 0; k < kBasisMoments; ++k) tb.mom[jj * kBasisMoments + k] += wf * T[k];
      }
    }
  }

  // Panels and their data.
  for (std::size_t p = 0; p < done.size(); ++p) {
    const Geom& g = done[p];
    const Sampled& s = smp[p];
    BasisPanel bp{g.u, g.v, g.sing, s.gl_min, -1, {}};
    if (g.sing == 0) {
      bp.cheb = static_cast<long long>(tb.data.size());
      for (int j : keep)
        tb.data.insert(tb.data.end(), s.cheb.begin() + j * kBasisCheb,
                       s.cheb.begin() + (j + 1) * kBasisCheb);
    }
    for (int o = 0; o < kBasisGlOrders; ++o) {
      const int n = basis_gl_points(o);
      bp.gl[o] = static_cast<long long>(tb.data.size());
      tb.data.insert(tb.data.end(), s.gl[o].off.begin(), s.gl[o].off.end());
      for (int j : keep)
        tb.data.insert(tb.data.end(), s.gl[o].wf.begin() + j * n, s.gl[o].wf.begin() + (j + 1) * n);
    }
    tb.panel.push_back(bp);
  }
  return tb;
}

}  // namespace

std::size_t BasisTables::bytes() const {
  return term.size() * sizeof(ResonantBasis) + fun.size() * sizeof(BasisFun) +
         panel.size() * sizeof(BasisPanel) + (mom.size() + data.size()) * sizeof(double);
}

BasisStore BasisTables::view() const {
  return {term.data(), fun.data(), panel.data(), mom.data(), data.data()};
}

namespace {

BasisTables concatenate(const std::vector<TermBasis>& tb) {
  BasisTables out;
  for (const TermBasis& t : tb) {
    ResonantBasis rb;
    rb.n_fun = static_cast<int>(t.fun.size());
    rb.n_panels = static_cast<int>(t.panel.size());
    rb.lo = t.lo;
    rb.hi = t.hi;
    rb.fun0 = static_cast<long long>(out.fun.size());
    rb.panel0 = static_cast<long long>(out.panel.size());
    rb.mom0 = static_cast<long long>(out.mom.size());
    const long long data0 = static_cast<long long>(out.data.size());
    out.fun.insert(out.fun.end(), t.fun.begin(), t.fun.end());
    for (BasisPanel p : t.panel) {
      if (p.cheb >= 0) p.cheb += data0;
      for (long long& o : p.gl) o += data0;
      out.panel.push_back(p);
    }
    out.mom.insert(out.mom.end(), t.mom.begin(), t.mom.end());
    out.data.insert(out.data.end(), t.data.begin(), t.data.end());
    out.term.push_back(rb);
  }
  return out;
}

}  // namespace

BasisTables build_resonant_bases(const PhysicsInputs& in, const std::vector<RateTerm>& terms,
                                 WcMasks masks) {
  std::vector<const RateTerm*> binned;
  for (const RateTerm& t : terms)
    if (t.kind == TermKind::binned) binned.push_back(&t);
  std::vector<TermBasis> tb(binned.size());
#pragma omp parallel for schedule(dynamic)
  for (std::size_t b = 0; b < binned.size(); ++b)
    tb[b] = build_term(in, *binned[b], project(binned[b]->channel, masks));
  return concatenate(tb);
}

BasisTables build_resonant_basis(const PhysicsInputs& in, const RateTerm& term, DirMasks masks) {
  return concatenate({build_term(in, term, masks)});
}

}  // namespace bscan
