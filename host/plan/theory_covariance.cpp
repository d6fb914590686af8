#include "host/plan/theory_covariance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

#include "host/errors.hpp"
#include "host/plan/observables.hpp"
#include "host/plan/sm_predictions.hpp"
#include "host/plan/theory_cache.hpp"

namespace bscan {

std::vector<double> TheoryCovariance::sigma() const {
  std::vector<double> s;
  for (Eigen::Index i = 0; i < covariance.rows(); ++i) s.push_back(std::sqrt(covariance(i, i)));
  return s;
}

Eigen::MatrixXd TheoryCovariance::correlation() const {
  const Eigen::VectorXd inv = covariance.diagonal().cwiseSqrt().cwiseInverse();
  Eigen::MatrixXd c = inv.asDiagonal() * covariance * inv.asDiagonal();
  for (Eigen::Index i = 0; i < c.rows(); ++i) {
    if (covariance(i, i) == 0.0) c.row(i).setZero(), c.col(i).setZero();
    c(i, i) = 1.0;  // by definition (the product above leaves it within rounding of 1)
  }
  return c;
}

namespace {

// What a covariance depends on: the nuisance file's text, the observables' central predictions
// (they move with any physics input), the ids, N and the seed.
std::string cache_key(const std::filesystem::path& nuisances, const std::vector<std::string>& ids,
                      const std::vector<double>& central, int samples, std::uint64_t seed) {
  std::ostringstream key;
  key << "bscan " << BSCAN_VERSION << ' ' << BSCAN_GIT_HASH << '\n'
      << std::ifstream(nuisances).rdbuf() << '\n'
      << samples << ' ' << seed;
  for (std::size_t i = 0; i < ids.size(); ++i)
    key << '\n' << ids[i] << ' ' << fmt::format("{:a}", central[i]);
  return key.str();
}

TheoryCovariance sample(const PhysicsData& physics, const std::vector<std::string>& ids,
                        const SmPredictor& predict, const std::vector<double>& central, int samples,
                        std::uint64_t seed) {
  const auto start = std::chrono::steady_clock::now();
  const Nuisances nuisances = load_nuisances(physics.nuisances_path());
  const auto n = static_cast<Eigen::Index>(ids.size());
  // Every draw from one generator in order: the same numbers for any thread count.
  std::mt19937_64 rng(seed);
  std::vector<std::vector<double>> draws(static_cast<std::size_t>(samples));
  for (std::vector<double>& x : draws) x = nuisances.draw(rng);
  Eigen::MatrixXd values(samples, n);
#pragma omp parallel for schedule(dynamic)
  for (int s = 0; s < samples; ++s) {
    const std::vector<double> v = predict(nuisances.apply(physics.inputs(), draws[s]));
    for (Eigen::Index i = 0; i < n; ++i) values(s, i) = v[static_cast<std::size_t>(i)];
  }
  TheoryCovariance out;
  out.ids = ids;
  out.central = central;
  for (Eigen::Index i = 0; i < n; ++i)
    if (!values.col(i).allFinite() || !std::isfinite(central[static_cast<std::size_t>(i)]))
      throw InputError(
          fmt::format("theory covariance: '{}' has no finite SM prediction for every draw of {}",
                      ids[i], physics.nuisances_path().string()));
  const Eigen::MatrixXd centred = values.rowwise() - values.colwise().mean();
  out.covariance = centred.transpose() * centred / static_cast<double>(samples - 1);
  out.samples = samples;
  out.seed = seed;
  out.nuisances = nuisances.name;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace

// Sampled once for the same inputs: kept for the process (every point of `bscan point`, the
// tests) and on disk (host/plan/theory_cache.hpp); the draws are deterministic, so the caches
// change no number.
TheoryCovariance sample_theory_covariance(const PhysicsData& physics,
                                          const std::vector<std::string>& ids,
                                          const ModelInfo* model, int samples, std::uint64_t seed) {
  if (physics.nuisances_path().empty())
    throw InputError(
        fmt::format("physics data '{}' name no nuisance parameters (key "
                    "'nuisances.file'): the theory covariance cannot be sampled",
                    physics.path().string()));
  if (samples < 2)
    throw InputError(fmt::format("theory samples: {} draws; at least 2 are needed", samples));
  const SmPredictor predict(physics, ids, model);
  const std::vector<double> central = predict(physics.inputs());
  const std::string key = cache_key(physics.nuisances_path(), ids, central, samples, seed);
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TheoryCovariance>> cache;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    if (const auto it = cache.find(key); it != cache.end()) return *it->second;
  }
  std::optional<TheoryCovariance> cached = load_cached_covariance(key);
  const bool fresh = !cached;
  if (fresh) cached = sample(physics, ids, predict, central, samples, seed);
  const auto result = std::make_shared<const TheoryCovariance>(std::move(*cached));
  if (fresh) store_cached_covariance(key, *result);
  const std::lock_guard<std::mutex> lock(mutex);
  cache.emplace(key, result);
  return *result;
}

std::vector<std::string> measured_observables(const MeasurementSet& set, const ModelInfo& model,
                                              const PhysicsData& physics) {
  std::vector<std::string> out;
  for (const MeasurementEntry& e : set.entries) {
    if (!e.measures()) continue;
    for (const std::string& id : e.observables()) {
      try {
        parse_observable(id, model, SmearingResolutions{}, physics.inputs());
      } catch (const InputError&) {
        continue;  // not this model's: the plan skips such entries too
      }
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
  }
  return out;
}

}  // namespace bscan
