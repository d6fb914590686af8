#include "host/config/toml_json.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "host/errors.hpp"

namespace bscan {
namespace {

using nlohmann::json;

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

// One parsed schema per schema text, kept for the process lifetime.
const valijson::Schema& compiled_schema(const char* text) {
  static std::mutex mutex;
  static std::map<const char*, std::pair<json, std::unique_ptr<valijson::Schema>>> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  auto& entry = cache[text];
  if (!entry.second) {
    entry.first = json::parse(text);
    entry.second = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(entry.first);
    parser.populateSchema(adapter, *entry.second);
  }
  return *entry.second;
}

}  // namespace

json toml_to_json(const toml::node& node) {
  if (const toml::table* t = node.as_table()) {
    json out = json::object();
    for (const auto& [k, v] : *t) out[std::string(k.str())] = toml_to_json(v);
    return out;
  }
  if (const toml::array* a = node.as_array()) {
    json out = json::array();
    for (const toml::node& v : *a) out.push_back(toml_to_json(v));
    return out;
  }
  if (auto v = node.value_exact<int64_t>()) return *v;
  if (auto v = node.value_exact<double>()) return *v;
  if (auto v = node.value_exact<bool>()) return *v;
  if (auto v = node.value_exact<std::string>()) return *v;
  return "(TOML date/time)";
}

toml::table parse_toml(const std::string& text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw InputError(
        fmt::format("{}: line {}: {}", origin, e.source().begin.line, e.description()));
  }
}

void validate_json(const json& doc, const char* schema_text, const std::string& origin) {
  const valijson::Schema& schema = compiled_schema(schema_text);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  if (validator.validate(schema, target, &results)) return;
  // The most specific error (deepest key) is the useful one; oneOf adds generic parents.
  const valijson::ValidationResults::Error* best = nullptr;
  for (const auto& e : results)
    if (best == nullptr || e.context.size() > best->context.size()) best = &e;
  throw InputError(
      fmt::format("{}: key '{}': {}", origin, key_path(best->context), best->description));
}

}  // namespace bscan
