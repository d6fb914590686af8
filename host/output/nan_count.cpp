#include "host/output/nan_count.hpp"

#include <fmt/format.h>

#include <cmath>

namespace bscan {

void NanCount::consume(const Chunk& chunk) {
  const std::size_t n = static_cast<std::size_t>(chunk.count);
  for (std::size_t o = 0; o < counts_.size(); ++o)
    for (std::size_t i = 0; i < n; ++i) counts_[o] += std::isnan(chunk.values[o * n + i]);
}

std::vector<std::string> NanCount::lines(const ScanPlan& plan, const std::vector<long long>& counts,
                                         long long total) {
  std::vector<std::string> out;
  for (std::size_t o = 0; o < counts.size(); ++o)
    if (counts[o] > 0)
      out.push_back(fmt::format(
          "'{}' is NaN at {} of {} points: not defined there (0/0, e.g. a branching ratio of a "
          "particle without any open decay, or a pole of zero width inside a bin); stored as NaN",
          plan.observables[o].id, counts[o], total));
  return out;
}

}  // namespace bscan
