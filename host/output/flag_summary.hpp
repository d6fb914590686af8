// The run's summary: how many points pass each flag.
#pragma once
#include <string>
#include <vector>

#include "host/output/sink.hpp"
#include "host/plan/scan_plan.hpp"

namespace bscan {

class FlagSummary final : public Sink {
 public:
  explicit FlagSummary(const ScanPlan& plan);
  void consume(const Chunk& chunk) override;
  const std::vector<long long>& passing() const { return passing_; }
  // One line per flag: name, points passing, fraction of `total`.
  static std::string table(const std::vector<std::string>& names,
                           const std::vector<long long>& passing, long long total);

 private:
  std::vector<long long> passing_;
};

}  // namespace bscan
