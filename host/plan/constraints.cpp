#include "host/plan/constraints.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "host/config/presets.hpp"
#include "host/config/toml_json.hpp"
#include "host/errors.hpp"
#include "host/plan/sm_predictions.hpp"
#include "schema_text.hpp"

namespace bscan {
namespace {

using nlohmann::json;

struct Planned {
  ConstraintOp op;
  std::string name, role, label;
  double theory_rel = 0.0;
  std::string sm_id;  // observable whose SM value scales the theory error
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

json read_set(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in)
    throw InputError(
        fmt::format("measurement set '{}' cannot be read (missing or not readable; "
                    "sets live in {})",
                    file.string(), (data_dir() / "measurements").string()));
  std::stringstream ss;
  ss << in.rdbuf();
  json doc = toml_to_json(parse_toml(ss.str(), file.string()));
  validate_json(doc, kMeasurementSetSchema, file.string());
  return doc;
}

// `child` on top of its parent: theory errors and chi2 groups merged (the child's win), constraints
// replaced in place by name, new ones before the next entry the child shares with the parent,
// `remove`d ones dropped.
json merge_sets(const json& parent, const json& child, const std::string& where) {
  json out = child;
  out.erase("extends");
  out.erase("remove");
  json groups = parent.value("theory_errors", json::object());
  const json own_groups = child.value("theory_errors", json::object());
  for (const auto& [g, v] : own_groups.items()) groups[g] = v;
  if (!groups.empty()) out["theory_errors"] = groups;
  json chi2 = parent.value("chi2_groups", json::object());
  const json own_chi2 = child.value("chi2_groups", json::object());
  for (const auto& [g, v] : own_chi2.items()) chi2[g] = v;
  if (!chi2.empty()) out["chi2_groups"] = chi2;
  std::vector<json> merged;
  for (const json& c : parent.value("constraint", json::array())) merged.push_back(c);
  auto find = [&](const std::string& name) {
    return std::find_if(merged.begin(), merged.end(),
                        [&](const json& c) { return c.at("name") == name; });
  };
  for (const json& name : child.value("remove", json::array())) {
    const auto it = find(name.get<std::string>());
    if (it == merged.end())
      throw InputError(fmt::format("{}: key 'remove': the parent set has no constraint '{}'", where,
                                   name.get<std::string>()));
    merged.erase(it);
  }
  std::vector<json> pending;
  for (const json& c : child.value("constraint", json::array())) {
    const auto it = find(c.at("name").get<std::string>());
    if (it == merged.end()) {
      pending.push_back(c);
      continue;
    }
    *it = c;
    const std::size_t at = static_cast<std::size_t>(it - merged.begin());
    merged.insert(merged.begin() + static_cast<std::ptrdiff_t>(at), pending.begin(), pending.end());
    pending.clear();
  }
  for (const json& c : pending) merged.push_back(c);
  out["constraint"] = json(merged);
  return out;
}

json load_set(const std::filesystem::path& file, std::vector<std::filesystem::path>& chain) {
  const std::filesystem::path canonical = std::filesystem::weakly_canonical(file);
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end())
    throw InputError(fmt::format("measurement set '{}': 'extends' loops back to itself",
                                 chain.front().string()));
  chain.push_back(canonical);
  json doc = read_set(file);
  if (!doc.contains("extends")) {
    if (doc.contains("remove"))
      throw InputError(fmt::format("{}: key 'remove' needs 'extends'", file.string()));
    return doc;
  }
  const json parent =
      load_set(measurement_file(doc["extends"].get<std::string>(), file.parent_path()), chain);
  return merge_sets(parent, doc, file.string());
}

// The numbers of one entry, its observables resolved against the model (throws InputError when
// the model cannot evaluate one).
Planned plan_entry(const json& c, ScanPlan& pb, const ConstraintOptions& opt,
                   const SmearingResolutions& res) {
  Planned p{{},
            c.at("name").get<std::string>(),
            c.at("role").get<std::string>(),
            c.value("source", std::string()),
            0.0,
            {}};
  const std::string type = c.at("type");
  std::vector<std::string> ids;
  if (type == "upper_limit")
    for (const json& o : c.at("observables")) ids.push_back(o);
  else if (type == "excluded_region")
    for (const auto& [k, v] : c.at("region").items()) ids.push_back(k);
  else
    ids.push_back(c.at("observable"));
  if (ids.size() > static_cast<std::size_t>(kMaxConstraintOps))
    throw InputError(fmt::format("more than {} observables", kMaxConstraintOps));
  std::vector<ObservableSpec> specs;
  for (const std::string& id : ids)
    specs.push_back(parse_observable(rewrite_id(id, opt), *pb.model, res, pb.physics->inputs()));
  ConstraintOp& op = p.op;
  op.n_ops = static_cast<int>(specs.size());
  for (std::size_t k = 0; k < specs.size(); ++k) {
    op.ops[k] = static_cast<int>(pb.observables.size());
    pb.observables.push_back(specs[k]);
  }
  if (type == "measurement") {
    op.kind = ConstraintKind::measurement;
    op.value = c.at("value");
    double plus2 = 0.0, minus2 = 0.0;
    for (const json& e : c.at("errors")) {
      plus2 += e[0].get<double>() * e[0].get<double>();
      minus2 += e[1].get<double>() * e[1].get<double>();
    }
    op.err_plus = std::sqrt(plus2);
    op.err_minus = std::sqrt(minus2);
    if (c.contains("prediction_scale")) {
      const json& s = c["prediction_scale"];
      op.scale = s.at("value");
      op.scale_plus = s.at("plus");
      op.scale_minus = s.at("minus");
    }
    if (c.contains("theory_error")) p.sm_id = specs[0].id;
  } else if (type == "upper_limit") {
    op.kind = ConstraintKind::upper_limit;
    op.sigma_level = c.at("sigma_level");
    for (std::size_t k = 0; k < specs.size(); ++k) op.lo[k] = c.at("limits")[k];
  } else if (type == "min" || type == "max") {
    op.kind = type == "min" ? ConstraintKind::at_least : ConstraintKind::at_most;
    op.lo[0] = c.at(type);
    if (auto t = opt.thresholds.find(p.name); t != opt.thresholds.end()) op.lo[0] = t->second;
  } else {
    op.kind = ConstraintKind::excluded_region;
    int k = 0;
    for (const auto& [name, range] : c.at("region").items()) {
      op.lo[k] = range[0];
      op.hi[k++] = range[1];
    }
  }
  op.bound = p.role != "anomaly";
  return p;
}

// Relative theory errors are relative to the SM prediction (paper 000 App. B: the error of the SM
// part only), evaluated once with the `wet` model at zero shifts.
void apply_theory_errors(std::vector<Planned>& planned, const PhysicsData& physics) {
  std::vector<std::string> ids;
  for (const Planned& p : planned)
    if (p.theory_rel > 0.0) ids.push_back(p.sm_id);
  if (ids.empty()) return;
  const std::vector<double> sm = sm_predictions(physics, ids, nullptr);
  std::size_t k = 0;
  for (Planned& p : planned)
    if (p.theory_rel > 0.0) p.op.th_plus = p.op.th_minus = p.theory_rel * std::fabs(sm[k++]);
}

// Bits: anomalies (solves_X_1s, solves_X_2s), allowed_2s, validity conditions, then bounds
// (X_1s, X_2s), so that the summary flags share the first word.
void assign_bits(std::vector<Planned>& planned, ScanPlan& pb) {
  auto add = [&](const std::string& n) {
    pb.flag_names.push_back(n);
    return static_cast<int>(pb.flag_names.size() - 1);
  };
  for (Planned& p : planned)
    if (p.role == "anomaly") {
      p.op.bit_1s = add("solves_" + p.name + "_1s");
      p.op.bit_2s = add("solves_" + p.name + "_2s");
    }
  pb.bit_allowed_2s = add("allowed_2s");
  for (std::size_t g = 0; g < pb.chi2_groups.size(); ++g)
    pb.chi2.bit_improves_2s[g] = add("improves_" + pb.chi2_groups[g] + "_2s");
  for (Planned& p : planned)
    if (p.role == "validity") p.op.bit_1s = add(p.name);
  for (Planned& p : planned)
    if (p.role == "bound") {
      p.op.bit_1s = add(p.name + "_1s");
      p.op.bit_2s = add(p.name + "_2s");
    }
}

// The set's chi2 groups over the planned measurements (entries the scan leaves out drop out of
// their groups): group bits on the ops, the SM's chi2 per group, the pull rows chi2_G and
// delta_chi2_G after the pulls and the flags improves_G_2s.
void plan_chi2_groups(const json& doc, std::vector<Planned>& planned, ScanPlan& pb,
                      const std::string& file) {
  if (!doc.contains("chi2_groups")) return;
  std::map<std::string, std::size_t> by_name;
  for (std::size_t k = 0; k < planned.size(); ++k) by_name[planned[k].name] = k;
  std::set<std::string> known;
  for (const json& c : doc.at("constraint")) known.insert(c.at("name").get<std::string>());
  std::vector<std::size_t> members;  // planned entries in some group, in order
  int g = 0;
  for (const auto& [group, names] : doc["chi2_groups"].items()) {
    for (const json& n : names) {
      const std::string name = n.get<std::string>();
      if (!known.count(name))
        throw InputError(
            fmt::format("{}: key 'chi2_groups.{}': no constraint '{}'", file, group, name));
      const auto it = by_name.find(name);
      if (it == by_name.end()) continue;  // skipped by the config or the model
      Planned& p = planned[it->second];
      if (p.op.kind != ConstraintKind::measurement)
        throw InputError(
            fmt::format("{}: key 'chi2_groups.{}': '{}' is no measurement (only pulls add to chi2)",
                        file, group, name));
      if (p.op.groups == 0u) members.push_back(it->second);
      p.op.groups |= 1u << g;
    }
    pb.chi2_groups.push_back(group);
    ++g;
  }
  // The SM's chi2: every member's pull at its SM prediction.
  std::vector<std::string> ids;
  for (const std::size_t k : members) ids.push_back(pb.observables[planned[k].op.ops[0]].id);
  const std::vector<double> sm = sm_predictions(*pb.physics, ids, pb.model);
  pb.chi2.n = g;
  for (std::size_t m = 0; m < members.size(); ++m) {
    const ConstraintOp& op = planned[members[m]].op;
    const double pull = measurement_pull(op, sm[m]);
    if (std::isnan(pull)) continue;
    for (int j = 0; j < g; ++j)
      if (op.groups >> j & 1u) pb.chi2.sm[j] += pull * pull;
  }
}

}  // namespace

json load_measurement_set(const std::filesystem::path& file) {
  std::vector<std::filesystem::path> chain;
  json doc = load_set(file, chain);
  std::set<std::string> names;
  for (const json& c : doc.at("constraint"))
    if (!names.insert(c.at("name").get<std::string>()).second)
      throw InputError(fmt::format("{}: constraint '{}' appears twice", file.string(),
                                   c.at("name").get<std::string>()));
  return doc;
}

std::filesystem::path measurement_file(const std::string& name_or_path,
                                       const std::filesystem::path& relative_to) {
  return data_file(name_or_path, "measurements", relative_to);
}

void plan_constraints(ScanPlan& pb, const ConstraintOptions& opt,
                      const std::filesystem::path& relative_to, const SmearingResolutions& res) {
  pb.n_user_observables = pb.observables.size();
  pb.measurement_set = "none";
  if (opt.measurements.empty()) return;
  const std::filesystem::path file = measurement_file(opt.measurements, relative_to);
  const json doc = load_measurement_set(file);
  const std::string set = doc.at("name");

  std::set<std::string> known;
  for (const json& c : doc.at("constraint")) known.insert(c.at("name").get<std::string>());
  check_names(opt.only, known, "only", set);
  check_names(opt.skip, known, "skip", set);
  std::map<std::string, double> groups;
  if (doc.contains("theory_errors"))
    for (const auto& [g, v] : doc["theory_errors"].items()) groups[g] = v;
  for (const auto& [g, v] : opt.theory_errors) {
    if (!groups.count(g))
      throw InputError(fmt::format(
          "key 'constraints.theory_errors.{}': measurement set '{}' has no such group", g, set));
    groups[g] = v;
  }
  for (const auto& threshold : opt.thresholds) {
    const std::string& name = threshold.first;
    const auto it = std::find_if(doc["constraint"].begin(), doc["constraint"].end(),
                                 [&](const json& c) { return c.at("name") == name; });
    if (it == doc["constraint"].end() || ((*it).at("type") != "min" && (*it).at("type") != "max"))
      throw InputError(
          fmt::format("key 'constraints.thresholds.{}': measurement set '{}' has no "
                      "min/max constraint of that name",
                      name, set));
  }

  std::vector<Planned> planned;
  for (const json& c : doc.at("constraint")) {
    const std::string name = c.at("name");
    if (!opt.only.empty() && std::find(opt.only.begin(), opt.only.end(), name) == opt.only.end())
      continue;
    if (std::find(opt.skip.begin(), opt.skip.end(), name) != opt.skip.end()) continue;
    const std::size_t n_obs = pb.observables.size();
    try {
      planned.push_back(plan_entry(c, pb, opt, res));
    } catch (const InputError& e) {
      pb.observables.resize(n_obs);
      pb.skipped.push_back(fmt::format("{} ({})", name, e.what()));
      continue;
    }
    if (c.contains("theory_error")) {
      const auto g = groups.find(c["theory_error"].get<std::string>());
      if (g == groups.end())
        throw InputError(
            fmt::format("{}: constraint '{}': theory_error group '{}' is not in "
                        "[theory_errors]",
                        file.string(), name, c["theory_error"].get<std::string>()));
      planned.back().theory_rel = g->second;
    }
  }
  apply_theory_errors(planned, *pb.physics);
  plan_chi2_groups(doc, planned, pb, file.string());
  assign_bits(planned, pb);
  for (Planned& p : planned) {
    if (p.op.kind == ConstraintKind::measurement || p.op.kind == ConstraintKind::upper_limit) {
      p.op.pull = static_cast<int>(pb.pull_names.size());
      pb.pull_names.push_back(p.name);
      pb.pull_labels.push_back(p.label);
    }
    pb.constraints.push_back(p.op);
  }
  pb.chi2.first_row = static_cast<int>(pb.pull_names.size());
  for (std::size_t g = 0; g < pb.chi2_groups.size(); ++g) {
    const std::string& n = pb.chi2_groups[g];
    pb.pull_names.push_back("chi2_" + n);
    pb.pull_labels.push_back(fmt::format("chi2 of group '{}' of {}", n, set));
    pb.pull_names.push_back("delta_chi2_" + n);
    pb.pull_labels.push_back(
        fmt::format("chi2 of group '{}' minus the SM's ({:.6g})", n, pb.chi2.sm[g]));
  }
  pb.measurement_set = set;
}

}  // namespace bscan
