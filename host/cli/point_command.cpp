#include "host/cli/point_command.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "host/config/numbers.hpp"
#include "host/config/presets.hpp"
#include "host/errors.hpp"
#include "host/exec/evaluate_point.hpp"

namespace bscan::cli {
namespace {

std::vector<std::string> default_observables(const ModelInfo& m) {
  std::vector<std::string> out = {"BR(B+->K+ee)[1.1,6.0]", "BR(B+->K+mumu)[1.1,6.0]",
                                  "RK[1.1,6.0]"};
  for (const std::string& id : particle_observables(m)) out.push_back(id);
  for (const QuantityInfo& q : m.quantities) out.push_back(q.id);
  return out;
}

}  // namespace

std::string point(const PointOptions& opt) {
  const ModelInfo& model = find_model(opt.model);
  std::map<std::string, double> values;
  for (const std::string& s : opt.sets) {
    const std::size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError(fmt::format("--set '{}': expected NAME=VALUE", s));
    const std::string name = s.substr(0, eq), where = fmt::format("--set {}", s);
    const double v = parse_number(s.substr(eq + 1), where);
    model.check_value(name, v, where);
    values[name] = v;
  }
  const PhysicsData physics = load_physics_data(physics_file(opt.physics, "."));
  std::vector<std::string> ids = opt.observables;
  for (const std::string& name : opt.presets)
    for (const std::string& o : find_preset(name, model.name, "--preset").observables)
      if (std::find(ids.begin(), ids.end(), o) == ids.end()) ids.push_back(o);
  if (ids.empty()) ids = default_observables(model);
  for (const std::string& id : ids) {
    try {
      parse_observable(id, model, {}, physics.inputs());
    } catch (const InputError& e) {
      throw InputError(fmt::format("--observable: {}", e.what()));
    }
  }
  ConstraintOptions copt;
  if (opt.measurements != "none") copt.measurements = opt.measurements;
  copt.only = opt.only;
  const PointResult r = evaluate_point(model, physics, values, ids, copt);
  const ScanPlan& pb = r.plan;
  const std::vector<double>& out = r.values;
  const std::vector<float>& pulls = r.pulls;
  auto flag = [&](std::size_t b) { return r.flag(b); };
  // Confidence regions need the whole map: a single point has none.
  std::vector<bool> map_only(pb.flag_names.size(), false);
  for (const auto& bits : pb.chi2_cl.bits)
    for (int b : bits) map_only[static_cast<std::size_t>(b)] = true;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (!std::isfinite(out[i]))
      spdlog::warn(
          "'{}' is {} at this point: not defined there (0/0, or outside the range of "
          "its formula; docs/robustness.md lists the cases)",
          ids[i],
          std::isnan(out[i]) ? "NaN"
          : out[i] > 0       ? "inf"
                             : "-inf");

  if (opt.json) {
    nlohmann::ordered_json j;
    j["model"] = model.name;
    for (std::size_t i = 0; i < model.params.size(); ++i)
      j["parameters"][model.params[i].name] = pb.fixed[i];
    j["observables"] = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < ids.size(); ++i) j["observables"][ids[i]] = out[i];
    j["measurement_set"] = opt.measurements;
    j["pulls"] = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < pulls.size(); ++k)  // NaN (no prediction) becomes null
      if (!pb.is_best_fit_row(k))
        j[pb.is_chi2_row(k) ? "chi2" : "pulls"][pb.pull_names[k]] =
            std::isnan(pulls[k]) ? nlohmann::ordered_json() : nlohmann::ordered_json(pulls[k]);
    j["flags"] = nlohmann::ordered_json::object();
    for (std::size_t b = 0; b < pb.flag_names.size(); ++b)
      if (!map_only[b]) j["flags"][pb.flag_names[b]] = flag(b);
    return j.dump(2);
  }
  std::string text;  // NaN of either sign prints as "nan"
  for (std::size_t i = 0; i < ids.size(); ++i)
    text += fmt::format("{:<32} {:.8g}\n", ids[i], std::isnan(out[i]) ? NAN : out[i]);
  for (std::size_t k = 0; k < pulls.size(); ++k)
    if (!pb.is_best_fit_row(k))
      text += fmt::format("{:<32} {:.4g}\n", pb.pull_output_name(k),
                          std::isnan(pulls[k]) ? NAN : pulls[k]);
  for (std::size_t b = 0; b < pb.flag_names.size(); ++b)
    if (!map_only[b]) text += fmt::format("{:<32} {}\n", pb.flag_names[b], flag(b) ? "yes" : "no");
  return text;
}

}  // namespace bscan::cli
