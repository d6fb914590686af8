// The run's count of points where a user observable is NaN: a value a physical point may
// legitimately lack (0/0, e.g. a branching ratio of a particle that cannot decay), stored as NaN
// and reported at the end of the run rather than left for the user to find.
#pragma once
#include <string>
#include <vector>

#include "host/output/sink.hpp"
#include "host/plan/scan_plan.hpp"

namespace bscan {

class NanCount final : public Sink {
 public:
  explicit NanCount(const ScanPlan& plan) : counts_(plan.n_user_observables, 0) {}
  void consume(const Chunk& chunk) override;
  const std::vector<long long>& counts() const { return counts_; }
  // One line per observable with NaN points: its id, how many of `total` points.
  static std::vector<std::string> lines(const ScanPlan& plan, const std::vector<long long>& counts,
                                        long long total);

 private:
  std::vector<long long> counts_;  // per user observable
};

}  // namespace bscan
