#include "host/cli/covariance_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "host/config/scan_config.hpp"
#include "host/errors.hpp"
#include "host/plan/theory_covariance.hpp"

namespace bscan::cli {

std::string covariance(const CovarianceOptions& opt) {
  const ModelInfo& model = find_model(opt.model);
  const PhysicsData physics = load_physics_data(physics_file(opt.physics, "."));
  std::vector<std::string> ids = opt.observables;
  if (!opt.measurements.empty())
    for (const std::string& id : measured_observables(
             load_measurement_set(measurement_file(opt.measurements, ".")), model, physics))
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  if (ids.empty()) throw InputError("give observables, or --measurements SET");
  const TheoryCovariance c = sample_theory_covariance(physics, ids, &model, opt.samples, opt.seed);
  const std::vector<double> sigma = c.sigma();
  const Eigen::MatrixXd corr = c.correlation();
  if (opt.json) {
    nlohmann::ordered_json j;
    j["observables"] = ids;
    j["central"] = c.central;
    j["sigma"] = sigma;
    j["correlation"] = nlohmann::ordered_json::array();
    for (Eigen::Index i = 0; i < corr.rows(); ++i) {
      std::vector<double> row(corr.row(i).begin(), corr.row(i).end());
      j["correlation"].push_back(row);
    }
    j["samples"] = c.samples;
    j["seed"] = c.seed;
    j["nuisances"] = c.nuisances;
    j["seconds"] = c.seconds;
    j["cache_file"] =
        c.cache_file.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(c.cache_file);
    return j.dump(1);
  }
  std::string text =
      fmt::format("{:<36} {:>14} {:>12} {:>9}\n", "observable", "SM", "sigma", "relative");
  for (std::size_t i = 0; i < ids.size(); ++i)
    text += fmt::format("{:<36} {:>14.6g} {:>12.4g} {:>8.2f}%\n", ids[i], c.central[i], sigma[i],
                        100.0 * sigma[i] / std::fabs(c.central[i]));
  text += fmt::format("{} draws of '{}' (seed {}), {:.1f} s; --json for the correlation", c.samples,
                      c.nuisances, c.seed, c.seconds);
  return text;
}

}  // namespace bscan::cli
