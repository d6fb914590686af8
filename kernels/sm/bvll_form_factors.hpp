// B -> K* form factors V, A0, A1, A12, T1, T2, T23 (BSZ 2015, arXiv:1503.05534,
// flavio's default) in the helicity combinations A12, T23 that flavio uses.
#pragma once

#include "kernels/sm/bsz_expansion.hpp"

namespace bscan {

struct BvFormFactors {
  double V, A0, A1, A12, T1, T2, T23;
};

BSCAN_HD inline BvFormFactors bv_form_factors(const BToVInputs& in, double q2) {
  const double dz = bsz_z(q2, in.z_m_B, in.z_m_V) - bsz_z(0.0, in.z_m_B, in.z_m_V);
  return {bsz_series(in.V, q2, dz),   bsz_series(in.A0, q2, dz), bsz_series(in.A1, q2, dz),
          bsz_series(in.A12, q2, dz), bsz_series(in.T1, q2, dz), bsz_series(in.T2, q2, dz),
          bsz_series(in.T23, q2, dz)};
}

}  // namespace bscan
