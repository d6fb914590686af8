// Measurement sets (data/measurements/*.toml, schemas/measurement-set.schema.json) turned into the
// kernels' constraint table: which observables each constraint reads, its numbers, its pull and
// its flag bits (docs/constraints.md).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "host/scan_problem.hpp"

namespace bscan {

// The scan config's [constraints] table.
struct ConstraintOptions {
  std::string measurements;  // set name or path; empty: no constraints
  std::vector<std::string> only, skip;
  bool smear = false;                           // constraints read {smear} observables
  std::map<std::string, double> theory_errors;  // group -> relative error, overrides the set's
  std::map<std::string, double> thresholds;     // min/max constraint name -> new threshold
  bool g2_paper = false;                        // paper 000's simplified g-2 (Eq. 3.28)
};

// data/measurements/NAME.toml, or the path itself when it ends in .toml.
std::filesystem::path measurement_file(const std::string& name_or_path,
                                       const std::filesystem::path& relative_to);

// Appends the constraints' observables to pb.observables (after the user's, which it counts in
// pb.n_user_observables) and fills pb.constraints, pull and flag names. Constraints the model
// cannot evaluate are skipped; `skipped` gets "name (why)" for each. Call before prepare_terms.
// Returns the set's name.
std::string plan_constraints(ScanProblem& pb, const ConstraintOptions& opt,
                             const std::filesystem::path& relative_to,
                             const SmearingResolutions& res, std::vector<std::string>& skipped);

}  // namespace bscan
