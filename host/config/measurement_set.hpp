// Measurement sets (data/measurements/*.toml, schemas/measurement-set.schema.json) as typed
// entries: loaded, validated, `extends`/`remove` resolved and every number checked, so that the
// plan (host/plan/constraints.cpp) only turns entries into kernel tables (docs/measurements.md).
#pragma once
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace bscan {

// One error source: +plus / -minus (both >= 0).
struct ErrorPair {
  double plus = 0.0, minus = 0.0;
  bool operator==(const ErrorPair&) const = default;
};

// prediction = value x observable; plus / minus: absolute 1-sigma theory errors of value.
struct PredictionScale {
  double value = 1.0, plus = 0.0, minus = 0.0;
  bool operator==(const PredictionScale&) const = default;
};

// One observable measured: central value and its error sources.
struct MeasuredValue {
  std::string observable;
  double value = 0.0;
  std::vector<ErrorPair> errors;
  bool operator==(const MeasuredValue&) const = default;
};

// A single observable (type = "measurement").
struct Measurement {
  MeasuredValue measured;
  std::optional<std::string> theory_error;  // group of the set's theory_errors
  std::optional<PredictionScale> scale;
  bool operator==(const Measurement&) const = default;
};

// Several observables with their correlation (type = "correlated"): one experiment's result
// whole, e.g. every angular observable of one q2 bin.
struct CorrelatedMeasurement {
  std::vector<MeasuredValue> values;
  std::vector<double> correlation;  // n x n, row-major, symmetric, unit diagonal, positive definite
  std::optional<std::string> theory_error;
  bool operator==(const CorrelatedMeasurement&) const = default;
};

struct UpperLimit {
  std::vector<std::string> observables;
  std::vector<double> limits;  // one per observable
  double sigma_level = 2.0;    // the limits are this many sigma
  bool operator==(const UpperLimit&) const = default;
};

// type = "min" (observable >= threshold passes) or "max" (observable <= threshold passes).
struct Threshold {
  std::string observable;
  double threshold = 0.0;
  bool at_least = true;
  bool operator==(const Threshold&) const = default;
};

// |value| in [lo, hi] for every listed parameter or observable excludes the point.
struct ExcludedRegion {
  std::vector<std::pair<std::string, std::pair<double, double>>> region;
  bool operator==(const ExcludedRegion&) const = default;
};

enum class Role { anomaly, bound, validity };

struct MeasurementEntry {
  std::string name;
  Role role = Role::bound;
  std::string source, note;
  std::variant<Measurement, CorrelatedMeasurement, UpperLimit, Threshold, ExcludedRegion> data;
  bool operator==(const MeasurementEntry&) const = default;

  // The observable ids the entry reads, in order.
  std::vector<std::string> observables() const;
  // A measurement (single or correlated): its pulls add to chi2.
  bool measures() const { return data.index() <= 1; }
};

// How the theory uncertainty of the predictions enters: relative errors per group of the SM value
// (the papers' reading), or the SM covariance sampled over the nuisance parameters.
enum class TheoryMode { flat, covariance };

struct MeasurementSet {
  std::string name, description, source;
  std::filesystem::path file;
  TheoryMode theory = TheoryMode::flat;
  std::map<std::string, double> theory_errors;  // group -> relative error
  std::vector<std::pair<std::string, std::vector<std::string>>> chi2_groups;  // in file order
  std::vector<MeasurementEntry> entries;

  const MeasurementEntry* find(const std::string& name) const;
  // Whether chi2 is computed from the covariance of the Gaussian terms (correlated entries or a
  // sampled theory covariance) rather than from the sided pulls of single measurements.
  bool gaussian() const;
};

// data/measurements/NAME.toml, or the path itself when it ends in .toml.
std::filesystem::path measurement_file(const std::string& name_or_path,
                                       const std::filesystem::path& relative_to);

// Loads, validates and resolves a set (`extends` chains merged, `remove` applied, names unique,
// numbers finite, correlation matrices square, symmetric and positive definite). Throws
// InputError naming the file, the entry and the key.
MeasurementSet load_measurement_set(const std::filesystem::path& file);

}  // namespace bscan
