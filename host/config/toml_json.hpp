// TOML documents as JSON (what the schemas in schemas/ check) and schema validation with messages
// that name the offending key.
#pragma once
#include <toml++/toml.h>

#include <nlohmann/json.hpp>
#include <string>

namespace bscan {

// JSON image of a TOML node. NaN and infinities stay numbers here (semantic checks reject them
// with the key's name); dates and times become a string the schemas refuse.
nlohmann::json toml_to_json(const toml::node& node);

// Parses TOML text; throws InputError "origin: line N: why".
toml::table parse_toml(const std::string& text, const std::string& origin);

// Validates `doc` against the JSON schema `schema_text` (compiled once per distinct text);
// throws InputError "origin: key 'a.b[2]': why" for the most specific violation.
void validate_json(const nlohmann::json& doc, const char* schema_text, const std::string& origin);

}  // namespace bscan
