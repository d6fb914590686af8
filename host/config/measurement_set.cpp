#include "host/config/measurement_set.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "host/config/presets.hpp"
#include "host/config/toml_json.hpp"
#include "host/errors.hpp"
#include "schema_text.hpp"

namespace bscan {
namespace {

using nlohmann::json;

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
  if (!out.contains("theory") && parent.contains("theory")) out["theory"] = parent["theory"];
  for (const char* table : {"theory_errors", "chi2_groups"}) {
    json merged = parent.value(table, json::object());
    const json own = child.value(table, json::object());
    for (const auto& [g, v] : own.items()) merged[g] = v;
    if (!merged.empty()) out[table] = merged;
  }
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

json load_json(const std::filesystem::path& file, std::vector<std::filesystem::path>& chain) {
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
      load_json(measurement_file(doc["extends"].get<std::string>(), file.parent_path()), chain);
  return merge_sets(parent, doc, file.string());
}

// Reads the numbers of one entry, naming it and the key in every error.
class EntryReader {
 public:
  EntryReader(const json& c, const std::filesystem::path& file) : c_(c) {
    where_ = fmt::format("{}: constraint '{}'", file.string(), c.at("name").get<std::string>());
  }

  double number(const json& v, const std::string& key) const {
    const double x = v.get<double>();
    if (!std::isfinite(x))
      throw InputError(fmt::format("{}: key '{}' is {}, not a finite number", where_, key, x));
    return x;
  }

  // [plus, minus] pairs (>= 0: the schema) with a positive total on each side (a zero sigma
  // gives infinite pulls).
  std::vector<ErrorPair> errors(const json& list, const std::string& key) const {
    std::vector<ErrorPair> out;
    double plus2 = 0.0, minus2 = 0.0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string k = fmt::format("{}[{}]", key, i);
      out.push_back({number(list[i][0], k), number(list[i][1], k)});
      plus2 += out.back().plus * out.back().plus;
      minus2 += out.back().minus * out.back().minus;
    }
    if (!(plus2 > 0.0 && minus2 > 0.0))
      throw InputError(fmt::format(
          "{}: key '{}': the errors add up to zero on a side; a measurement needs sigma > 0",
          where_, key));
    return out;
  }

  MeasuredValue measured(const json& v, const std::string& key) const {
    return {v.at("observable").get<std::string>(), number(v.at("value"), key + ".value"),
            errors(v.at("errors"), key + ".errors")};
  }

  // Full n x n rows, or flavio's upper triangle (row i holds n - i numbers); symmetric with a unit
  // diagonal, |rho| <= 1, positive definite.
  std::vector<double> correlation(std::size_t n) const {
    const json& rows = c_.at("correlation");
    if (rows.size() != n)
      throw InputError(
          fmt::format("{}: key 'correlation' has {} rows for {} values", where_, rows.size(), n));
    std::vector<double> m(n * n, NAN);
    bool triangle = true;
    for (std::size_t i = 0; i < n; ++i) triangle = triangle && rows[i].size() == n - i;
    for (std::size_t i = 0; i < n; ++i) {
      if (!triangle && rows[i].size() != n)
        throw InputError(fmt::format(
            "{}: key 'correlation[{}]' has {} numbers; give {} per row or the upper triangle",
            where_, i, rows[i].size(), n));
      for (std::size_t k = 0; k < rows[i].size(); ++k) {
        const std::size_t j = triangle ? i + k : k;
        const double r = number(rows[i][k], fmt::format("correlation[{}][{}]", i, k));
        if (triangle) m[j * n + i] = r;
        m[i * n + j] = r;
      }
    }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        const double r = m[i * n + j];
        if (i == j && r != 1.0)
          throw InputError(fmt::format(
              "{}: key 'correlation[{}][{}]' is {}: the diagonal must be 1", where_, i, i, r));
        if (std::fabs(r) > 1.0 || std::fabs(r - m[j * n + i]) > 1e-12)
          throw InputError(fmt::format(
              "{}: key 'correlation[{}][{}]' = {}: the matrix must be symmetric with |rho| <= 1",
              where_, i, j, r));
      }
    const Eigen::Map<const Eigen::MatrixXd> mat(m.data(), static_cast<Eigen::Index>(n),
                                                static_cast<Eigen::Index>(n));
    if (Eigen::LLT<Eigen::MatrixXd>(mat).info() != Eigen::Success)
      throw InputError(
          fmt::format("{}: key 'correlation' is not positive definite (a Cholesky factor does "
                      "not exist)",
                      where_));
    return m;
  }

  std::optional<std::string> theory_error() const {
    if (!c_.contains("theory_error")) return std::nullopt;
    return c_["theory_error"].get<std::string>();
  }

  const std::string& where() const { return where_; }

 private:
  const json& c_;
  std::string where_;
};

Role role_of(const std::string& r) {
  return r == "anomaly" ? Role::anomaly : r == "bound" ? Role::bound : Role::validity;
}

MeasurementEntry typed_entry(const json& c, const std::filesystem::path& file) {
  const EntryReader r(c, file);
  MeasurementEntry e;
  e.name = c.at("name").get<std::string>();
  e.role = role_of(c.at("role").get<std::string>());
  e.source = c.value("source", std::string());
  e.note = c.value("note", std::string());
  const std::string type = c.at("type");
  if (type == "measurement") {
    Measurement m{{c.at("observable").get<std::string>(), r.number(c.at("value"), "value"),
                   r.errors(c.at("errors"), "errors")},
                  r.theory_error(),
                  std::nullopt};
    if (c.contains("prediction_scale")) {
      const json& s = c["prediction_scale"];
      m.scale = PredictionScale{r.number(s.at("value"), "prediction_scale.value"),
                                r.number(s.at("plus"), "prediction_scale.plus"),
                                r.number(s.at("minus"), "prediction_scale.minus")};
    }
    e.data = std::move(m);
  } else if (type == "correlated") {
    CorrelatedMeasurement m;
    const json& values = c.at("values");
    for (std::size_t i = 0; i < values.size(); ++i)
      m.values.push_back(r.measured(values[i], fmt::format("values[{}]", i)));
    m.correlation = r.correlation(m.values.size());
    m.theory_error = r.theory_error();
    e.data = std::move(m);
  } else if (type == "upper_limit") {
    UpperLimit u;
    for (const json& o : c.at("observables")) u.observables.push_back(o.get<std::string>());
    const json& limits = c.at("limits");
    for (std::size_t i = 0; i < limits.size(); ++i)
      u.limits.push_back(r.number(limits[i], fmt::format("limits[{}]", i)));
    if (u.limits.size() != u.observables.size())
      throw InputError(
          fmt::format("{}: keys 'observables' and 'limits' differ in length ({} and {})", r.where(),
                      u.observables.size(), u.limits.size()));
    u.sigma_level = r.number(c.at("sigma_level"), "sigma_level");
    e.data = std::move(u);
  } else if (type == "min" || type == "max") {
    e.data =
        Threshold{c.at("observable").get<std::string>(), r.number(c.at(type), type), type == "min"};
  } else {
    ExcludedRegion x;
    for (const auto& [name, range] : c.at("region").items()) {
      const double lo = r.number(range[0], "region." + name),
                   hi = r.number(range[1], "region." + name);
      if (lo > hi)
        throw InputError(
            fmt::format("{}: key 'region.{}': lo = {} is above hi = {}", r.where(), name, lo, hi));
      x.region.push_back({name, {lo, hi}});
    }
    e.data = std::move(x);
  }
  return e;
}

}  // namespace

std::vector<std::string> MeasurementEntry::observables() const {
  struct Visitor {
    std::vector<std::string> operator()(const Measurement& m) const {
      return {m.measured.observable};
    }
    std::vector<std::string> operator()(const CorrelatedMeasurement& m) const {
      std::vector<std::string> out;
      for (const MeasuredValue& v : m.values) out.push_back(v.observable);
      return out;
    }
    std::vector<std::string> operator()(const UpperLimit& u) const { return u.observables; }
    std::vector<std::string> operator()(const Threshold& t) const { return {t.observable}; }
    std::vector<std::string> operator()(const ExcludedRegion& x) const {
      std::vector<std::string> out;
      for (const auto& entry : x.region) out.push_back(entry.first);
      return out;
    }
  };
  return std::visit(Visitor{}, data);
}

const MeasurementEntry* MeasurementSet::find(const std::string& entry) const {
  const auto it = std::find_if(entries.begin(), entries.end(),
                               [&](const MeasurementEntry& e) { return e.name == entry; });
  return it == entries.end() ? nullptr : &*it;
}

bool MeasurementSet::gaussian() const {
  return theory == TheoryMode::covariance ||
         std::any_of(entries.begin(), entries.end(), [](const MeasurementEntry& e) {
           return std::holds_alternative<CorrelatedMeasurement>(e.data);
         });
}

std::filesystem::path measurement_file(const std::string& name_or_path,
                                       const std::filesystem::path& relative_to) {
  return data_file(name_or_path, "measurements", relative_to);
}

MeasurementSet load_measurement_set(const std::filesystem::path& file) {
  std::vector<std::filesystem::path> chain;
  const json doc = load_json(file, chain);
  MeasurementSet set;
  set.name = doc.at("name").get<std::string>();
  set.description = doc.at("description").get<std::string>();
  set.source = doc.at("source").get<std::string>();
  set.file = file;
  set.theory = doc.value("theory", std::string("flat")) == "covariance" ? TheoryMode::covariance
                                                                        : TheoryMode::flat;
  const json theory_errors = doc.value("theory_errors", json::object());
  for (const auto& [g, v] : theory_errors.items()) set.theory_errors[g] = v.get<double>();
  std::set<std::string> names;
  for (const json& c : doc.at("constraint")) {
    set.entries.push_back(typed_entry(c, file));
    const MeasurementEntry& e = set.entries.back();
    if (!names.insert(e.name).second)
      throw InputError(fmt::format("{}: constraint '{}' appears twice", file.string(), e.name));
    const std::optional<std::string>* th = nullptr;
    if (const auto* m = std::get_if<Measurement>(&e.data)) th = &m->theory_error;
    if (const auto* m = std::get_if<CorrelatedMeasurement>(&e.data)) th = &m->theory_error;
    if (th == nullptr || !th->has_value()) continue;
    if (set.theory == TheoryMode::covariance)
      throw InputError(fmt::format(
          "{}: constraint '{}': key 'theory_error' has no meaning in a set with theory = "
          "\"covariance\" (the theory errors are sampled)",
          file.string(), e.name));
    if (!set.theory_errors.count(**th))
      throw InputError(
          fmt::format("{}: constraint '{}': theory_error group '{}' is not in [theory_errors]",
                      file.string(), e.name, **th));
  }
  const json chi2_groups = doc.value("chi2_groups", json::object());
  for (const auto& [group, members] : chi2_groups.items()) {
    std::vector<std::string> list;
    for (const json& n : members) {
      const std::string name = n.get<std::string>();
      const MeasurementEntry* e = set.find(name);
      if (e == nullptr)
        throw InputError(fmt::format("{}: key 'chi2_groups.{}': no constraint '{}'", file.string(),
                                     group, name));
      if (!e->measures())
        throw InputError(
            fmt::format("{}: key 'chi2_groups.{}': '{}' is no measurement (only pulls add to chi2)",
                        file.string(), group, name));
      list.push_back(name);
    }
    set.chi2_groups.emplace_back(group, std::move(list));
  }
  return set;
}

}  // namespace bscan
