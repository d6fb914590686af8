#include "host/plan/theory_cache.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

namespace bscan {
namespace fs = std::filesystem;
namespace {

// FNV-1a, 64 bits: a file name for the key (a collision is a miss: the key is compared whole).
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

fs::path entry_path(const std::string& key) {
  const fs::path dir = theory_cache_dir();
  return dir.empty() ? dir : dir / fmt::format("theory-covariance-{:016x}.json", fnv1a(key));
}

}  // namespace

fs::path theory_cache_dir() {
  if (const char* dir = std::getenv("BSCAN_CACHE_DIR")) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0')
    return fs::path(xdg) / "bscan";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return fs::path(home) / ".cache" / "bscan";
  return {};
}

std::optional<TheoryCovariance> load_cached_covariance(const std::string& key) {
  const fs::path path = entry_path(key);
  std::error_code ec;
  if (path.empty() || !fs::is_regular_file(path, ec)) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(std::ifstream(path));
    if (j.at("key").get<std::string>() != key) return std::nullopt;
    TheoryCovariance c;
    c.ids = j.at("observables").get<std::vector<std::string>>();
    c.central = j.at("central").get<std::vector<double>>();
    const auto cov = j.at("covariance").get<std::vector<double>>();
    const auto n = static_cast<Eigen::Index>(c.ids.size());
    if (c.central.size() != c.ids.size() || cov.size() != c.ids.size() * c.ids.size())
      return std::nullopt;
    c.covariance = Eigen::Map<const Eigen::MatrixXd>(cov.data(), n, n);
    c.samples = j.at("samples").get<int>();
    c.seed = j.at("seed").get<std::uint64_t>();
    c.nuisances = j.at("nuisances").get<std::string>();
    c.cache_file = path.string();
    return c;
  } catch (const std::exception& e) {
    spdlog::debug("theory covariance cache: '{}' not used ({})", path.string(), e.what());
    return std::nullopt;
  }
}

void store_cached_covariance(const std::string& key, const TheoryCovariance& c) {
  const fs::path path = entry_path(key);
  if (path.empty()) return;
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec))) return;  // another run's, or not ours: left alone
  fs::create_directories(path.parent_path(), ec);
  const fs::path tmp = fs::path(path) += fmt::format(".{}.tmp", ::getpid());
  nlohmann::json j;
  j["key"] = key;
  j["observables"] = c.ids;
  j["central"] = c.central;
  j["covariance"] =
      std::vector<double>(c.covariance.data(), c.covariance.data() + c.covariance.size());
  j["samples"] = c.samples;
  j["seed"] = c.seed;
  j["nuisances"] = c.nuisances;
  {
    std::ofstream out(tmp);
    out << j.dump();
    if (!out.flush()) {
      out.close();
      fs::remove(tmp, ec);  // ours: written just now
      spdlog::debug("theory covariance cache: cannot write '{}'", tmp.string());
      return;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
}

}  // namespace bscan
