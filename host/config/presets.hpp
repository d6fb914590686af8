// Named observable presets (data/presets/*.toml), e.g. `paper-alp-rates`.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace bscan {

struct Preset {
  std::string name, description, model;
  std::vector<std::string> observables;
};

// The data directory: $BSCAN_DATA_DIR, else the source tree's data/.
std::filesystem::path data_dir();
// A data set by name (data_dir()/folder/NAME.toml) or, ending in .toml, by path (relative paths
// relative to `relative_to`).
std::filesystem::path data_file(const std::string& name_or_path, const std::string& folder,
                                const std::filesystem::path& relative_to);

// Every preset in data/presets/, sorted by name.
const std::vector<Preset>& all_presets();

// Throws InputError naming `where`, the preset and the known ones, or a model mismatch.
const Preset& find_preset(const std::string& name, const std::string& model,
                          const std::string& where);

}  // namespace bscan
