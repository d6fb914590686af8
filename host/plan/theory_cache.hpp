// The disk cache of sampled theory covariances: a covariance is a pure function of its key (the
// nuisance file's text, the observables with their central predictions, N, the seed and bscan's
// version), so a later run with the same key reads it back instead of sampling again. Directory:
// $BSCAN_CACHE_DIR (set but empty: no disk cache), else $XDG_CACHE_HOME/bscan, else
// ~/.cache/bscan. Files are written whole (temporary file, then rename) and verified on reading
// (the key is stored in full); any file the cache cannot use is ignored, never deleted.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "host/plan/theory_covariance.hpp"

namespace bscan {

// The cache directory; empty when the disk cache is off.
std::filesystem::path theory_cache_dir();
std::optional<TheoryCovariance> load_cached_covariance(const std::string& key);
// Best effort: an unwritable directory or a full disk leaves the cache without this entry.
void store_cached_covariance(const std::string& key, const TheoryCovariance& c);

}  // namespace bscan
