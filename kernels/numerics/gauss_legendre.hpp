// Fixed-order Gauss-Legendre rules on [-1, 1] (positive half of the symmetric nodes). Accessors
// with local constexpr tables, so that device code can use them without device-memory symbols.
#pragma once

#include "kernels/backend.hpp"

namespace bscan {

template <int N>
struct GaussLegendre;

template <>
struct GaussLegendre<10> {
  static constexpr int kHalf = 5;
  BSCAN_HD static constexpr double x(int i) {
    constexpr double v[kHalf] = {0.14887433898163122, 0.4333953941292472, 0.6794095682990244,
                                 0.8650633666889845, 0.9739065285171717};
    return v[i];
  }
  BSCAN_HD static constexpr double w(int i) {
    constexpr double v[kHalf] = {0.2955242247147528, 0.2692667193099965, 0.219086362515982,
                                 0.1494513491505804, 0.06667134430868814};
    return v[i];
  }
};

template <>
struct GaussLegendre<16> {
  static constexpr int kHalf = 8;
  BSCAN_HD static constexpr double x(int i) {
    constexpr double v[kHalf] = {0.09501250983763744, 0.2816035507792589, 0.45801677765722737,
                                 0.6178762444026438,  0.755404408355003,  0.8656312023878318,
                                 0.9445750230732326,  0.9894009349916499};
    return v[i];
  }
  BSCAN_HD static constexpr double w(int i) {
    constexpr double v[kHalf] = {0.18945061045506864,  0.18260341504492364, 0.16915651939500265,
                                 0.1495959888165767,   0.12462897125553407, 0.0951585116824926,
                                 0.062253523938647456, 0.027152459411754176};
    return v[i];
  }
};

}  // namespace bscan
