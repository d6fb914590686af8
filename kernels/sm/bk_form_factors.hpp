// B -> K form factors f+, f0, fT (BSZ3, flavio's default: GRvDV 2023, arXiv:2305.06301).
#pragma once

#include "kernels/sm/bsz_expansion.hpp"

namespace bscan {

struct BkFormFactors {
  double f_plus, f_zero, f_T;
};

BSCAN_HD inline BkFormFactors bk_form_factors(const BToKInputs& in, double q2) {
  const double dz = bsz_z(q2, in.z_m_B, in.z_m_K) - bsz_z(0.0, in.z_m_B, in.z_m_K);
  return {bsz_series(in.f_plus, q2, dz), bsz_series(in.f_zero, q2, dz), bsz_series(in.f_T, q2, dz)};
}

}  // namespace bscan
