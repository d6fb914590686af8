#include "host/output/flag_summary.hpp"

#include <fmt/format.h>

namespace bscan {

FlagSummary::FlagSummary(const ScanPlan& plan) : passing_(plan.flag_names.size(), 0) {}

void FlagSummary::consume(const Chunk& chunk) {
  const std::size_t n = static_cast<std::size_t>(chunk.count);
  for (std::size_t b = 0; b < passing_.size(); ++b) {
    const std::uint32_t* word = chunk.flags.data() + (b / 32) * n;
    const std::uint32_t mask = 1u << (b % 32);
    long long k = 0;
    for (std::size_t i = 0; i < n; ++i) k += (word[i] & mask) != 0;
    passing_[b] += k;
  }
}

std::string FlagSummary::table(const std::vector<std::string>& names,
                               const std::vector<long long>& passing, long long total) {
  std::string out = fmt::format("{:<28} {:>12} {:>10}\n", "flag", "points", "fraction");
  for (std::size_t b = 0; b < passing.size(); ++b)
    out += fmt::format("{:<28} {:>12} {:>10.4f}\n", names[b], passing[b],
                       static_cast<double>(passing[b]) / static_cast<double>(total));
  return out;
}

}  // namespace bscan
