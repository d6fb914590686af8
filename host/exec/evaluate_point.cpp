#include "host/exec/evaluate_point.hpp"

#include "host/exec/backend.hpp"

namespace bscan {

PointResult evaluate_point(const ModelInfo& model, const PhysicsData& physics,
                           const std::map<std::string, double>& values,
                           const std::vector<std::string>& ids,
                           const ConstraintOptions& constraints) {
  ScanConfig c;
  c.model = model.name;
  c.parameters = values;
  c.observables = ids;
  c.constraints = constraints;
  PointResult r{build_plan(c, physics), {}, {}, {}};
  r.values.resize(r.plan.observables.size());
  r.pulls.resize(r.plan.pull_names.size());
  r.flags.resize(static_cast<std::size_t>(r.plan.flag_words()));
  make_cpu_backend(r.plan, 1)->evaluate(0, 1, r.values.data(), r.pulls.data(), r.flags.data());
  return r;
}

std::vector<double> evaluate_point(const ModelInfo& model, const PhysicsData& physics,
                                   const std::map<std::string, double>& values,
                                   const std::vector<std::string>& ids) {
  std::vector<double> v = evaluate_point(model, physics, values, ids, {}).values;
  v.resize(ids.size());
  return v;
}

}  // namespace bscan
