// Axis values of a scan grid.
#pragma once
#include <vector>

namespace bscan {

// n points from lo to hi (both included), equally spaced in the value or in its logarithm.
std::vector<double> axis_values(double lo, double hi, long long n, bool log_spacing);

}  // namespace bscan
