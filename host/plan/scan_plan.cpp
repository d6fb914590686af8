#include "host/plan/scan_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "host/errors.hpp"
#include "host/plan/constraints.hpp"

namespace bscan {
namespace {

// Stage 0 of every term (the only expensive setup step), on the host.
std::vector<Spectral> contact_integrals(const PhysicsInputs& in, const std::vector<RateTerm>& terms,
                                        bool smear_non_resonant) {
  std::vector<Spectral> contact(terms.size());
#pragma omp parallel for schedule(dynamic)
  for (std::size_t t = 0; t < terms.size(); ++t) {
    RateTerm term = terms[t];
    if (!smear_non_resonant) term.bin.r = 0.0;  // paper 000 smears the resonance only
    contact[t] = term_contact(in, term);
  }
  return contact;
}

// The flat range cut into `n` slabs on chunk boundaries (fewer when the grid has fewer chunks).
std::vector<Slab> cut_slabs(const ChunkLayout& layout, int n) {
  const long long total = static_cast<long long>(layout.total_points());
  std::vector<Slab> slabs;
  long long begin = 0;
  for (int k = 1; k <= n && begin < total; ++k) {
    long long end = total;
    if (k < n) {
      const long long target = total / n * k + std::min<long long>(k, total % n);
      end = static_cast<long long>(layout.chunk_floor(static_cast<std::size_t>(target)));
    }
    if (end > begin) slabs.push_back({begin, end});
    begin = std::max(begin, end);
  }
  return slabs;
}

}  // namespace

long long ScanPlan::total_points() const {
  long long n = 1;
  for (const Axis& a : axes) n *= static_cast<long long>(a.values.size());
  return n;
}

ScanPlan build_plan(const ScanConfig& c, const PhysicsData& physics,
                    const PlanLayoutOptions& layout) {
  ScanPlan plan;
  plan.options = c.options;
  plan.model = &find_model(c.model);
  plan.physics = &physics;
  plan.fixed = plan.model->resolve(c.parameters);
  for (const AxisConfig& a : c.axes)
    plan.axes.push_back({a.name, *plan.model->param_index(a.name), a.values, a.log_spacing});
  const std::string origin = c.path.empty() ? "config" : c.path.string();
  for (std::size_t i = 0; i < c.observables.size(); ++i) {
    try {
      plan.observables.push_back(
          parse_observable(c.observables[i], *plan.model, c.smearing, physics.inputs()));
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: key 'observables[{}]': {}", origin, i, e.what()));
    }
  }
  try {
    plan_constraints(plan, c.constraints, c.path.parent_path(), c.smearing);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", origin, e.what()));
  }
  plan.compiled = compile_observables(plan.observables);
  plan.contact = contact_integrals(physics.inputs(), plan.compiled.terms, c.smear_non_resonant);

  std::vector<std::size_t> shape;
  for (const Axis& a : plan.axes) shape.push_back(a.values.size());
  plan.chunk_size = c.chunk_size;
  plan.chunk_target = static_cast<std::size_t>(std::min<long long>(c.chunk_size, 1 << 20));
  plan.layout = ChunkLayout(shape, plan.chunk_target);
  plan.slabs = cut_slabs(plan.layout, std::max(layout.slabs, 1));
  plan.device = layout.device;

  const long long n_binned =
      std::count_if(plan.compiled.terms.begin(), plan.compiled.terms.end(),
                    [](const RateTerm& t) { return t.kind == TermKind::binned; });
  plan.pole_keys = 1;
  for (const Axis& a : plan.axes)
    if (plan.model->pole_params >> a.param & 1u)
      plan.pole_keys *= static_cast<long long>(a.values.size());
  if (plan.model->resonant && n_binned > 0) {
    const long double bytes =
        static_cast<long double>(plan.pole_keys) * n_binned * sizeof(ResonantIntegrals);
    plan.pole_scope =
        bytes <= layout.pole_table_budget ? PoleTableScope::slab : PoleTableScope::chunk;
  }
  return plan;
}

}  // namespace bscan
