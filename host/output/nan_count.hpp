// The run's count of points where a stored observable or pull is NaN: a value a physical point may
// legitimately lack (0/0, e.g. a branching ratio of a particle that cannot decay, or a formula
// outside its range), stored as NaN and reported at the end of the run rather than left for the
// user to find.
#pragma once
#include <string>
#include <vector>

#include "host/output/sink.hpp"
#include "host/plan/scan_plan.hpp"

namespace bscan {

class NanCount final : public Sink {
 public:
  explicit NanCount(const ScanPlan& plan);
  void consume(const Chunk& chunk) override;
  // Per stored observable, then per stored pull row.
  const std::vector<long long>& counts() const { return counts_; }
  // One line per observable or pull with NaN points: its name, how many of `total` points.
  static std::vector<std::string> lines(const ScanPlan& plan, const std::vector<long long>& counts,
                                        long long total);

 private:
  std::vector<std::size_t> stored_;  // the plan's stored observables
  std::vector<long long> counts_;
};

}  // namespace bscan
