// Independent CPU reference, B0 -> K*0 (-> K pi) l l part: dGamma/dq2 of one CP mode from flavio's
// helicity amplitudes (flavio angular.py helicity_amps_v) and flavio's generic G-basis angular
// function G[0,0,0] (angularcoeffs_general_Gbasis_v with l1 = l2, no tensors),
// dGamma/dq2 = 3/4 (2 J1s + J1c) - 1/4 (2 J2s + J2c) = 6 G[0,0,0] (G_to_g, J = 32/3 g).
// Own B -> K* BSZ form factors (a0 of A12 and T2 from the endpoint relations of arXiv:1503.05534).
// Shares only plain-data input types with the kernels; used by reference_bkll.cpp, which supplies
// the SM effective coefficients (charm loop, tabulated corrections) and the integration.
#pragma once
#include <complex>

#include "kernels/channels/rate_terms.hpp"

namespace bscan::reference::bvll {

using Complex = std::complex<double>;

// B -> K* form factors at q2 (BSZ3 with the neutral masses in z, flavio's `ff` of b_v/bsz.py).
struct FormFactors {
  double V, A0, A1, A12, T1, T2, T23;
};
FormFactors form_factors(const BToVInputs& ch, double q2);

// Wilson coefficients of one CP mode at one q2 in the flavio basis (C_S, C_P in GeV^-1, only the
// differences C_S - C_S', C_P - C_P' enter B -> K*).
struct Coefficients {
  Complex C7, C7p, C9, C9p, C10, C10p, CS_minus, CP_minus;
  Complex qcdf[3] = {};  // QCDF: shifts of C7 (+ C7' or - C7') in the perp, par and 0 amplitudes
};

// flavio's QCDF shifts of one CP mode at q2 (the table of in.bvll_qcdf, linear in q2, zero from
// its cut on), written independently of the kernels' lookup.
void qcdf_shifts(const PhysicsInputs& in, bool cp_conjugate, double q2, Complex out[3]);

// dGamma/dq2 [GeV^-1] of one CP mode at q2 = 4 m_l^2 + above_min = q2_max - below_max (the
// distances passed exactly); xi is V_tb V_ts^* of the mode (conjugated for the CP conjugate).
// Zero outside 4 m_l^2 < q2 <= (m_B - m_K*)^2.
double mode_density(const PhysicsInputs& in, Lepton lepton, double q2, double above_min,
                    double below_max, const Coefficients& c, Complex xi);

}  // namespace bscan::reference::bvll
