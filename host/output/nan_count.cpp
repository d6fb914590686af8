#include "host/output/nan_count.hpp"

#include <fmt/format.h>

#include <cmath>

namespace bscan {

NanCount::NanCount(const ScanPlan& plan)
    : stored_(plan.stored),
      counts_(stored_.size() + (plan.store_pulls ? plan.pull_names.size() : 0), 0) {}

void NanCount::consume(const Chunk& chunk) {
  const std::size_t n = static_cast<std::size_t>(chunk.count);
  for (std::size_t o = 0; o < counts_.size(); ++o) {
    long long k = 0;
    if (o < stored_.size())
      for (std::size_t i = 0; i < n; ++i) k += std::isnan(chunk.values[stored_[o] * n + i]);
    else
      for (std::size_t i = 0; i < n; ++i)
        k += std::isnan(chunk.pulls[(o - stored_.size()) * n + i]);
    counts_[o] += k;
  }
}

std::vector<std::string> NanCount::lines(const ScanPlan& plan, const std::vector<long long>& counts,
                                         long long total) {
  std::vector<std::string> out;
  const std::size_t n_obs = plan.stored.size();
  for (std::size_t o = 0; o < counts.size(); ++o) {
    // delta_chi2_best_ rows are NaN until the scan is whole (host/output/best_fit.cpp).
    if (counts[o] == 0 || (o >= n_obs && plan.is_best_fit_row(o - n_obs))) continue;
    const std::string name =
        o < n_obs ? plan.observables[plan.stored[o]].id : plan.pull_output_name(o - n_obs);
    out.push_back(fmt::format(
        "'{}' is NaN at {} of {} points: not defined there (0/0, or outside the range of its "
        "formula; docs/robustness.md lists the cases); stored as NaN",
        name, counts[o], total));
  }
  return out;
}

}  // namespace bscan
