#include "host/plan/constraints.hpp"

#include <fmt/format.h>
#include <gsl/gsl_cdf.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "host/config/measurement_set.hpp"
#include "host/errors.hpp"
#include "host/plan/likelihood.hpp"
#include "host/plan/sm_predictions.hpp"
#include "host/plan/theory_covariance.hpp"

namespace bscan {
namespace {

struct Planned {
  ConstraintOp op;
  const MeasurementEntry* entry;
  std::string label;
  double theory_rel = 0.0;  // flat theory error relative to the SM value of the observable
  std::vector<int> obs;     // the plan's observables it reads, in the entry's order
};

// Constraint observables follow the config: {smear} on binned ids, paper 000's g-2 form. The
// resonance searches always carry the smearing factor G (paper 000 Tab. 2, App. C: the limits are
// on the reconstructed dilepton mass).
std::string rewrite_id(std::string id, const ConstraintOptions& opt) {
  if (opt.g2_paper && (id == "delta_a_e" || id == "delta_a_mu")) return id + "_paper";
  const bool binned =
      !id.empty() && id.back() == ']' && id.find(',', id.rfind('[')) != std::string::npos;
  const bool search = id.find("a(") != std::string::npos;
  if (binned && (opt.smear || search)) id += "{smear}";
  return id;
}

void check_names(const std::vector<std::string>& names, const std::set<std::string>& known,
                 const std::string& key, const std::string& set) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (!known.count(names[i]))
      throw InputError(
          fmt::format("key 'constraints.{}[{}]': measurement set '{}' has no "
                      "constraint '{}'",
                      key, i, set, names[i]));
}

// The numbers of one entry, its observables resolved against the model (throws InputError when
// the model cannot evaluate one).
Planned plan_entry(const MeasurementEntry& e, ScanPlan& pb, const ConstraintOptions& opt,
                   const SmearingResolutions& res) {
  Planned p{{}, &e, e.source, 0.0, {}};
  const std::vector<std::string> ids = e.observables();
  const bool correlated = std::holds_alternative<CorrelatedMeasurement>(e.data);
  // A correlated entry reads its observables through its Gaussian block, not the op.
  if (!correlated && ids.size() > static_cast<std::size_t>(kMaxConstraintOps))
    throw InputError(fmt::format("more than {} observables", kMaxConstraintOps));
  std::vector<ObservableSpec> specs;
  for (const std::string& id : ids)
    specs.push_back(parse_observable(rewrite_id(id, opt), *pb.model, res, pb.physics->inputs()));
  ConstraintOp& op = p.op;
  op.n_ops = correlated ? 0 : static_cast<int>(specs.size());
  for (std::size_t k = 0; k < specs.size(); ++k) {
    p.obs.push_back(static_cast<int>(pb.observables.size()));
    if (!correlated) op.ops[k] = p.obs.back();
    pb.observables.push_back(specs[k]);
  }
  if (const auto* m = std::get_if<Measurement>(&e.data)) {
    op.kind = ConstraintKind::measurement;
    op.value = m->measured.value;
    double plus2 = 0.0, minus2 = 0.0;
    for (const ErrorPair& err : m->measured.errors) {
      plus2 += err.plus * err.plus;
      minus2 += err.minus * err.minus;
    }
    op.err_plus = std::sqrt(plus2);
    op.err_minus = std::sqrt(minus2);
    if (m->scale) {
      op.scale = m->scale->value;
      op.scale_plus = m->scale->plus;
      op.scale_minus = m->scale->minus;
    }
  } else if (std::holds_alternative<CorrelatedMeasurement>(e.data)) {
    op.kind = ConstraintKind::measurement;
  } else if (const auto* u = std::get_if<UpperLimit>(&e.data)) {
    op.kind = ConstraintKind::upper_limit;
    op.sigma_level = u->sigma_level;
    for (std::size_t k = 0; k < specs.size(); ++k) op.lo[k] = u->limits[k];
  } else if (const auto* t = std::get_if<Threshold>(&e.data)) {
    op.kind = t->at_least ? ConstraintKind::at_least : ConstraintKind::at_most;
    op.lo[0] = t->threshold;
    if (auto th = opt.thresholds.find(e.name); th != opt.thresholds.end()) op.lo[0] = th->second;
  } else {
    op.kind = ConstraintKind::excluded_region;
    const auto& region = std::get<ExcludedRegion>(e.data).region;
    for (std::size_t k = 0; k < region.size(); ++k) {
      op.lo[k] = region[k].second.first;
      op.hi[k] = region[k].second.second;
    }
  }
  op.bound = e.role != Role::anomaly;
  return p;
}

const std::optional<std::string>& theory_group(const MeasurementEntry& e) {
  static const std::optional<std::string> none;
  if (const auto* m = std::get_if<Measurement>(&e.data)) return m->theory_error;
  if (const auto* m = std::get_if<CorrelatedMeasurement>(&e.data)) return m->theory_error;
  return none;
}

// Relative theory errors are relative to the SM prediction (paper 000 App. B: the error of the SM
// part only), evaluated once with the `wet` model at zero shifts.
void apply_theory_errors(std::vector<Planned>& planned, const ScanPlan& pb) {
  std::vector<std::string> ids;
  for (const Planned& p : planned)
    if (p.theory_rel > 0.0) ids.push_back(pb.observables[p.op.ops[0]].id);
  if (ids.empty()) return;
  const std::vector<double> sm = sm_predictions(*pb.physics, ids, nullptr);
  std::size_t k = 0;
  for (Planned& p : planned)
    if (p.theory_rel > 0.0) p.op.th_plus = p.op.th_minus = p.theory_rel * std::fabs(sm[k++]);
}

// Bits: anomalies (solves_X_1s, solves_X_2s), allowed_2s, validity conditions, then bounds
// (X_1s, X_2s), so that the summary flags share the first word.
void assign_bits(std::vector<Planned>& planned, ScanPlan& pb, bool confidence_regions) {
  auto add = [&](const std::string& n) {
    pb.flag_names.push_back(n);
    return static_cast<int>(pb.flag_names.size() - 1);
  };
  for (Planned& p : planned)
    if (p.entry->role == Role::anomaly) {
      p.op.bit_1s = add("solves_" + p.entry->name + "_1s");
      p.op.bit_2s = add("solves_" + p.entry->name + "_2s");
    }
  pb.bit_allowed_2s = add("allowed_2s");
  for (std::size_t g = 0; g < pb.chi2_groups.size(); ++g)
    pb.chi2.bit_improves_2s[g] = add("improves_" + pb.chi2_groups[g] + "_2s");
  for (const std::string& g : confidence_regions ? pb.chi2_groups : std::vector<std::string>{})
    pb.chi2_cl.bits.push_back({add("cl_1s_" + g), add("cl_2s_" + g), add("cl_3s_" + g)});
  for (Planned& p : planned)
    if (p.entry->role == Role::validity) p.op.bit_1s = add(p.entry->name);
  for (Planned& p : planned)
    if (p.entry->role == Role::bound) {
      p.op.bit_1s = add(p.entry->name + "_1s");
      p.op.bit_2s = add(p.entry->name + "_2s");
    }
}

// The set's chi2 groups over the planned measurements (entries the scan leaves out drop out of
// their groups): group bits on the ops and the group names.
void assign_groups(const MeasurementSet& set, std::vector<Planned>& planned, ScanPlan& pb) {
  std::map<std::string, std::size_t> by_name;
  for (std::size_t k = 0; k < planned.size(); ++k) by_name[planned[k].entry->name] = k;
  int g = 0;
  for (const auto& [group, names] : set.chi2_groups) {
    for (const std::string& name : names)
      if (const auto it = by_name.find(name); it != by_name.end())
        planned[it->second].op.groups |= 1u << g;
    pb.chi2_groups.push_back(group);
    ++g;
  }
  pb.chi2.n = g;
  for (Planned& p : planned)
    p.op.required = p.op.kind == ConstraintKind::measurement &&
                    (p.entry->role == Role::anomaly || p.op.groups != 0u);
}

// Sided plans: the SM's chi2 per group, every member's pull at its SM prediction.
void sided_sm_chi2(const std::vector<Planned>& planned, ScanPlan& pb) {
  std::vector<const ConstraintOp*> members;
  std::vector<std::string> ids;
  for (const Planned& p : planned)
    if (p.op.groups != 0u) {
      members.push_back(&p.op);
      ids.push_back(pb.observables[p.op.ops[0]].id);
    }
  const std::vector<double> sm = sm_predictions(*pb.physics, ids, pb.model);
  for (std::size_t m = 0; m < members.size(); ++m) {
    const double pull = measurement_pull(*members[m], sm[m]);
    if (std::isnan(pull)) continue;
    for (int j = 0; j < pb.chi2.n; ++j)
      if (members[m]->groups >> j & 1u) pb.chi2.sm[j] += pull * pull;
  }
}

// chi2 of n Gaussian components passes at 1 (2) sigma below the quantile of probability
// erf(1/sqrt2) (erf(2/sqrt2)) of a chi2 with n degrees of freedom; 1 and 4 for n = 1.
double chi2_quantile(int n, double sigmas) {
  if (n == 1) return sigmas * sigmas;
  return gsl_cdf_chisq_Pinv(std::erf(sigmas / std::sqrt(2.0)), n);
}

// The chi2 groups' blocks: nested groups form chains (largest first, each inside the previous),
// one block per chain with the members ordered innermost group first, so every group of a chain is
// a leading prefix of its block and one solve per point gives them all.
void plan_group_blocks(const MeasurementSet& set, const std::vector<Planned>& planned,
                       const std::vector<std::vector<int>>& comps, ScanPlan& pb) {
  const int n_groups = pb.chi2.n;
  std::vector<std::set<int>> members(static_cast<std::size_t>(n_groups));
  for (int g = 0; g < n_groups; ++g)
    for (std::size_t k = 0; k < planned.size(); ++k)
      if (planned[k].op.groups >> g & 1u) members[g].insert(comps[k].begin(), comps[k].end());
  std::vector<int> by_size(static_cast<std::size_t>(n_groups));
  std::iota(by_size.begin(), by_size.end(), 0);
  std::stable_sort(by_size.begin(), by_size.end(),
                   [&](int a, int b) { return members[a].size() > members[b].size(); });
  std::vector<std::vector<int>> chains;  // outermost group first
  for (int g : by_size) {
    const auto inside = [&](const std::vector<int>& chain) {
      const std::set<int>& last = members[chain.back()];
      return std::includes(last.begin(), last.end(), members[g].begin(), members[g].end());
    };
    const auto it = std::find_if(chains.begin(), chains.end(), inside);
    if (it != chains.end())
      it->push_back(g);
    else
      chains.push_back({g});
  }
  int c = 0;
  for (const std::vector<int>& chain : chains) {
    std::vector<int> order;
    std::set<int> placed;
    for (auto g = chain.rbegin(); g != chain.rend(); ++g)
      for (int m : members[*g])
        if (placed.insert(m).second) order.push_back(m);
    const int block = pb.gaussian.add_block(
        order,
        fmt::format("{}: key 'chi2_groups.{}'", set.file.string(), pb.chi2_groups[chain[0]]));
    for (auto g = chain.rbegin(); g != chain.rend(); ++g) {
      pb.chi2.block[*g] = block;
      pb.chi2.prefix[*g] = static_cast<int>(members[*g].size());
      pb.chi2.order[c++] = *g;
    }
  }
}

// Gaussian plans: one component per measured observable, the covariance C = C_exp + C_th (flat
// theory errors: relative to the SM value, uncorrelated), one block per entry and per group, and
// the SM's chi2 per group.
void plan_gaussian(const MeasurementSet& set, std::vector<Planned>& planned, ScanPlan& pb,
                   const std::map<std::string, double>& groups, const ConstraintOptions& opt) {
  GaussianPlan& gp = pb.gaussian;
  std::vector<std::vector<int>> comps(planned.size());
  std::vector<double> sigma, th_rel;
  std::vector<std::size_t> entry_of;  // component -> entry whose block holds the exp correlation
  for (std::size_t k = 0; k < planned.size(); ++k) {
    const Planned& p = planned[k];
    if (!p.entry->measures()) continue;
    const auto& th = theory_group(*p.entry);
    const double rel = th ? groups.at(*th) : 0.0;
    const auto add = [&](int op, double scale, double value, double s) {
      comps[k].push_back(gp.components());
      gp.op.push_back(op);
      gp.scale.push_back(scale);
      gp.value.push_back(value);
      sigma.push_back(s);
      th_rel.push_back(rel);
      entry_of.push_back(k);
    };
    if (const auto* m = std::get_if<Measurement>(&p.entry->data)) {
      const Moments mom = measured_moments(m->measured);
      const double scale = m->scale ? m->scale->value : 1.0;
      add(p.obs[0], scale, mom.mean, std::sqrt(mom.variance));
    } else {
      const auto& c = std::get<CorrelatedMeasurement>(p.entry->data);
      for (std::size_t i = 0; i < c.values.size(); ++i)
        add(p.obs[i], 1.0, c.values[i].value, correlated_sigma(c.values[i]));
    }
  }
  const int n = gp.components();
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(pb.observables[gp.op[i]].id);
  const std::vector<double> sm = sm_predictions(*pb.physics, ids, pb.model);
  Eigen::MatrixXd C = Eigen::MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i) {
    const Planned& p = planned[entry_of[i]];
    const auto* c = std::get_if<CorrelatedMeasurement>(&p.entry->data);
    for (int j = 0; j < n; ++j) {
      if (entry_of[j] != entry_of[i]) continue;
      const std::size_t a = static_cast<std::size_t>(i - comps[entry_of[i]][0]);
      const std::size_t b = static_cast<std::size_t>(j - comps[entry_of[i]][0]);
      const double rho = c != nullptr ? c->correlation[a * c->values.size() + b] : 1.0;
      C(i, j) = rho * sigma[i] * sigma[j];
    }
    const auto* m = std::get_if<Measurement>(&p.entry->data);
    const double scale_sigma = m != nullptr && m->scale
                                   ? std::sqrt(m->scale->plus * m->scale->minus) * std::fabs(sm[i])
                                   : 0.0;
    const double th = th_rel[i] * std::fabs(sm[i]);
    C(i, i) += th * th + scale_sigma * scale_sigma;
  }
  if (set.theory == TheoryMode::covariance) {
    // The SM covariance of the distinct observables, mapped onto the components.
    std::vector<std::string> distinct;
    std::vector<std::size_t> at(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      const auto it = std::find(distinct.begin(), distinct.end(), ids[i]);
      at[i] = static_cast<std::size_t>(it - distinct.begin());
      if (it == distinct.end()) distinct.push_back(ids[i]);
    }
    if (opt.theory) {  // given: its rows of the distinct ids
      for (std::size_t& a : at) {
        const auto it = std::find(opt.theory->ids.begin(), opt.theory->ids.end(), distinct[a]);
        if (it == opt.theory->ids.end())
          throw InputError(fmt::format("the given theory covariance has no '{}'", distinct[a]));
        a = static_cast<std::size_t>(it - opt.theory->ids.begin());
      }
      pb.theory = opt.theory;
    } else {
      pb.theory = std::make_shared<const TheoryCovariance>(sample_theory_covariance(
          *pb.physics, distinct, pb.model, opt.theory_samples, opt.theory_seed));
    }
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        C(i, j) += pb.theory->covariance(static_cast<Eigen::Index>(at[i]),
                                         static_cast<Eigen::Index>(at[j]));
  }
  gp.covariance.assign(C.data(), C.data() + C.size());  // symmetric: either storage order
  for (std::size_t k = 0; k < planned.size(); ++k) {
    if (comps[k].empty()) continue;
    ConstraintOp& op = planned[k].op;
    op.block = gp.add_block(
        comps[k], fmt::format("{}: constraint '{}'", set.file.string(), planned[k].entry->name));
    const int size = static_cast<int>(comps[k].size());
    op.lo[0] = chi2_quantile(size, 1.0);
    op.hi[0] = chi2_quantile(size, 2.0);
  }
  std::vector<double> sm_obs(pb.observables.size(), NAN);
  for (int i = 0; i < n; ++i) sm_obs[gp.op[i]] = sm[i];
  pb.chi2.gaussian = true;
  plan_group_blocks(set, planned, comps, pb);
  for (int g = 0; g < pb.chi2.n; ++g) {
    double chi2 = 0.0;
    block_chi2(
        gp.view(), gp.blocks[static_cast<std::size_t>(pb.chi2.block[g])],
        [&](int k) { return gp.scale[k] * sm_obs[gp.op[k]] - gp.value[k]; },
        [&](int len, double x) {
          if (len == pb.chi2.prefix[g]) chi2 = x;
        });
    pb.chi2.sm[g] = chi2;
  }
}

}  // namespace

void plan_constraints(ScanPlan& pb, const ConstraintOptions& opt,
                      const std::filesystem::path& relative_to, const SmearingResolutions& res) {
  pb.n_user_observables = pb.observables.size();
  pb.measurement_set = "none";
  if (opt.measurements.empty()) return;
  const std::filesystem::path file = measurement_file(opt.measurements, relative_to);
  pb.set = std::make_shared<const MeasurementSet>(load_measurement_set(file));
  const MeasurementSet& set = *pb.set;

  std::set<std::string> known;
  for (const MeasurementEntry& e : set.entries) known.insert(e.name);
  check_names(opt.only, known, "only", set.name);
  check_names(opt.skip, known, "skip", set.name);
  std::map<std::string, double> groups = set.theory_errors;
  for (const auto& [g, v] : opt.theory_errors) {
    if (!groups.count(g))
      throw InputError(
          fmt::format("key 'constraints.theory_errors.{}': measurement set '{}' has no such group",
                      g, set.name));
    groups[g] = v;
  }
  for (const auto& threshold : opt.thresholds) {
    const MeasurementEntry* e = set.find(threshold.first);
    if (e == nullptr || !std::holds_alternative<Threshold>(e->data))
      throw InputError(
          fmt::format("key 'constraints.thresholds.{}': measurement set '{}' has no "
                      "min/max constraint of that name",
                      threshold.first, set.name));
  }

  std::vector<Planned> planned;
  for (const MeasurementEntry& e : set.entries) {
    if (!opt.only.empty() && std::find(opt.only.begin(), opt.only.end(), e.name) == opt.only.end())
      continue;
    if (std::find(opt.skip.begin(), opt.skip.end(), e.name) != opt.skip.end()) continue;
    const std::size_t n_obs = pb.observables.size();
    try {
      planned.push_back(plan_entry(e, pb, opt, res));
    } catch (const InputError& err) {
      pb.observables.resize(n_obs);
      pb.skipped.push_back(fmt::format("{} ({})", e.name, err.what()));
      continue;
    }
    if (const auto& th = theory_group(e)) planned.back().theory_rel = groups.at(*th);
  }
  assign_groups(set, planned, pb);
  if (set.gaussian()) {
    plan_gaussian(set, planned, pb, groups, opt);
  } else {
    apply_theory_errors(planned, pb);
    sided_sm_chi2(planned, pb);
  }
  assign_bits(planned, pb, opt.confidence_regions);
  for (Planned& p : planned) {
    if (p.op.kind == ConstraintKind::measurement || p.op.kind == ConstraintKind::upper_limit) {
      p.op.pull = static_cast<int>(pb.pull_names.size());
      pb.pull_names.push_back(p.entry->name);
      pb.pull_labels.push_back(p.label);
    }
    pb.constraints.push_back(p.op);
  }
  pb.chi2.first_row = static_cast<int>(pb.pull_names.size());
  for (std::size_t g = 0; g < pb.chi2_groups.size(); ++g) {
    const std::string& n = pb.chi2_groups[g];
    pb.pull_names.push_back("chi2_" + n);
    pb.pull_labels.push_back(fmt::format("chi2 of group '{}' of {}", n, set.name));
    pb.pull_names.push_back("delta_chi2_" + n);
    pb.pull_labels.push_back(
        fmt::format("chi2 of group '{}' minus the SM's ({:.6g})", n, pb.chi2.sm[g]));
    pb.pull_names.push_back("delta_chi2_best_" + n);
    pb.pull_labels.push_back(fmt::format("chi2 of group '{}' minus the map's minimum", n));
  }
  // Confidence regions of the scanned parameters: Delta chi2 quantiles of a chi2 with one degree
  // of freedom per axis ([chi2] dof overrides), at the probabilities of 1, 2, 3 Gaussian sigma.
  int axes = 0;
  for (const Axis& a : pb.axes) axes += a.param != kQ2Param ? 1 : 0;
  pb.chi2_cl.dof = opt.chi2_dof > 0 ? opt.chi2_dof : std::max(1, axes);
  for (int n = 0; n < 3; ++n) pb.chi2_cl.level[n] = chi2_quantile(pb.chi2_cl.dof, n + 1.0);
  pb.measurement_set = set.name;
}

}  // namespace bscan
