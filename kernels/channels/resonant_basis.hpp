// Stage 1 at the cost of a contraction (docs/numerics.md): the integrands W f_j of a
// binned term (real and imaginary parts of the spectral entries its model's masks need) are
// tabulated once per run on fixed panels (host/plan/resonant_basis.cpp); per pole, the integrals
// against P and |P|^2 are then a fixed loop without integrand evaluations:
//  A. pole far from the whole support (Bernstein rho >= kBasisFarRho): one series in w over the
//     term's Chebyshev moments (kernels/numerics/cauchy_chebyshev.hpp);
//  B. otherwise panel by panel: Gauss-Legendre on stored node values (4, 8 or 16 nodes, by rho)
//     where the pole is far from the panel, the Cauchy-Chebyshev moments where it is near.
// int f |P|^2 = -Im(int f P) / (M Gamma) for real f, exact in both forms (the imaginary parts
// keep their relative precision down to Gamma/M = 1e-18). A pole near a panel that ends on a
// square-root branch point (tau^2 panel), an inactive pole or a zero width make
// term_resonant_basis return false: the caller then uses the graded quadrature (term_resonant).
#pragma once

#include "kernels/channels/rate_terms.hpp"
#include "kernels/numerics/cauchy_chebyshev.hpp"

namespace bscan {

inline constexpr int kBasisCheb = 20;     // Chebyshev coefficients per panel and integrand
inline constexpr int kBasisMoments = 56;  // Chebyshev moments of the whole support
inline constexpr int kBasisGlOrders = 3;  // node sets per panel: 4, 8, 16 points
BSCAN_HD constexpr int basis_gl_points(int order) { return 4 << order; }
inline constexpr double kBasisFarRho = 2.0;   // whole support: the series from here on
inline constexpr double kBasisNearRho = 2.5;  // a panel: moments (or fallback) below
inline constexpr double kBasisRho8 = 10.0;    // 8 nodes from here on: error ~ rho^-16
inline constexpr double kBasisRho4 = 80.0;    // 4 nodes from here on: error ~ rho^-8
inline constexpr int kMaxBasisFun = 2 * kMaxDirs * 2 + 2 * kMaxDirs * kMaxDirs * 2;

enum class BasisEntry : int { LP = 0, QP = 1, QPP = 2 };

// Integrand j: the real (imag = 0) or imaginary (imag = 1) part of L[row][col] (LP: row = CP
// mode) or Q[row][col] (QP, QPP), times the bin window.
struct BasisFun {
  BasisEntry entry;
  int row, col, imag;
};

struct BasisPanel {
  double u, v;     // q2 ends
  int sing;        // -1 / +1: q2 = u + (v - u) tau^2 / v - (v - u) tau^2 (square-root end); 0: none
  int gl_min;      // smallest node set that integrates the integrands times a far pole
  long long cheb;  // data offset of c[j][n] (regular panels)
  // data offsets: nodes as offsets from the panel's origin (v for sing = +1, else u: exact
  // distances to a pole nearby), then weight * integrand [j][i]
  long long gl[kBasisGlOrders];
};

struct ResonantBasis {
  int n_fun = 0, n_panels = 0;
  double lo = 0.0, hi = 0.0;                 // support of the integrands
  long long fun0 = 0, panel0 = 0, mom0 = 0;  // offsets into the store
};

// All bases of a plan, in backend memory.
struct BasisStore {
  const ResonantBasis* term = nullptr;  // by binned slot
  const BasisFun* fun = nullptr;
  const BasisPanel* panel = nullptr;
  const double* mom = nullptr;  // [j][k], kBasisMoments per integrand: int f_j T_k dt
  const double* data = nullptr;
};

namespace detail {

// The integrals I_j = int f_j P, R_j = int f_j |P|^2 into the entries they belong to.
BSCAN_HD inline void scatter_basis(const BasisFun* fun, int n, const cplx* I, const double* R,
                                   ResonantIntegrals& acc) {
  for (int j = 0; j < n; ++j) {
    const BasisFun& f = fun[j];
    const cplx v = f.imag != 0 ? cplx{-I[j].im, I[j].re} : I[j];  // i I for imaginary parts
    switch (f.entry) {
      case BasisEntry::LP:
        acc.LP[f.row][f.col] += v;
        break;
      case BasisEntry::QP:
        acc.QP[f.row][f.col] += v;
        break;
      case BasisEntry::QPP:  // Hermitian: the mirror entry gets the conjugate
        if (f.imag != 0) {
          acc.QPP[f.row][f.col].im += R[j];
          acc.QPP[f.col][f.row].im -= R[j];
        } else {
          acc.QPP[f.row][f.col].re += R[j];
          if (f.row != f.col) acc.QPP[f.col][f.row].re += R[j];
        }
        break;
    }
  }
}

// Node set for a pole at Bernstein rho from a panel.
BSCAN_HD inline int basis_gl_order(double rho, int gl_min) {
  const int o = rho >= kBasisRho4 ? 0 : (rho >= kBasisRho8 ? 1 : 2);
  return o > gl_min ? o : gl_min;
}

}  // namespace detail

// Stage 1 of one binned term from its basis; false when this pole needs term_resonant.
BSCAN_HD inline bool term_resonant_basis(const BasisStore& st, int slot, const Pole& pole,
                                         ResonantIntegrals& acc) {
  acc = ResonantIntegrals{};
  const ResonantBasis& b = st.term[slot];
  if (!pole.active || !(pole.gamma > 0.0)) return false;
  const int nf = b.n_fun;
  if (nf == 0) return true;
  const BasisFun* fun = st.fun + b.fun0;
  const double M2 = pole.M2, g = pole.gamma;
  cplx I[kMaxBasisFun];
  double R[kMaxBasisFun];
  // A. The whole support: zeta = (z - mid) / half with z = M2 - i g.
  {
    const double half = 0.5 * (b.hi - b.lo);
    const cplx zm1{(M2 - b.hi) / half, -g / half}, zp1{(M2 - b.lo) / half, -g / half};
    const double rho = bernstein_rho(zm1, zp1);
    if (rho >= kBasisFarRho) {
      int K = static_cast<int>(std::ceil(37.0 / std::log(rho)));  // rho^-K < 1e-16
      K = K < kBasisMoments ? K : kBasisMoments;
      cplx pref, w, wk[kBasisMoments];
      cauchy_series_factors(zm1, zp1, pref, w);
      wk[0] = {0.5, 0.0};
      for (int k = 1; k < K; ++k) wk[k] = k == 1 ? w : wk[k - 1] * w;
      for (int j = 0; j < nf; ++j) {
        const double* m = st.mom + b.mom0 + static_cast<long long>(j) * kBasisMoments;
        cplx s{0.0, 0.0};
        for (int k = 0; k < K; ++k) s += m[k] * wk[k];
        I[j] = pref * s;
        R[j] = -I[j].im / g;
      }
      detail::scatter_basis(fun, nf, I, R, acc);
      return true;
    }
  }
  // B. Panel by panel.
  for (int j = 0; j < nf; ++j) {
    I[j] = {0.0, 0.0};
    R[j] = 0.0;
  }
  for (int p = 0; p < b.n_panels; ++p) {
    const BasisPanel& pn = st.panel[b.panel0 + p];
    double rho;
    if (pn.sing == 0) {
      const double half = 0.5 * (pn.v - pn.u);
      const cplx zm1{(M2 - pn.v) / half, -g / half}, zp1{(M2 - pn.u) / half, -g / half};
      rho = bernstein_rho(zm1, zp1);
      if (rho < kBasisNearRho) {
        cplx mu[kBasisCheb];
        cauchy_chebyshev_moments(zm1, zp1, kBasisCheb, mu);
        const double* c = st.data + pn.cheb;
        for (int j = 0; j < nf; ++j, c += kBasisCheb) {
          cplx s{0.0, 0.0};
          for (int n = 0; n < kBasisCheb; ++n) s += c[n] * mu[n];
          I[j] += s;
          R[j] -= s.im / g;
        }
        continue;
      }
    } else {
      // tau^2 panel: q2 - z = +-L (tau^2 - w), poles at tau = +-s; in t = 2 tau - 1 they sit at
      // zeta = +-2s - 1.
      const double L = pn.v - pn.u;
      const cplx w = pn.sing < 0 ? cplx{(M2 - pn.u) / L, -g / L} : cplx{(pn.v - M2) / L, g / L};
      const cplx s2 = 2.0 * csqrt(w);
      const double r1 = bernstein_rho(s2 - cplx{2.0, 0.0}, s2);
      const double r2 = bernstein_rho(-s2 - cplx{2.0, 0.0}, -s2);
      rho = r1 < r2 ? r1 : r2;
      if (rho < kBasisNearRho) return false;
    }
    const int order = detail::basis_gl_order(rho, pn.gl_min);
    const int n = basis_gl_points(order);
    const double* off = st.data + pn.gl[order];
    const double* wf = off + n;
    const double o = (pn.sing > 0 ? pn.v : pn.u) - M2;
    cplx P[basis_gl_points(kBasisGlOrders - 1)];
    double P2[basis_gl_points(kBasisGlOrders - 1)];
    for (int i = 0; i < n; ++i) {
      const double x = o + off[i], den = x * x + g * g;
      P[i] = {x / den, -g / den};
      P2[i] = 1.0 / den;
    }
    for (int j = 0; j < nf; ++j, wf += n) {
      cplx s{0.0, 0.0};
      double s2 = 0.0;
      for (int i = 0; i < n; ++i) {
        s += wf[i] * P[i];
        s2 += wf[i] * P2[i];
      }
      I[j] += s;
      R[j] += s2;
    }
  }
  detail::scatter_basis(fun, nf, I, R, acc);
  return true;
}

}  // namespace bscan
