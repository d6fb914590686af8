#include "host/point_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "host/errors.hpp"
#include "host/presets.hpp"
#include "host/scan_config.hpp"
#include "host/scan_problem.hpp"

namespace bscan {
namespace {

std::vector<std::string> default_observables(const ModelInfo& m) {
  std::vector<std::string> out = {"BR(B+->K+ee)[1.1,6.0]", "BR(B+->K+mumu)[1.1,6.0]",
                                  "RK[1.1,6.0]"};
  for (const QuantityInfo& q : m.quantities) out.push_back(q.id);
  return out;
}

double parse_value(const std::string& text, const std::string& where) {
  std::size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw InputError(fmt::format("{}: '{}' is not a number", where, text));
  return v;
}

}  // namespace

std::vector<double> evaluate_point(const ModelInfo& model, const PhysicsData& physics,
                                   const std::map<std::string, double>& values,
                                   const std::vector<std::string>& ids) {
  ScanProblem pb;
  pb.model = &model;
  pb.physics = &physics;
  pb.fixed = model.resolve(values);
  for (const std::string& id : ids)
    pb.observables.push_back(parse_observable(id, model, SmearingResolutions{}, physics.inputs()));
  prepare_terms(pb);
  std::vector<double> out(ids.size());
  make_cpu_backend(pb, 1)->evaluate(0, 1, out.data());
  return out;
}

std::string run_point(const PointOptions& opt) {
  const ModelInfo& model = find_model(opt.model);
  std::map<std::string, double> values;
  for (const std::string& s : opt.sets) {
    const std::size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError(fmt::format("--set '{}': expected NAME=VALUE", s));
    const std::string name = s.substr(0, eq), where = fmt::format("--set {}", s);
    const double v = parse_value(s.substr(eq + 1), where);
    model.check_value(name, v, where);
    values[name] = v;
  }
  const PhysicsData physics = load_physics_data(physics_file(opt.physics, "."));
  std::vector<std::string> ids = opt.observables;
  for (const std::string& name : opt.presets)
    for (const std::string& o : find_preset(name, model.name, "--preset").observables)
      if (std::find(ids.begin(), ids.end(), o) == ids.end()) ids.push_back(o);
  if (ids.empty()) ids = default_observables(model);
  const std::vector<double> out = evaluate_point(model, physics, values, ids);
  const std::vector<double> fixed = model.resolve(values);

  if (opt.json) {
    nlohmann::ordered_json j;
    j["model"] = model.name;
    for (std::size_t i = 0; i < model.params.size(); ++i)
      j["parameters"][model.params[i].name] = fixed[i];
    j["observables"] = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < ids.size(); ++i) j["observables"][ids[i]] = out[i];
    return j.dump(2);
  }
  std::string text;
  for (std::size_t i = 0; i < ids.size(); ++i)
    text += fmt::format("{:<32} {:.8g}\n", ids[i], out[i]);
  return text;
}

}  // namespace bscan
