// The scan file as a sink: the plan's axes, the user's observables, pulls and flag words as CF
// variables of one HDF5 file (hdf5_writer.hpp), complete only after finish().
#pragma once
#include <chrono>
#include <filesystem>

#include "host/output/hdf5_writer.hpp"
#include "host/output/sink.hpp"
#include "host/plan/scan_plan.hpp"

namespace bscan {

class Hdf5Sink final : public Sink {
 public:
  // Creates `path.partial` (resumable: kept, with its completed chunks, when the run fails) or,
  // with PartialMode::resume, continues it; the plan's fixed parameters become attributes
  // parameter_<name>. With several ranks every rank holds a sink of the same file and consumes
  // the same number of chunks (a rank without one hands over an empty chunk).
  Hdf5Sink(const ScanPlan& plan, const std::filesystem::path& path, FileAttributes attrs,
           bool float32, bool overwrite, PartialMode mode = PartialMode::discard,
           const Communicator& comm = Communicator::world());
  // Whether the points [begin, begin+count) are already in the file (resumed runs).
  bool done(long long begin, long long count) const;
  bool restarted() const { return writer_.restarted(); }
  // The flag words of points already in the file, [w * count + i] (resumed runs).
  void read_flags(long long begin, long long count, std::uint32_t* flags);
  // Refuses (InputError naming the config key) a plan whose variables would share a dataset name
  // with each other, an axis or the writer's bookkeeping: an observable listed twice, an axis
  // named as an observable.
  static void check_names(const ScanPlan& plan, const std::string& origin);
  // Bytes per grid point of the stored variables, uncompressed.
  static std::size_t point_bytes(const ScanPlan& plan, bool float32);
  // Row k of the plan's pulls (and chi2 rows), and the flag words, of points [begin, +count):
  // read back and rewritten after the scan (host/output/best_fit.cpp). Writes are collective.
  void read_pulls(std::size_t k, long long begin, long long count, float* out);
  void write_pulls(std::size_t k, long long begin, long long count, const float* in);
  void write_flags(long long begin, long long count, const std::uint32_t* flags);
  void write_pull_attribute(std::size_t k, const std::string& name, double value);
  void write_array(const ArraySpec& array) { writer_.write_array(array); }
  // Datasets outside the grid a plan may store (their names are taken, see check_names).
  static constexpr const char* kTheoryCovariance = "theory_covariance";
  static constexpr const char* kTheoryCentral = "theory_central";
  void consume(const Chunk& chunk) override;
  void finish() override { writer_.finish(); }
  // Marks the chunks written since the last checkpoint done now (a run that stops early).
  void checkpoint();

 private:
  std::vector<std::size_t> stored_;  // the observables it writes
  std::size_t n_pulls_;
  std::size_t first_flag_var_;
  int n_words_;
  bool float32_;
  std::vector<float> buf32_;
  // Resumable files: the chunks written since the last mark, marked done (flushed) at most once
  // per checkpoint_seconds_ (the plan's; rank 0's clock decides for all ranks), so that flushing
  // costs little and a kill loses about that much work.
  const Communicator& comm_;
  double checkpoint_seconds_;
  std::chrono::steady_clock::time_point last_mark_ = std::chrono::steady_clock::now();
  std::vector<std::pair<long long, long long>> pending_;  // (begin, count), adjacent ones merged
  Hdf5Writer writer_;
};

}  // namespace bscan
