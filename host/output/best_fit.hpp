// After the scan: the minimum of every chi2 group over the whole map (value and location as
// attributes of delta_chi2_best_G), delta_chi2_best_G = chi2_G - min, and the confidence flags
// cl_1s_G, cl_2s_G, cl_3s_G (delta_chi2_best_G within the plan's chi2 quantiles).
#pragma once
#include <utility>
#include <vector>

#include "host/mpi/communicator.hpp"
#include "host/output/hdf5_sink.hpp"
#include "host/plan/scan_plan.hpp"

namespace bscan {

// Reads the chi2 rows back from the file, chunk c by rank c % size (every rank passes the same
// chunks: all of the grid), writes the rows and flags (collectively) and the attributes. Returns,
// per flag bit, how many of this rank's points have it set (0 for the bits it does not own).
// A no-op (all zero) for a plan without chi2 groups or without stored pulls.
std::vector<long long> write_best_fit(const ScanPlan& plan,
                                      const std::vector<std::pair<long long, long long>>& chunks,
                                      Hdf5Sink& file, const Communicator& comm);

}  // namespace bscan
