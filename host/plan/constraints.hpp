// A measurement set (host/config/measurement_set.hpp) turned into the kernels' constraint table:
// which observables each constraint reads, its numbers, its pull, its flag bits and, for Gaussian
// sets, the covariance blocks of the chi2 (host/plan/likelihood.hpp; docs/measurements.md).
#pragma once
#include <filesystem>

#include "host/plan/scan_plan.hpp"

namespace bscan {

// Part of build_plan: appends the constraints' observables to plan.observables (after the user's,
// which it counts in plan.n_user_observables) and fills the constraint table, pull and flag names,
// measurement_set and skipped (the entries the model cannot evaluate, "name (why)").
void plan_constraints(ScanPlan& plan, const ConstraintOptions& opt,
                      const std::filesystem::path& relative_to, const SmearingResolutions& res);

}  // namespace bscan
