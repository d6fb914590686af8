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
  // One line per flag: name, points, fraction of `total`.
  std::string table(long long total) const;

 private:
  std::vector<std::string> names_;
  std::vector<long long> passing_;
};

}  // namespace bscan
