#include "host/plan/scan_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

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
    if (term.q2 == kQ2FromAxis) continue;       // at the point's q2, in the kernels
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

// The plan's grid as the kernels see it, over host memory.
GridView host_grid(const ScanPlan& plan) {
  GridView g;
  g.n_axes = static_cast<int>(plan.axes.size());
  for (std::size_t a = 0; a < plan.axes.size(); ++a) {
    g.param[a] = plan.axes[a].param;
    g.size[a] = static_cast<long long>(plan.axes[a].values.size());
    g.values[a] = plan.axes[a].values.data();
  }
  std::copy(plan.fixed.begin(), plan.fixed.end(), g.fixed);
  g.n_derived = static_cast<int>(plan.derived.size());
  for (std::size_t d = 0; d < plan.derived.size(); ++d) {
    g.derived_param[d] = plan.derived[d].param;
    g.derived_axes[d] = plan.derived[d].axes;
    g.derived_values[d] = plan.derived[d].values.data();
  }
  return g;
}

// The model's domain (e.g. m_V > 2 m_chi) at the corners of the grid, where a condition monotonic
// in the parameters is tightest; the message names the parameters it mentions with their values.
// What the output stores (the config's [output] table), checked against the observables and the
// constraints.
void select_stored(ScanPlan& plan, const ScanConfig& c, const std::string& origin) {
  plan.store_pulls = c.store.pulls;
  plan.checkpoint_seconds = c.store.checkpoint_seconds;
  if (c.store.flags_only && plan.flag_names.empty())
    throw InputError(fmt::format(
        "{}: key 'output.flags_only': the scan has no [constraints], so there are no flags",
        origin));
  if (!c.store.select) {
    for (std::size_t o = 0; o < plan.n_user_observables; ++o) plan.stored.push_back(o);
    return;
  }
  for (std::size_t i = 0; i < c.store.observables.size(); ++i) {
    const auto it = std::find(c.observables.begin(), c.observables.end(), c.store.observables[i]);
    if (it == c.observables.end())
      throw InputError(
          fmt::format("{}: key 'output.observables[{}]': '{}' is not among the "
                      "config's observables",
                      origin, i, c.store.observables[i]));
    plan.stored.push_back(static_cast<std::size_t>(it - c.observables.begin()));
  }
  if (plan.stored.empty() && (!plan.store_pulls || plan.pull_names.empty()) &&
      plan.flag_names.empty())
    throw InputError(fmt::format("{}: key 'output': nothing to store", origin));
}

void check_domain(const ScanPlan& plan, const std::string& origin) {
  if (plan.model->outside_domain == nullptr) return;
  if (plan.axes.size() > static_cast<std::size_t>(kMaxAxes))
    throw InputError(fmt::format("{}: at most {} axes", origin, kMaxAxes));
  if (plan.derived.size() > static_cast<std::size_t>(kMaxDerived))
    throw InputError(
        fmt::format("{}: at most {} parameters set by expressions of axes", origin, kMaxDerived));
  const GridView g = host_grid(plan);
  for (unsigned corner = 0; corner < 1u << g.n_axes; ++corner) {
    long long flat = 0;
    for (int a = 0; a < g.n_axes; ++a)
      flat = flat * g.size[a] + (corner >> a & 1u ? g.size[a] - 1 : 0);
    double p[kMaxParams];
    decode_point(g, flat, p);
    const char* why = plan.model->outside_domain(p);
    if (why == nullptr) continue;
    std::string values;
    const std::string text = why;
    for (std::size_t i = 0; i < plan.model->params.size(); ++i) {
      const std::string& n = plan.model->params[i].name;
      const std::size_t at = text.find(n);
      const auto word = [&](std::size_t k) {
        return k >= text.size() ||
               !(std::isalnum(static_cast<unsigned char>(text[k])) || text[k] == '_');
      };
      if (at != std::string::npos && (at == 0 || word(at - 1)) && word(at + n.size()))
        values += fmt::format("{}{} = {}", values.empty() ? "" : ", ", n, p[i]);
    }
    throw InputError(
        fmt::format("{}: parameters {}: {} (model '{}')", origin, values, why, plan.model->name));
  }
}

// Largest pole sub-grid whose poles the plan evaluates to drop the axes that do not move them.
constexpr long long kMaxPoleCheck = 1ll << 24;
constexpr double kPoleRelativeTolerance = 1e-14;

bool same_pole(const Pole& x, const Pole& y) {
  const auto close = [](double u, double v) {
    return std::fabs(u - v) <= kPoleRelativeTolerance * std::fabs(v);
  };
  return x.active == y.active && close(x.M2, y.M2) && close(x.gamma, y.gamma);
}

// A pole axis along which no point's pole changes (e.g. a lepton coupling when Gamma_V_over_m_V
// fixes the width) leaves the pole axes: fewer distinct poles, the same stage-1 integrals. Every
// point of the pole sub-grid is compared with its neighbour at index 0 (the representative point
// of its key afterwards) to kPoleRelativeTolerance: the width a model completes from Gamma/m
// carries a few ulp of rounding.
unsigned drop_still_pole_axes(const ScanPlan& plan, unsigned pole_axes) {
  if (plan.model->pole_at == nullptr) return pole_axes;
  GridView g = host_grid(plan);
  PhysicsInputs in = plan.physics->inputs();
  in.options = plan.options;
  for (int a = 0; a < g.n_axes; ++a) {
    if (!(pole_axes >> a & 1u)) continue;
    g.pole_axes = pole_axes;
    long long n = 1;
    for (int b = 0; b < g.n_axes; ++b)
      if (pole_axes >> b & 1u) n *= g.size[b];
    if (n > kMaxPoleCheck) continue;
    long long radix = 1;  // of axis a in the pole key (mixed radix, last axis fastest)
    for (int b = g.n_axes - 1; b > a; --b)
      if (pole_axes >> b & 1u) radix *= g.size[b];
    bool still = true;
    for (long long key = 0; key < n && still; ++key) {
      const long long base = key - (key / radix % g.size[a]) * radix;
      if (base == key) continue;
      double p[kMaxParams], q[kMaxParams];
      decode_pole_key(g, key, p);
      decode_pole_key(g, base, q);
      const Pole x = plan.model->pole_at(in, p), y = plan.model->pole_at(in, q);
      still = same_pole(x, y);
    }
    if (still) pole_axes &= ~(1u << a);
  }
  return pole_axes;
}

// An observable at the scan's q2 (`...[q2]`) needs an axis q2 whose values lie inside the
// kinematic range of each of its terms.
void check_axis_q2(const ScanPlan& plan, const ObservableSpec& obs, const std::string& where) {
  const auto axis = std::find_if(plan.axes.begin(), plan.axes.end(),
                                 [](const Axis& a) { return a.param == kQ2Param; });
  for (const RateTerm& t : obs.terms) {
    if (t.q2 != kQ2FromAxis) continue;
    if (axis == plan.axes.end())
      throw InputError(
          fmt::format("{} reads q2 from the scan, which has no axis named 'q2'", where));
    const Q2Range r = kinematic_range(t.channel, t.lepton, plan.physics->inputs());
    for (double q2 : axis->values)
      if (!(q2 > r.lo && q2 < r.hi))
        throw InputError(fmt::format(
            "{} at the axis 'q2': its value {} lies outside the kinematic range {:.4g} < q2 < "
            "{:.4g} GeV^2 of the observable",
            where, q2, r.lo, r.hi));
  }
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
    plan.axes.push_back({a.name, a.name == "q2" ? kQ2Param : *plan.model->param_index(a.name),
                         a.values, a.log_spacing});
  const std::string origin = c.path.empty() ? "config" : c.path.string();
  plan.derived = derive_params(*plan.model, c.expressions, plan.axes, plan.fixed, origin);
  check_domain(plan, origin);
  for (std::size_t i = 0; i < c.observables.size(); ++i) {
    try {
      plan.observables.push_back(
          parse_observable(c.observables[i], *plan.model, c.smearing, physics.inputs()));
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: key 'observables[{}]': {}", origin, i, e.what()));
    }
    check_axis_q2(plan, plan.observables.back(),
                  fmt::format("{}: key 'observables[{}]': '{}'", origin, i, c.observables[i]));
  }
  try {
    ConstraintOptions opt = c.constraints;
    opt.confidence_regions = c.store.pulls;  // they are found from the stored chi2 rows
    plan_constraints(plan, opt, c.path.parent_path(), c.smearing);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", origin, e.what()));
  }
  select_stored(plan, c, origin);
  plan.compiled = compile_observables(plan.observables);
  plan.contact = contact_integrals(physics.inputs(), plan.compiled.terms, c.smear_non_resonant);

  std::vector<std::size_t> shape;
  for (const Axis& a : plan.axes) shape.push_back(a.values.size());
  plan.chunk_size = c.chunk_size;
  plan.chunk_target = static_cast<std::size_t>(std::min<long long>(c.chunk_size, 1 << 20));
  plan.layout = ChunkLayout(shape, plan.chunk_target);
  // Chunks are bookkept one by one (the executor's list, the file's done marks, 17 bytes each).
  constexpr double kMaxChunks = 1 << 26;
  const double n_chunks = std::ceil(static_cast<double>(plan.layout.total_points()) /
                                    static_cast<double>(plan.layout.chunk_points()));
  if (n_chunks > kMaxChunks)
    throw InputError(fmt::format(
        "{}: key 'chunk_size': {} points in chunks of at most {} make {:.3g} chunks, more than "
        "bscan keeps track of ({:.3g}): raise chunk_size (a chunk holds up to 1048576 points) or "
        "split the scan",
        origin, plan.layout.total_points(), plan.layout.chunk_points(), n_chunks, kMaxChunks));
  plan.slabs = cut_slabs(plan.layout, std::max(layout.slabs, 1));
  plan.device = layout.device;

  const long long n_binned =
      std::count_if(plan.compiled.terms.begin(), plan.compiled.terms.end(),
                    [](const RateTerm& t) { return t.kind == TermKind::binned; });
  for (std::size_t a = 0; a < plan.axes.size(); ++a)  // (the axis q2 is no model parameter)
    if (plan.axes[a].param != kQ2Param && (plan.model->pole_params >> plan.axes[a].param & 1u))
      plan.pole_axes |= 1u << a;
  for (const DerivedParam& d : plan.derived)
    if (plan.model->pole_params >> d.param & 1u) plan.pole_axes |= d.axes;
  plan.pole_axes = drop_still_pole_axes(plan, plan.pole_axes);
  plan.pole_keys = 1;
  for (std::size_t a = 0; a < plan.axes.size(); ++a)
    if (plan.pole_axes >> a & 1u)
      plan.pole_keys *= static_cast<long long>(plan.axes[a].values.size());
  if (plan.model->resonant && n_binned > 0) {
    plan.bases = build_resonant_bases(physics.inputs(), plan.compiled.terms, plan.model->wc_masks);
    const long double bytes =
        static_cast<long double>(plan.pole_keys) * n_binned * sizeof(ResonantIntegrals);
    // A per-slab table pays when points share poles across chunks; when every point has its own
    // pole there is nothing to share, and per chunk the table stays small and is reused.
    const bool shared = plan.pole_keys < plan.total_points();
    plan.pole_scope =
        shared && bytes <= layout.pole_table_budget ? PoleTableScope::slab : PoleTableScope::chunk;
  }
  return plan;
}

}  // namespace bscan
