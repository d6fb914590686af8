// Measurement sets (data/measurements/*.toml, schemas/measurement-set.schema.json) turned into the
// kernels' constraint table: which observables each constraint reads, its numbers, its pull and
// its flag bits (docs/measurements.md). A set may extend another one.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/plan/scan_plan.hpp"

namespace bscan {

// data/measurements/NAME.toml, or the path itself when it ends in .toml.
std::filesystem::path measurement_file(const std::string& name_or_path,
                                       const std::filesystem::path& relative_to);

// A measurement set as JSON, validated, with `extends` resolved (the parent's theory errors and
// constraints merged with this set's). Throws InputError naming the file.
nlohmann::json load_measurement_set(const std::filesystem::path& file);

// Part of build_plan: appends the constraints' observables to plan.observables (after the user's,
// which it counts in plan.n_user_observables) and fills the constraint table, pull and flag names,
// measurement_set and skipped (the entries the model cannot evaluate, "name (why)").
void plan_constraints(ScanPlan& plan, const ConstraintOptions& opt,
                      const std::filesystem::path& relative_to, const SmearingResolutions& res);

}  // namespace bscan
