// One parameter point: a one-point plan run on the OpenMP backend (what `bscan point` prints, and
// what the tests compare with references).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "host/plan/scan_plan.hpp"

namespace bscan {

struct PointResult {
  ScanPlan plan;
  std::vector<double> values;  // plan.observables, the requested ones first
  std::vector<float> pulls;    // plan.pull_names
  std::vector<std::uint32_t> flags;
  bool flag(std::size_t bit) const { return (flags[bit / 32] >> (bit % 32) & 1u) != 0; }
};

// Observables `ids` (and the constraints of `constraints`) at one point of `model`; parameters
// not in `values` take their defaults.
PointResult evaluate_point(const ModelInfo& model, const PhysicsData& physics,
                           const std::map<std::string, double>& values,
                           const std::vector<std::string>& ids,
                           const ConstraintOptions& constraints);

// The values of `ids` only.
std::vector<double> evaluate_point(const ModelInfo& model, const PhysicsData& physics,
                                   const std::map<std::string, double>& values,
                                   const std::vector<std::string>& ids);

}  // namespace bscan
