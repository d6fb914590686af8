#include "host/config/scan_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "host/config/grid.hpp"
#include "host/config/presets.hpp"
#include "host/config/toml_json.hpp"
#include "host/errors.hpp"
#include "host/model/model_registry.hpp"
#include "schema_text.hpp"

namespace bscan {
namespace {

using nlohmann::json;

double finite(double v, const std::string& origin, const std::string& key) {
  if (!std::isfinite(v))
    throw InputError(fmt::format("{}: key '{}' must be a finite number, got {}", origin, key, v));
  return v;
}

AxisConfig read_axis(const json& a, std::size_t i, const std::string& origin) {
  const std::string key = fmt::format("axes[{}]", i);
  AxisConfig ax;
  ax.name = a.at("name").get<std::string>();
  if (a.contains("values")) {
    for (std::size_t k = 0; k < a["values"].size(); ++k) {
      ax.values.push_back(
          finite(a["values"][k].get<double>(), origin, fmt::format("{}.values[{}]", key, k)));
      // Coordinates label the grid: each once, in one direction (the plot and the file's
      // dimension scale read them so).
      if (k >= 2 && (ax.values[k] > ax.values[k - 1]) != (ax.values[1] > ax.values[0]))
        throw InputError(fmt::format(
            "{}: key '{}.values[{}]': {} breaks the order of the values before it (they must "
            "increase or decrease strictly)",
            origin, key, k, ax.values[k]));
      if (k >= 1 && ax.values[k] == ax.values[k - 1])
        throw InputError(fmt::format("{}: key '{}.values[{}]': {} repeats the value before it",
                                     origin, key, k, ax.values[k]));
    }
    return ax;
  }
  const double lo = finite(a.at("min").get<double>(), origin, key + ".min");
  const double hi = finite(a.at("max").get<double>(), origin, key + ".max");
  const long long n = a.at("points").get<long long>();
  ax.log_spacing = a.value("spacing", std::string("linear")) == "log";
  if (lo > hi)
    throw InputError(fmt::format("{}: key '{}.min' ({}) is larger than '{}.max' ({})", origin, key,
                                 lo, key, hi));
  if (n > 1 && lo == hi)
    throw InputError(fmt::format("{}: key '{}': min == max needs points = 1", origin, key));
  if (n == 1 && lo != hi)  // one point could be neither: the run would silently drop max
    throw InputError(fmt::format(
        "{}: key '{}': points = 1 with min ({}) != max ({}); give min == max, or more points",
        origin, key, lo, hi));
  if (ax.log_spacing && lo <= 0.0)
    throw InputError(
        fmt::format("{}: key '{}.min' must be > 0 for spacing = \"log\"", origin, key));
  ax.values = axis_values(lo, hi, n, ax.log_spacing);
  return ax;
}

// Checks names and values against the model registry.
void check_against_model(const ScanConfig& c, const std::string& origin) {
  const ModelInfo& model = find_model(c.model);
  for (const auto& [name, v] : c.parameters)
    model.check_value(name, v, fmt::format("{}: key 'parameters.{}'", origin, name));
  std::set<std::string> set_names;  // set by the config: fixed, expression or axis
  for (const auto& [name, v] : c.parameters) set_names.insert(name);
  for (const auto& [name, text] : c.expressions) {
    if (!model.param_index(name))  // throws: unknown parameter
      model.check_value(name, 0.0, fmt::format("{}: key 'parameters.{}'", origin, name));
    set_names.insert(name);
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < c.axes.size(); ++i) {
    const AxisConfig& a = c.axes[i];
    const std::string where = fmt::format("{}: key 'axes[{}].name'", origin, i);
    if (!seen.insert(a.name).second)
      throw InputError(fmt::format("{}: axis '{}' appears twice", where, a.name));
    if (a.name == "q2") {  // not a parameter: the q2 of differential observables `...[q2]`
      for (double v : a.values)
        if (!(v > 0.0))
          throw InputError(fmt::format("{}: axis 'q2' needs values > 0, got {}", where, v));
      continue;
    }
    if (c.parameters.count(a.name) || c.expressions.count(a.name))
      throw InputError(
          fmt::format("{}: '{}' is both an axis and a fixed parameter", where, a.name));
    for (double v : a.values) model.check_value(a.name, v, where);
    set_names.insert(a.name);
  }
  for (const ParamInfo& p : model.params)
    if (!p.replaces.empty() && set_names.count(p.name) && set_names.count(p.replaces))
      throw InputError(fmt::format("{}: '{}' fixes '{}': set one of them, not both", origin, p.name,
                                   p.replaces));
}

// The config schema with the registry's model names as the enum of `model` (one text per list of
// models, kept for the process lifetime: validate_json caches by text).
const char* scan_config_schema() {
  static std::map<std::string, std::string> by_models;
  std::string key;
  json names = json::array();
  for (const ModelInfo& m : all_models()) {
    key += m.name + "\n";
    names.push_back(m.name);
  }
  auto it = by_models.find(key);
  if (it == by_models.end()) {
    json schema = json::parse(kScanConfigSchema);
    schema["properties"]["model"]["enum"] = names;
    it = by_models.emplace(key, schema.dump()).first;
  }
  return it->second.c_str();
}

// `output = "PATH"` or the table [output] (path, observables, dtype, pulls, flags_only).
void read_output(const json& o, ScanConfig& c, const std::string& origin) {
  if (o.is_string()) {
    c.output = o.get<std::string>();
    return;
  }
  if (o.contains("path")) c.output = o["path"].get<std::string>();
  if (o.contains("observables")) {
    c.store.select = true;
    for (const auto& id : o["observables"]) c.store.observables.push_back(id.get<std::string>());
  }
  if (o.contains("dtype")) c.float32 = c.float32 || o["dtype"].get<std::string>() == "float32";
  c.store.pulls = o.value("pulls", true);
  c.store.flags_only = o.value("flags_only", false);
  c.store.checkpoint_seconds = o.value("checkpoint_seconds", c.store.checkpoint_seconds);
  if (c.store.flags_only && (o.contains("observables") || o.value("pulls", false)))
    throw InputError(
        fmt::format("{}: key 'output.flags_only': stores flags only; drop 'output.observables' and "
                    "'output.pulls' or set flags_only = false",
                    origin));
  if (c.store.flags_only) {
    c.store.select = true;
    c.store.observables.clear();
    c.store.pulls = false;
  }
}

}  // namespace

ScanConfig parse_config(const std::string& text, const std::string& origin) {
  const json doc = toml_to_json(parse_toml(text, origin));
  validate_json(doc, scan_config_schema(), origin);
  ScanConfig c;
  c.text = text;
  c.model = doc.at("model").get<std::string>();
  c.physics = doc.value("physics", c.physics);
  c.chunk_size = doc.value("chunk_size", c.chunk_size);
  c.float32 = doc.value("float32", false);
  if (doc.contains("output")) read_output(doc["output"], c, origin);
  if (doc.contains("parameters"))
    for (const auto& [k, v] : doc["parameters"].items()) {
      if (v.is_string())
        c.expressions[k] = v.get<std::string>();
      else
        c.parameters[k] = v.get<double>();
    }
  long double points = 1;  // the grid's size, before any allocation that depends on it
  for (std::size_t i = 0; i < doc["axes"].size(); ++i) {
    const json& a = doc["axes"][i];
    points *= a.contains("values") ? a["values"].size() : a.at("points").get<long long>();
    if (points > kMaxPoints)
      throw InputError(
          fmt::format("{}: key 'axes[{}]': the grid up to this axis has {:.3g} points, more than "
                      "bscan scans in one run ({:.0e}): split the scan",
                      origin, i, static_cast<double>(points), static_cast<double>(kMaxPoints)));
  }
  for (std::size_t i = 0; i < doc["axes"].size(); ++i)
    c.axes.push_back(read_axis(doc["axes"][i], i, origin));
  if (doc.contains("observables"))
    for (const auto& o : doc["observables"]) c.observables.push_back(o.get<std::string>());
  if (doc.contains("presets"))
    for (std::size_t i = 0; i < doc["presets"].size(); ++i)
      for (const std::string& o : find_preset(doc["presets"][i].get<std::string>(), c.model,
                                              fmt::format("{}: key 'presets[{}]'", origin, i))
                                      .observables)
        if (std::find(c.observables.begin(), c.observables.end(), o) == c.observables.end())
          c.observables.push_back(o);
  if (doc.contains("smearing")) {
    c.smearing.r_e = finite(doc["smearing"].value("r_e", c.smearing.r_e), origin, "smearing.r_e");
    c.smearing.r_mu =
        finite(doc["smearing"].value("r_mu", c.smearing.r_mu), origin, "smearing.r_mu");
  }
  if (doc.contains("options")) {
    const json& o = doc["options"];
    c.options.photon_width = o.value("photon_width", c.options.photon_width);
    c.options.on_shell_interference =
        o.value("on_shell_interference", c.options.on_shell_interference);
    c.options.vector_norm = finite(o.value("vector_norm", 0.0), origin, "options.vector_norm");
    c.smear_non_resonant = o.value("smear_non_resonant", false);
  }
  if (doc.contains("constraints")) {
    const json& k = doc["constraints"];
    ConstraintOptions& o = c.constraints;
    o.measurements = k.at("measurements").get<std::string>();
    o.only = k.value("only", std::vector<std::string>{});
    o.skip = k.value("skip", std::vector<std::string>{});
    o.smear = k.value("smear", false);
    o.g2_paper = k.value("g2", std::string("full")) == "paper";
    o.theory_samples = k.value("theory_samples", o.theory_samples);
    o.theory_seed = k.value("theory_seed", o.theory_seed);
    if (k.contains("theory_errors"))
      for (const auto& [g, v] : k["theory_errors"].items())
        o.theory_errors[g] = finite(v.get<double>(), origin, "constraints.theory_errors." + g);
    if (k.contains("thresholds"))
      for (const auto& [n, v] : k["thresholds"].items())
        o.thresholds[n] = finite(v.get<double>(), origin, "constraints.thresholds." + n);
  }
  if (doc.contains("chi2")) c.constraints.chi2_dof = doc["chi2"].value("dof", 0);
  check_against_model(c, origin);
  return c;
}

ScanConfig load_config(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw InputError(
        fmt::format("config '{}' is a directory; give the path of a .toml file", file.string()));
  std::ifstream in(file);
  if (!in)
    throw InputError(
        fmt::format("config file '{}' cannot be read (missing or not readable)", file.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  ScanConfig c = parse_config(ss.str(), file.string());
  c.path = file;
  if (!c.output.empty() && c.output.is_relative()) c.output = file.parent_path() / c.output;
  return c;
}

std::filesystem::path physics_file(const std::string& name_or_path,
                                   const std::filesystem::path& relative_to) {
  return data_file(name_or_path, "parameters", relative_to);
}

}  // namespace bscan
