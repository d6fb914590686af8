// The scan configuration (TOML): parsed, validated against schemas/scan-config.schema.json, and
// checked against the model registry, with errors that name the offending key.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernels/sm/physics_inputs.hpp"

namespace bscan {

struct SmearingResolutions {
  double r_e = 0.010;   // GeV, paper 000 (LHCb dilepton-mass resolution, electrons)
  double r_mu = 0.002;  // GeV, muons
};

struct TheoryCovariance;  // host/plan/theory_covariance.hpp

// The config's [constraints] table.
struct ConstraintOptions {
  std::string measurements;  // set name or path; empty: no constraints
  std::vector<std::string> only, skip;
  bool smear = false;                           // constraints read {smear} observables
  std::map<std::string, double> theory_errors;  // group -> relative error, overrides the set's
  std::map<std::string, double> thresholds;     // min/max constraint name -> new threshold
  bool g2_paper = false;                        // paper 000's simplified g-2 (Eq. 3.28)
  int theory_samples = 1000;  // draws of the nuisance parameters (sets with theory = "covariance")
  std::uint64_t theory_seed = 20261207;  // their seed (kDefaultTheorySeed)
  int chi2_dof = 0;  // [chi2] dof: degrees of freedom of the confidence regions (0: the axes)
  bool confidence_regions = true;  // cl_ flags of the chi2 groups (need the stored chi2 rows)
  // Programs only: this SM covariance instead of sampling one (it must hold every measured id).
  std::shared_ptr<const TheoryCovariance> theory;
};

// What the output file stores (the config's `output` table; `output = "PATH"` stores everything).
struct OutputOptions {
  bool select = false;                   // `observables` given: store only those (maybe none)
  std::vector<std::string> observables;  // ids among the config's observables
  bool pulls = true;                     // the constraints' pulls and chi2 rows
  bool flags_only = false;               // flags only: no observables, no pulls
  double checkpoint_seconds = 1.0;       // completed chunks recorded for --resume this often
};

// The most points one run scans (the product of the axes' sizes): beyond it a run would take
// years, and sizes near 2^63 overflow the flat indices. An axis holds at most 1e7 values
// (schemas/scan-config.schema.json).
inline constexpr long double kMaxPoints = 1e15L;

struct AxisConfig {
  std::string name;
  std::vector<double> values;
  bool log_spacing = false;
};

struct ScanConfig {
  std::filesystem::path path;
  std::string text;  // the file as read, stored in the output
  std::string model;
  std::string physics = "flavio-2.7";
  std::map<std::string, double> parameters;
  std::map<std::string, std::string> expressions;  // derived parameters: name -> muparser text
  std::vector<AxisConfig> axes;
  std::vector<std::string> observables;
  std::filesystem::path output;  // empty when the config has none
  long long chunk_size = 1 << 16;
  bool float32 = false;  // observables as float32
  OutputOptions store;   // what the output stores
  SmearingResolutions smearing;
  ModelOptions options;             // [options]
  bool smear_non_resonant = false;  // [options] smear_non_resonant
  ConstraintOptions constraints;    // [constraints]
};

// Reads and validates a config file; throws InputError naming the file and the key.
ScanConfig load_config(const std::filesystem::path& file);
// Same from text (for tests and `bscan validate -`); `origin` names the source in messages.
ScanConfig parse_config(const std::string& text, const std::string& origin);

// Resolves a physics data set name (data/parameters/NAME.toml) or path.
std::filesystem::path physics_file(const std::string& name_or_path,
                                   const std::filesystem::path& relative_to);

}  // namespace bscan
