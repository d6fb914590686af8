// Independent CPU reference for B0 -> K*0 l l: flavio's helicity amplitudes and G-basis angular
// function with std::complex. See reference_bvll.hpp.
#include "tests/reference/reference_bvll.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace bscan::reference::bvll {
namespace {

constexpr double kPi = std::numbers::pi;

// z(t) with t0 = t+ (1 - sqrt(1 - t-/t+)) [flavio formfactors/common.py z].
double z_of(double t, double m_B, double m_V) {
  const double tp = (m_B + m_V) * (m_B + m_V), tm = (m_B - m_V) * (m_B - m_V);
  const double t0 = tp * (1.0 - std::sqrt(1.0 - tm / tp));
  const double a = std::sqrt(tp - t), b = std::sqrt(tp - t0);
  return (a - b) / (a + b);
}

// F = 1/(1 - q2/m_R^2) sum_k a_k (z - z(0))^k, with a0 given separately (endpoint relations).
double bsz(const BszSeries& s, double a0, double q2, double dz) {
  return (a0 + s.a[1] * dz + s.a[2] * dz * dz) / (1.0 - q2 / (s.m_pole * s.m_pole));
}

}  // namespace

FormFactors form_factors(const BToVInputs& ch, double q2) {
  const double mB = ch.z_m_B, mV = ch.z_m_V;
  const double dz = z_of(q2, mB, mV) - z_of(0.0, mB, mV);
  // flavio b_v/bsz.py `ff`: a0(A12) from A0(0) = A3(0), a0(T2) from T1(0) = T2(0) (BSZ 2015).
  const double a0_A12 = ch.A0.a[0] * (mB * mB - mV * mV) / (8.0 * mB * mV);
  const double a0_T2 = ch.T1.a[0];
  FormFactors f;
  f.V = bsz(ch.V, ch.V.a[0], q2, dz);
  f.A0 = bsz(ch.A0, ch.A0.a[0], q2, dz);
  f.A1 = bsz(ch.A1, ch.A1.a[0], q2, dz);
  f.A12 = bsz(ch.A12, a0_A12, q2, dz);
  f.T1 = bsz(ch.T1, ch.T1.a[0], q2, dz);
  f.T2 = bsz(ch.T2, a0_T2, q2, dz);
  f.T23 = bsz(ch.T23, ch.T23.a[0], q2, dz);
  return f;
}

void qcdf_shifts(const PhysicsInputs& in, bool cp_conjugate, double q2, Complex out[3]) {
  const QcdfTable& t = in.bvll_qcdf;
  for (int k = 0; k < 3; ++k) out[k] = 0.0;
  if (t.n == 0 || q2 >= t.q2_cut) return;
  const double* end = t.q2 + t.n;
  const double* hi = std::upper_bound(t.q2, end, q2);  // first node above q2
  if (hi == t.q2) hi = t.q2 + 1;                       // below the table: its first value
  if (hi == end) hi = end - 1;
  const long j = hi - t.q2;
  const double w = std::clamp((q2 - t.q2[j - 1]) / (t.q2[j] - t.q2[j - 1]), 0.0, 1.0);
  const int off = cp_conjugate ? 6 : 0;
  for (int k = 0; k < 3; ++k) {
    const double* a = t.y + (j - 1) * kQcdfColumns + off + 2 * k;
    const double* b = t.y + j * kQcdfColumns + off + 2 * k;
    out[k] = Complex((1.0 - w) * a[0] + w * b[0], (1.0 - w) * a[1] + w * b[1]);
  }
}

double mode_density(const PhysicsInputs& in, Lepton lepton, double q2, double above_min,
                    double below_max, const Coefficients& c, Complex xi) {
  if (!(above_min > 0.0) || below_max < 0.0) return 0.0;
  const BToVInputs& ch = in.b0_kstar0;
  const double mB = ch.m_B, mV = ch.m_V, m = in.m_lepton[static_cast<int>(lepton)];
  const double mb = in.sm.m_b;  // MSbar m_b(4.8 GeV); flavio passes m_s = 0 (mql = 0)
  const FormFactors ff = form_factors(ch, q2);
  // lambda(m_B^2, m_V^2, q2), factored to keep its precision at q2_max.
  const double laB = std::max(((mB + mV) * (mB + mV) - q2) * below_max, 0.0);
  const double sqlaB = std::sqrt(laB), sq = std::sqrt(q2);
  const Complex I(0.0, 1.0);
  // N_F = (4 G_F / sqrt2) xi_t alpha_e / (4 pi) [flavio bvll/amplitudes.py prefactor].
  const Complex N = 4.0 * in.sm.G_F / std::numbers::sqrt2 * xi * in.sm.alpha_e / (4.0 * kPi);

  const Complex v_p = c.C9 + c.C9p, v_m = c.C9 - c.C9p;
  const Complex a_p = c.C10 + c.C10p, a_m = c.C10 - c.C10p;
  // C7 of the perp (H+ - H-), par (H+ + H-) and 0 amplitudes, each with its QCDF shift.
  const Complex t7_p = c.C7 + c.C7p + c.qcdf[0], t7_par = c.C7 - c.C7p + c.qcdf[1];
  const Complex t7_0 = c.C7 - c.C7p + c.qcdf[2];
  // Helicity amplitudes [flavio angular.py helicity_amps_v, mqh = m_b, mql = 0, ml1 = ml2 = m;
  // wc['s'], wc['p'] = m_b C_S, m_b C_P (get_wceff), so (s - sp)/(mqh + mql) = C_S - C_S'].
  const Complex H0V =
      N * (4.0 * I * mB * mV) / (sq * (mB + mV)) * (v_m * (mB + mV) * ff.A12 + mb * t7_0 * ff.T23);
  const Complex H0A = N * 4.0 * I * mB * mV / sq * a_m * ff.A12;
  Complex HV[2], HA[2];  // [0]: +, [1]: -
  for (int h = 0; h < 2; ++h) {
    const double s = h == 0 ? 1.0 : -1.0;
    HV[h] = N * (I / (2.0 * (mB + mV)) *
                     (s * v_p * sqlaB * ff.V - (mB + mV) * (mB + mV) * v_m * ff.A1) +
                 I * mb / q2 * (s * t7_p * sqlaB * ff.T1 - t7_par * (mB * mB - mV * mV) * ff.T2));
    HA[h] = N * (I / (2.0 * (mB + mV)) *
                 (s * a_p * sqlaB * ff.V - (mB + mV) * (mB + mV) * a_m * ff.A1));
  }
  const Complex HP = N * (I * sqlaB / 2.0) * (c.CP_minus + 2.0 * m / q2 * a_m) * ff.A0;
  const Complex HS = N * (I * sqlaB / 2.0) * c.CS_minus * ff.A0;

  // G[0,0,0] of angularcoeffs_general_Gbasis_v for ml1 = ml2 = m, no tensor amplitudes. With
  // laGa = lambda(q2, m^2, m^2) = q2 (q2 - 4 m^2), ell = laGa / (4 q2) = (q2 - 4 m^2)/4 and
  // E1 = E2 = E, E^2 = m^2 + ell (kept as such: E^2 - m^2 + ell = 2 ell exactly near threshold):
  //   4/9 (3 E^2 + ell) (sum |H_V|^2 + sum |H_A|^2) + 4 m^2/3 (sum |H_V|^2 - sum |H_A|^2)
  //   + 4/3 (E^2 - m^2 + ell) |H_S|^2 + 4/3 (E^2 + m^2 + ell) |H_P|^2,
  // times sqrt(laB) sqrt(laGa) / (2^9 pi^3 m_B^3 q2).
  const double ell = above_min / 4.0, m2 = m * m;
  const double sumV = std::norm(HV[0]) + std::norm(HV[1]) + std::norm(H0V);
  const double sumA = std::norm(HA[0]) + std::norm(HA[1]) + std::norm(H0A);
  const double G000 = 4.0 / 9.0 * (3.0 * m2 + 4.0 * ell) * (sumV + sumA) +
                      4.0 * m2 / 3.0 * (sumV - sumA) + 4.0 / 3.0 * (2.0 * ell) * std::norm(HS) +
                      4.0 / 3.0 * (2.0 * m2 + 2.0 * ell) * std::norm(HP);
  const double sqlaGa = std::sqrt(q2 * above_min);
  const double pre = sqlaB * sqlaGa / (512.0 * kPi * kPi * kPi * mB * mB * mB * q2);
  // dGamma/dq2 = 3/4 (2 J1s + J1c) - 1/4 (2 J2s + J2c) with J = 32/3 g (G_to_g) = 6 G[0,0,0].
  return 6.0 * pre * G000;
}

}  // namespace bscan::reference::bvll
