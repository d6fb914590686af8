#include "host/config/grid.hpp"

#include <cmath>

namespace bscan {

std::vector<double> axis_values(double lo, double hi, long long n, bool log_spacing) {
  std::vector<double> v(static_cast<std::size_t>(n));
  if (n == 1) {
    v[0] = lo;
    return v;
  }
  const double a = log_spacing ? std::log(lo) : lo, b = log_spacing ? std::log(hi) : hi;
  for (long long i = 0; i < n; ++i) {
    const double t = a + (b - a) * static_cast<double>(i) / static_cast<double>(n - 1);
    v[i] = log_spacing ? std::exp(t) : t;
  }
  v.front() = lo;  // exact ends, whatever the rounding of exp/log
  v.back() = hi;
  return v;
}

}  // namespace bscan
