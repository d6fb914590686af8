// Streaming writer of the scan output file: HDF5, readable as netCDF-4 / CF (layout:
// docs/architecture.md, Output).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/errors.hpp"
#include "host/mpi/communicator.hpp"

namespace bscan {

enum class DType { f64, f32, u32 };

// One scanned grid dimension; becomes a coordinate variable (HDF5 dimension scale).
struct AxisSpec {
  std::string name;
  std::string units;
  std::string long_name;
  std::vector<double> values;
};

// One gridded output variable.
struct VariableSpec {
  std::string id;  // e.g. "RK[1.1,6.0]", "dBR/dq2(B+->K+ee)[4.0]"
  std::string units;
  std::string long_name;
  DType dtype = DType::f64;
  std::map<std::string, std::string> string_attrs;
  std::map<std::string, std::vector<std::uint32_t>> u32_attrs;  // e.g. CF flag_masks
};

// A dataset outside the grid (the theory covariance of a plan), float64, with attributes.
struct ArraySpec {
  std::string id;
  std::vector<std::size_t> dims;
  std::vector<double> values;  // C order
  std::map<std::string, std::string> string_attrs;
  std::map<std::string, double> number_attrs;
};

// Global attributes besides Conventions and bscan_complete, which the writer owns.
struct FileAttributes {
  std::map<std::string, std::string> strings;
  std::map<std::string, double> numbers;
  std::set<std::string> may_differ;  // strings a resumed run does not compare (e.g. the device)
};

// An axis-aligned box of a C-order grid.
struct GridBox {
  std::vector<std::size_t> start;
  std::vector<std::size_t> count;
};

// Splits the flat C-order range [begin, begin+count) of a grid of `shape` into disjoint boxes
// in flat order: at most 2·ndim−1 of them, none when count == 0.
std::vector<GridBox> flat_range_boxes(std::span<const std::size_t> shape, std::size_t begin,
                                      std::size_t count);

// How a writer treats its .partial file.
//  discard:   a writer destroyed before finish() deletes it (nothing half-written stays);
//  resumable: the file keeps a dataset `bscan_chunks_done` (one uint8 per HDF5 chunk: 1 = written
//             and flushed, see mark_done; removed by finish()) and a writer destroyed before
//             finish() leaves the file as of its last completed chunk, for `resume`;
//  resume:    opens the .partial of an interrupted resumable run and continues it.
enum class PartialMode { discard, resumable, resume };

// Writes one scan file as `final_path.partial`, renamed to `final_path` by finish().
// Not thread-safe: one thread drives one writer.
//
// With a communicator of several ranks every rank holds a writer of the same file (HDF5's MPI-IO
// driver) and every call is collective: all ranks make the same calls in the same order (a rank
// with nothing to write passes count 0); the file is renamed by rank 0.
//
// Chunking: with the axes in C order, trailing axes are taken whole while the chunk stays within
// target_chunk_points; the next axis gets the smallest extent that needs no more chunks along it
// than the largest extent that fits; the remaining leading axes get 1. Every HDF5 chunk is
// therefore one contiguous flat index range, and aligned_end() can hand out ranges of whole chunks.
class Hdf5Writer {
 public:
  // Creates `final_path.partial`. Throws OutputError naming the path if final_path exists and
  // !overwrite, if its directory does not exist or the file cannot be created. Axes are the grid
  // dimensions in C order (last axis fastest). Throws std::invalid_argument for an empty axis
  // list, an axis without values, or clashing names.
  // With PartialMode::resume the .partial must exist (else OutputError) and hold these axes and
  // variables (names, sizes, types) and every one of attrs.strings with the same value (else
  // ResumeMismatch naming the first difference). A .partial killed while it was being created
  // (empty, or HDF5 without the bookkeeping) holds no work: it is created again (restarted()).
  Hdf5Writer(std::filesystem::path final_path, std::vector<AxisSpec> axes,
             std::vector<VariableSpec> vars, FileAttributes attrs, bool overwrite,
             std::size_t target_chunk_points = 1 << 16, PartialMode mode = PartialMode::discard,
             const Communicator& comm = Communicator::world());
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;
  Hdf5Writer(Hdf5Writer&&) noexcept;
  Hdf5Writer& operator=(Hdf5Writer&&) noexcept;

  // For begin < total_points() and max_count > 0: the largest end <= begin+max_count such that
  // [begin, end) ends on an HDF5 chunk boundary or at the end of the grid; always > begin.
  // With max_count >= chunk_points() such an end always exists, so a driver whose pieces start
  // at 0 writes every chunk exactly once. With a smaller max_count there may be none; then the
  // result is begin+max_count (unaligned, still written correctly, but chunks get rewritten).
  std::size_t aligned_end(std::size_t begin, std::size_t max_count) const;

  // Writes the flat C-order point range [begin, begin+count) of variable `var`; `data` holds
  // `count` elements of the variable's dtype. Any range is allowed. Unwritten float points read
  // as NaN, unwritten u32 points as 0.
  void write(std::size_t var, std::size_t begin, std::size_t count, const void* data);

  // Resumable files: the ranges (begin, count) (whole HDF5 chunks) are written in every variable
  // (with several ranks: those of every rank). Flushes the file, marks their chunks done, flushes
  // again: a chunk marked done is on disk whatever happens next.
  void mark_done(const std::vector<std::pair<long long, long long>>& ranges);
  // Whether every HDF5 chunk of [begin, begin+count) is marked done (false for other modes).
  bool done(std::size_t begin, std::size_t count) const;
  bool restarted() const;
  // Reads `count` elements of variable `var` from the file (resumed runs read back what is done).
  void read(std::size_t var, std::size_t begin, std::size_t count, void* data);

  // Writes a dataset outside the grid (collective); a resumed file that has it keeps it.
  void write_array(const ArraySpec& array);

  // Sets the number attribute `name` of variable `var` (replacing one a resumed run wrote).
  void set_number_attribute(std::size_t var, const std::string& name, double value);

  // Writes the global attribute bscan_complete = 1 (last), closes the file, syncs it to disk and
  // renames .partial -> final (replacing an existing file only when overwrite).
  void finish();

  // If finish() did not complete: closes and deletes the .partial file.
  ~Hdf5Writer();

  std::size_t total_points() const;
  std::size_t chunk_points() const;  // points in a full HDF5 chunk
  const std::vector<std::size_t>& chunk_shape() const;

  // The dataset of a resumable file's done marks (one per chunk).
  static constexpr const char* kDoneDataset = "bscan_chunks_done";
  // HDF5 dataset name of a variable id: '/' replaced by '_', everything else kept.
  static std::string dataset_name(const std::string& id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bscan
