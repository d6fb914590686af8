// Plain-data physics inputs handed to the kernels by value. Filled by host/config/physics_data.cpp
// from data/parameters/*.toml; no number in here is a default: every one comes from a data file.
#pragma once

#include "kernels/backend.hpp"
#include "kernels/numerics/complex.hpp"

namespace bscan {

enum class Lepton : int { e = 0, mu = 1 };
inline constexpr int kLeptons = 2;

// BSZ series of one form factor: sum_k a[k] (z - z0)^k / (1 - q2 / m_pole^2).
struct BszSeries {
  double a[3];
  double m_pole;
};

struct BToKInputs {
  double m_B, m_K;      // physical masses of the channel (kinematics)
  double Gamma_B;       // total width of the B: BR = dGamma / Gamma_B
  double z_m_B, z_m_K;  // masses inside the z-expansion (always the neutral ones, as flavio)
  BszSeries f_plus, f_zero, f_T;
};

struct BToVInputs {
  double m_B, m_V;      // physical masses of the channel (kinematics)
  double Gamma_B;       // total width of the B
  double z_m_B, z_m_V;  // masses inside the z-expansion (neutral ones, as flavio)
  BszSeries A0, A1, A12, V, T1, T2, T23;
};

struct BsInputs {
  double m_Bs, Gamma_Bs, f_Bs;
  double y_s;     // Delta Gamma_s / (2 Gamma_s)
  cplx M12_SM;    // SM mixing amplitude [GeV]
  double B2, B4;  // bag parameters of the SLL/SRR and SLR operators (flavio's convention)
  double hbar;    // GeV s
};

// SM couplings at mu_b and the ingredients of the perturbative charm loop Y(q2).
struct SmInputs {
  double G_F, alpha_e, m_b, m_s;  // MSbar masses at mu_b
  cplx xi_t;                      // V_tb V_ts^*
  double C7eff, C7peff, C9, C10;
  double C1, C2, C3, C4, C5, C6;
  double mu_b, m_c_pole, m_b_pole;
  double m_c_BVgamma;  // flavio's 'm_c BVgamma', the m_c of the two-loop dC7 (a nuisance parameter)
};

// Natural cubic splines through flavio's tabulated corrections dC7(q2), dC9(q2) for the b -> s mode
// and for the CP-conjugate mode. Pointers are in the memory of the executing backend.
// The last four columns are dC7's slopes in m_c_BVgamma (b -> s, conjugate) at the table's mc0.
inline constexpr int kCorrectionColumns = 12;  // re/im of dC7, dC9, dC7bar, dC9bar, ddC7/dmc x2
inline constexpr int kCorrectionSlopes = 8;    // first column of the slopes
struct CorrectionTable {
  const double* q2 = nullptr;  // n nodes, increasing
  const double* y = nullptr;   // n x kCorrectionColumns values
  const double* y2 = nullptr;  // n x kCorrectionColumns spline second derivatives
  int n = 0;
  double mc0 = 0.0;  // the m_c_BVgamma the table was made at
};

// flavio's QCD-factorisation correction to B -> K* l l (spectator scattering, weak annihilation,
// O8; SM coefficients) as transversity-dependent shifts dC7_X(q2), X = perp, par, 0, linear between
// the nodes, zero for q2 >= q2_cut (data/sm/flavio-qcdf-bvll.csv). n = 0: no correction.
inline constexpr int kQcdfColumns = 12;  // re/im of dC7perp, dC7par, dC70, then the *bar ones
struct QcdfTable {
  const double* q2 = nullptr;  // n nodes, increasing
  const double* y = nullptr;   // n x kQcdfColumns values
  int n = 0;
  double q2_cut = 0.0;
};

// Subleading hadronic effects (kernels/sm/subleading.hpp): zero unless a nuisance draw sets them.
struct BkSubleading {
  cplx a, b, c;  // dC9 = a + b q2 (q2 <= 9 GeV^2), c (q2 > 14 GeV^2)
};
struct BvSubleading {
  cplx a[3], b[3];  // helicity 0, -, +: dC7 (0, -) and dC7' (+) = (a + b q2/m_B^2) m_B / (2 m_b)
  cplx c[3];        // helicity 0, -, +: dC9 for q2 > 14 GeV^2
};

// Switches for choices paper 000 leaves unstated (docs/physics.md, Differences from paper 000);
// defaults = the paper's reading, set by the scan config's [options] table.
struct ModelOptions {
  bool photon_width = false;  // Gamma(a -> gamma gamma) in the total width (paper: BR(a->ee) ~ 1)
  bool on_shell_interference = false;  // SM-resonance interference in bins that hold the pole
  // The vector's normalisation N of C9,10 = g_bs g / N [GeV^-2]; 0: G_F xi_t alpha_e / (sqrt2 pi)
  // from the physics data (paper 001 quotes -7.7e-10 at its Eq. 7).
  double vector_norm = 0.0;
};

// B0 -> l l (SM only: the models shift b -> s): its mass and width are those of b0_kstar0.
struct BdInputs {
  double f_B0;
  cplx xi_t;  // V_tb V_td^*
};

struct PhysicsInputs {
  double m_lepton[kLeptons];
  double alpha_em_0;
  double m_Z;
  double gev_m2_in_cm3_per_s;  // (hbar c)^2 c: a cross section times velocity, GeV^-2 -> cm^3/s
  SmInputs sm;
  BToKInputs bplus_kplus;
  BToVInputs b0_kstar0;
  BsInputs bs;
  BdInputs bd;
  CorrectionTable corrections;
  QcdfTable bvll_qcdf;
  BkSubleading bk_subleading;  // B+ -> K+
  BvSubleading bv_subleading;  // B0 -> K*0
  ModelOptions options;
};

}  // namespace bscan
