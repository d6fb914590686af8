// The scan file as a sink: the plan's axes, the user's observables, pulls and flag words as CF
// variables of one HDF5 file (hdf5_writer.hpp), complete only after finish().
#pragma once
#include <filesystem>

#include "host/output/hdf5_writer.hpp"
#include "host/output/sink.hpp"
#include "host/plan/scan_plan.hpp"

namespace bscan {

class Hdf5Sink final : public Sink {
 public:
  // Creates `path.partial`; the plan's fixed parameters become attributes parameter_<name>.
  Hdf5Sink(const ScanPlan& plan, const std::filesystem::path& path, FileAttributes attrs,
           bool float32, bool overwrite);
  void consume(const Chunk& chunk) override;
  void finish() override { writer_.finish(); }

 private:
  std::size_t n_observables_, n_pulls_;
  int n_words_;
  bool float32_;
  std::vector<float> buf32_;
  Hdf5Writer writer_;
};

}  // namespace bscan
