#include "host/config/presets.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>

#include "host/errors.hpp"

namespace bscan {

std::filesystem::path data_dir() {
  const char* env = std::getenv("BSCAN_DATA_DIR");
  return env ? std::filesystem::path(env) : std::filesystem::path(BSCAN_DATA_DIR);
}

std::filesystem::path data_file(const std::string& name_or_path, const std::string& folder,
                                const std::filesystem::path& relative_to) {
  const std::filesystem::path p(name_or_path);
  if (p.extension() == ".toml") return p.is_relative() ? relative_to / p : p;
  return data_dir() / folder / (name_or_path + ".toml");
}

const std::vector<Preset>& all_presets() {
  static const std::vector<Preset> presets = [] {
    std::vector<Preset> out;
    const std::filesystem::path dir = data_dir() / "presets";
    if (!std::filesystem::is_directory(dir)) return out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".toml") continue;
      try {
        const toml::table t = toml::parse_file(entry.path().string());
        Preset p{t["name"].value_or(std::string()),
                 t["description"].value_or(std::string()),
                 t["model"].value_or(std::string()),
                 {}};
        if (const toml::array* obs = t["observables"].as_array())
          for (const toml::node& o : *obs) p.observables.push_back(o.value_or(std::string()));
        if (p.name.empty() || p.observables.empty())
          throw InputError(fmt::format("preset file '{}' needs `name` and `observables`",
                                       entry.path().string()));
        out.push_back(std::move(p));
      } catch (const toml::parse_error& e) {
        throw InputError(
            fmt::format("preset file '{}': {}", entry.path().string(), e.description()));
      }
    }
    std::sort(out.begin(), out.end(),
              [](const Preset& a, const Preset& b) { return a.name < b.name; });
    return out;
  }();
  return presets;
}

const Preset& find_preset(const std::string& name, const std::string& model,
                          const std::string& where) {
  std::string known;
  for (const Preset& p : all_presets()) {
    if (p.name == name) {
      if (!p.model.empty() && p.model != model)
        throw InputError(fmt::format("{}: preset '{}' is for model '{}', not '{}'", where, name,
                                     p.model, model));
      return p;
    }
    known += (known.empty() ? "" : ", ") + p.name;
  }
  throw InputError(fmt::format("{}: unknown preset '{}' (known: {})", where, name, known));
}

}  // namespace bscan
