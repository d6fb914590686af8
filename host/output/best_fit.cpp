#include "host/output/best_fit.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace bscan {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Minimum {
  double chi2 = kInf;
  double flat = kInf;  // flat index of its first point (exact in a double below 2^53)
};

}  // namespace

std::vector<long long> write_best_fit(const ScanPlan& plan,
                                      const std::vector<std::pair<long long, long long>>& chunks,
                                      Hdf5Sink& file, const Communicator& comm) {
  std::vector<long long> set_bits(plan.flag_names.size(), 0);
  const int n_groups = plan.chi2.n;
  if (n_groups == 0 || !plan.store_pulls) return set_bits;
  const auto row = [&](int g, int r) {
    return static_cast<std::size_t>(plan.chi2.first_row + 3 * g + r);
  };
  const long long n_chunks = static_cast<long long>(chunks.size());
  const long long rounds = (n_chunks + comm.size() - 1) / comm.size();
  const auto mine = [&](long long round) -> std::pair<long long, long long> {
    const long long c = round * comm.size() + comm.rank();
    return c < n_chunks ? chunks[static_cast<std::size_t>(c)]
                        : std::pair<long long, long long>{0, 0};
  };

  // The minimum of every group: this rank's chunks, then over the ranks (ties: first point).
  std::vector<Minimum> best(static_cast<std::size_t>(n_groups));
  std::vector<float> chi2;
  for (long long r = 0; r < rounds; ++r) {
    const auto [begin, count] = mine(r);
    chi2.resize(static_cast<std::size_t>(count));
    for (int g = 0; g < n_groups && count > 0; ++g) {
      file.read_pulls(row(g, 0), begin, count, chi2.data());
      for (long long i = 0; i < count; ++i)
        if (chi2[i] < best[g].chi2) best[g] = {chi2[i], static_cast<double>(begin + i)};
    }
  }
  for (Minimum& m : best) {
    const double global = comm.min(m.chi2);
    m.flat = comm.min(m.chi2 == global ? m.flat : kInf);
    m.chi2 = global;
  }

  // delta_chi2_best_G and the cl bits of every point; NaN chi2 (no prediction): neither.
  const int words = plan.flag_words();
  std::vector<float> delta;
  std::vector<std::uint32_t> flags;
  for (long long r = 0; r < rounds; ++r) {
    const auto [begin, count] = mine(r);
    const auto n = static_cast<std::size_t>(count);
    flags.assign(static_cast<std::size_t>(words) * n, 0u);
    if (count > 0) file.read_flags(begin, count, flags.data());
    chi2.resize(n);
    delta.resize(n);
    for (int g = 0; g < n_groups; ++g) {
      if (count > 0) file.read_pulls(row(g, 0), begin, count, chi2.data());
      const auto& bits = plan.chi2_cl.bits[static_cast<std::size_t>(g)];
      for (std::size_t i = 0; i < n; ++i) {
        const double d = best[g].chi2 < kInf ? chi2[i] - best[g].chi2 : NAN;
        delta[i] = static_cast<float>(d);
        for (int s = 0; s < 3; ++s) {
          const int b = bits[s];
          std::uint32_t& word = flags[static_cast<std::size_t>(b / 32) * n + i];
          const std::uint32_t mask = 1u << (b % 32);
          word &= ~mask;  // a resumed run may rewrite the bits
          if (d <= plan.chi2_cl.level[s]) {
            word |= mask;
            ++set_bits[static_cast<std::size_t>(b)];
          }
        }
      }
      file.write_pulls(row(g, 2), begin, count, delta.data());
    }
    file.write_flags(begin, count, flags.data());
  }

  for (int g = 0; g < n_groups; ++g) {
    const std::size_t k = row(g, 2);
    file.write_pull_attribute(k, "chi2_min", best[g].chi2 < kInf ? best[g].chi2 : NAN);
    file.write_pull_attribute(k, "dof", plan.chi2_cl.dof);
    for (int s = 0; s < 3; ++s)
      file.write_pull_attribute(k, fmt::format("level_{}s", s + 1), plan.chi2_cl.level[s]);
    if (!(best[g].chi2 < kInf)) continue;
    auto flat = static_cast<long long>(best[g].flat);
    for (std::size_t a = plan.axes.size(); a-- > 0;) {  // C order: the last axis runs fastest
      const auto size = static_cast<long long>(plan.axes[a].values.size());
      file.write_pull_attribute(k, "best_fit_" + plan.axes[a].name,
                                plan.axes[a].values[static_cast<std::size_t>(flat % size)]);
      flat /= size;
    }
  }
  return set_bits;
}

}  // namespace bscan
