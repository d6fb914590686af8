#include "host/scan_config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "host/errors.hpp"
#include "host/grid.hpp"
#include "host/model_registry.hpp"
#include "host/presets.hpp"
#include "schema_text.hpp"

namespace bscan {
namespace {

using nlohmann::json;

// JSON image of a TOML document (what the schema checks). NaN and infinities stay numbers here and
// are rejected by the semantic checks with the key's name.
json to_json(const toml::node& node) {
  if (const toml::table* t = node.as_table()) {
    json out = json::object();
    for (const auto& [k, v] : *t) out[std::string(k.str())] = to_json(v);
    return out;
  }
  if (const toml::array* a = node.as_array()) {
    json out = json::array();
    for (const toml::node& v : *a) out.push_back(to_json(v));
    return out;
  }
  if (auto v = node.value_exact<int64_t>()) return *v;
  if (auto v = node.value_exact<double>()) return *v;
  if (auto v = node.value_exact<bool>()) return *v;
  if (auto v = node.value_exact<std::string>()) return *v;
  return "(TOML date/time)";  // the schema accepts no dates or times: reported with the key
}

// valijson context ["<root>", "[axes]", "[0]", "[min]"] -> "axes[0].min".
std::string key_path(const std::vector<std::string>& context) {
  std::string out;
  for (const std::string& c : context) {
    if (c == "<root>" || c.size() < 2) continue;
    const std::string inner = c.substr(1, c.size() - 2);
    const bool index = !inner.empty() && inner.find_first_not_of("0123456789") == std::string::npos;
    out += index ? "[" + inner + "]" : (out.empty() ? inner : "." + inner);
  }
  return out.empty() ? "(top level)" : out;
}

void validate_schema(const json& doc, const std::string& origin) {
  static const json schema_doc = json::parse(kScanConfigSchema);
  static const std::unique_ptr<valijson::Schema> schema = [] {
    auto s = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(schema_doc);
    parser.populateSchema(adapter, *s);
    return s;
  }();
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  if (validator.validate(*schema, target, &results)) return;
  // The most specific error (deepest key) is the useful one; oneOf adds generic parents.
  const valijson::ValidationResults::Error* best = nullptr;
  for (const auto& e : results)
    if (best == nullptr || e.context.size() > best->context.size()) best = &e;
  throw InputError(
      fmt::format("{}: key '{}': {}", origin, key_path(best->context), best->description));
}

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
    for (std::size_t k = 0; k < a["values"].size(); ++k)
      ax.values.push_back(
          finite(a["values"][k].get<double>(), origin, fmt::format("{}.values[{}]", key, k)));
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
  std::set<std::string> seen;
  for (std::size_t i = 0; i < c.axes.size(); ++i) {
    const AxisConfig& a = c.axes[i];
    const std::string where = fmt::format("{}: key 'axes[{}].name'", origin, i);
    if (!seen.insert(a.name).second)
      throw InputError(fmt::format("{}: axis '{}' appears twice", where, a.name));
    if (c.parameters.count(a.name))
      throw InputError(
          fmt::format("{}: '{}' is both an axis and a fixed parameter", where, a.name));
    for (double v : a.values) model.check_value(a.name, v, where);
  }
}

}  // namespace

ScanConfig parse_config(const std::string& text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw InputError(
        fmt::format("{}: line {}: {}", origin, e.source().begin.line, e.description()));
  }
  const json doc = to_json(root);
  validate_schema(doc, origin);
  ScanConfig c;
  c.text = text;
  c.model = doc.at("model").get<std::string>();
  c.physics = doc.value("physics", c.physics);
  if (doc.contains("output")) c.output = doc["output"].get<std::string>();
  c.chunk_size = doc.value("chunk_size", c.chunk_size);
  c.float32 = doc.value("float32", false);
  if (doc.contains("parameters"))
    for (const auto& [k, v] : doc["parameters"].items()) c.parameters[k] = v.get<double>();
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
  check_against_model(c, origin);
  return c;
}

ScanConfig load_config(const std::filesystem::path& file) {
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
  const std::filesystem::path p(name_or_path);
  if (p.extension() == ".toml") return p.is_relative() ? relative_to / p : p;
  return data_dir() / "parameters" / (name_or_path + ".toml");
}

}  // namespace bscan
