#include "host/output/hdf5_writer.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "host/output/hdf5_mpio.hpp"
#include "host/plan/chunk_layout.hpp"

namespace bscan {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDoneDataset = Hdf5Writer::kDoneDataset;

// Owns one HDF5 identifier; Close is the matching H5?close.
template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  // Closes now; returns the H5?close status (0 if nothing was open).
  herr_t reset() { return id_ >= 0 ? Close(std::exchange(id_, H5I_INVALID_HID)) : 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using PropertyList = Handle<H5Pclose>;
using Attribute = Handle<H5Aclose>;

// Silences HDF5's automatic error stack printing while alive; errors are reported as exceptions.
class QuietHdf5Errors {
 public:
  QuietHdf5Errors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietHdf5Errors(const QuietHdf5Errors&) = delete;
  QuietHdf5Errors& operator=(const QuietHdf5Errors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

herr_t collect_error(unsigned, const H5E_error2_t* err, void* client_data) {
  std::string line = std::string(err->func_name) + ": " + (err->desc ? err->desc : "");
  std::replace(line.begin(), line.end(), '\n', ' ');
  static_cast<std::vector<std::string>*>(client_data)->push_back(std::move(line));
  return 0;
}

// The current HDF5 error stack as "outermost call; cause: innermost call"; clears the stack.
std::string hdf5_error_text() {
  std::vector<std::string> lines;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &lines);
  H5Eclear2(H5E_DEFAULT);
  if (lines.empty()) return "unknown HDF5 error";
  return lines.size() == 1 ? lines.front() : lines.front() + "; cause: " + lines.back();
}

// Returns `result` (an hid_t or herr_t) or throws OutputError if it signals an HDF5 failure.
template <class T>
T check(T result, std::string_view what) {
  if (result < 0) throw OutputError(std::string(what) + ": " + hdf5_error_text());
  return result;
}

hid_t file_type(DType dtype) {
  switch (dtype) {
    case DType::f64:
      return H5T_IEEE_F64LE;
    case DType::f32:
      return H5T_IEEE_F32LE;
    case DType::u32:
      return H5T_STD_U32LE;
  }
  throw std::invalid_argument("bad DType");
}

hid_t memory_type(DType dtype) {
  switch (dtype) {
    case DType::f64:
      return H5T_NATIVE_DOUBLE;
    case DType::f32:
      return H5T_NATIVE_FLOAT;
    case DType::u32:
      return H5T_NATIVE_UINT32;
  }
  throw std::invalid_argument("bad DType");
}

std::size_t element_size(DType dtype) { return dtype == DType::f64 ? 8 : 4; }

Dataspace scalar_space() { return Dataspace(check(H5Screate(H5S_SCALAR), "creating dataspace")); }

Dataspace simple_space(std::span<const hsize_t> dims) {
  return Dataspace(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                         "creating dataspace"));
}

Attribute create_attribute(hid_t loc, const std::string& name, hid_t type, hid_t space) {
  return Attribute(check(H5Acreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                         "creating attribute '" + name + "'"));
}

void write_attribute(hid_t loc, const std::string& name, hid_t type, hid_t space,
                     const void* data) {
  check(H5Awrite(create_attribute(loc, name, type, space).get(), type, data),
        "writing attribute '" + name + "'");
}

// A fixed-length NUL-terminated UTF-8 string, which netCDF reads as a text (NC_CHAR) attribute,
// like the attributes netCDF writes itself. Size >= 1 because HDF5 rejects 0-length strings.
void write_string_attribute(hid_t loc, const std::string& name, const std::string& value) {
  Datatype type(check(H5Tcopy(H5T_C_S1), "creating string type"));
  check(H5Tset_size(type.get(), std::max<std::size_t>(value.size(), 1)), "sizing string type");
  check(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), "setting string padding");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "setting string charset");
  write_attribute(loc, name, type.get(), scalar_space().get(), value.c_str());
}

// A string attribute as write_string_attribute stores it; nullopt when absent or not a string.
std::optional<std::string> read_string_attribute(hid_t loc, const std::string& name) {
  if (H5Aexists(loc, name.c_str()) <= 0) return std::nullopt;
  Attribute a(check(H5Aopen(loc, name.c_str(), H5P_DEFAULT), "opening attribute '" + name + "'"));
  Datatype type(check(H5Aget_type(a.get()), "reading the type of attribute '" + name + "'"));
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0)
    return std::nullopt;
  std::vector<char> buf(H5Tget_size(type.get()) + 1, '\0');
  check(H5Aread(a.get(), type.get(), buf.data()), "reading attribute '" + name + "'");
  return std::string(buf.data());
}

void write_double_attribute(hid_t loc, const std::string& name, double value) {
  write_attribute(loc, name, H5T_NATIVE_DOUBLE, scalar_space().get(), &value);
}

void write_u32_array_attribute(hid_t loc, const std::string& name,
                               const std::vector<std::uint32_t>& values) {
  if (values.empty()) {  // a null dataspace: netCDF reads a zero-length attribute
    create_attribute(loc, name, H5T_NATIVE_UINT32,
                     Dataspace(check(H5Screate(H5S_NULL), "creating dataspace")).get());
    return;
  }
  const hsize_t size = values.size();
  write_attribute(loc, name, H5T_NATIVE_UINT32, simple_space(std::span(&size, 1)).get(),
                  values.data());
}

// netCDF takes the fill value from this attribute; it must have the variable's type.
void write_nan_fill_value(hid_t dataset, DType dtype) {
  const double nan64 = std::numeric_limits<double>::quiet_NaN();
  const float nan32 = std::numeric_limits<float>::quiet_NaN();
  const void* nan = dtype == DType::f64 ? static_cast<const void*>(&nan64) : &nan32;
  write_attribute(dataset, "_FillValue", memory_type(dtype), scalar_space().get(), nan);
}

// Creation properties of a dataset without HDF5's object timestamps: identical runs give
// byte-identical files (checksums are how users verify results).
PropertyList untimed_dataset_properties() {
  PropertyList dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "creating property list"));
  check(H5Pset_obj_track_times(dcpl.get(), false), "turning off object timestamps");
  return dcpl;
}

// Makes the closed file's contents durable before its name says it is complete.
void sync_to_disk(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw OutputError("cannot sync '" + path.string() + "': " + std::strerror(err));
  }
  ::close(fd);
}

// `n` fill values of a variable as bytes: NaN for floats, 0 for flag words.
std::vector<char> fill_chunk(DType dtype, std::size_t n) {
  std::vector<char> bytes(n * element_size(dtype), 0);
  const double nan64 = std::numeric_limits<double>::quiet_NaN();
  const float nan32 = std::numeric_limits<float>::quiet_NaN();
  for (std::size_t k = 0; dtype != DType::u32 && k < n; ++k)
    std::memcpy(bytes.data() + k * element_size(dtype),
                dtype == DType::f64 ? static_cast<const void*>(&nan64) : &nan32,
                element_size(dtype));
  return bytes;
}

// A chunk as the variables' filters store it: HDF5's shuffle (byte k of every element together),
// then deflate level 1 (a zlib stream, as HDF5's deflate filter writes it).
std::vector<unsigned char> shuffled_deflated(const std::vector<char>& chunk, std::size_t size) {
  const std::size_t n = chunk.size() / size;
  std::vector<unsigned char> shuffled(chunk.size());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t b = 0; b < size; ++b)
      shuffled[b * n + i] = static_cast<unsigned char>(chunk[i * size + b]);
  uLongf length = compressBound(static_cast<uLong>(shuffled.size()));
  std::vector<unsigned char> out(length);
  if (compress2(out.data(), &length, shuffled.data(), static_cast<uLong>(shuffled.size()), 1) !=
      Z_OK)
    throw OutputError("deflating a chunk of fill values failed");
  out.resize(length);
  return out;
}

std::vector<std::size_t> axis_sizes(const std::vector<AxisSpec>& axes) {
  std::vector<std::size_t> shape;
  for (const AxisSpec& axis : axes) shape.push_back(axis.values.size());
  return shape;
}

void validate(const std::vector<AxisSpec>& axes, const std::vector<VariableSpec>& vars,
              const FileAttributes& attrs) {
  if (axes.empty()) throw std::invalid_argument("output grid needs at least one axis");
  std::set<std::string> names;
  for (const AxisSpec& axis : axes) {
    if (axis.values.empty()) throw std::invalid_argument("axis '" + axis.name + "' has no values");
    if (axis.name.empty() || axis.name.find('/') != std::string::npos ||
        !names.insert(axis.name).second) {
      throw std::invalid_argument("bad or duplicate axis name '" + axis.name + "'");
    }
  }
  for (const VariableSpec& var : vars) {
    if (var.id.empty() || !names.insert(Hdf5Writer::dataset_name(var.id)).second) {
      throw std::invalid_argument("empty variable id or name clash for '" + var.id + "'");
    }
  }
  if (names.contains(kDoneDataset))
    throw std::invalid_argument(std::string("'") + kDoneDataset + "' is the writer's own dataset");
  for (const char* reserved : {"Conventions", "bscan_complete"}) {
    if (attrs.strings.contains(reserved) || attrs.numbers.contains(reserved)) {
      throw std::invalid_argument(std::string("global attribute '") + reserved +
                                  "' is written by the writer");
    }
  }
}

}  // namespace

std::vector<GridBox> flat_range_boxes(std::span<const std::size_t> shape, std::size_t begin,
                                      std::size_t count) {
  const std::size_t rank = shape.size();
  std::vector<std::size_t> stride(rank, 1);  // stride[a]: flat size of one step along axis a
  for (std::size_t a = rank - 1; a > 0; --a) stride[a - 1] = stride[a] * shape[a];

  std::vector<GridBox> boxes;
  const std::size_t end = begin + count;
  for (std::size_t pos = begin; pos < end;) {
    // The outermost axis whose steps start at pos and fit into the rest of the range.
    std::size_t axis = 0;
    while (pos % stride[axis] != 0 || stride[axis] > end - pos) ++axis;
    GridBox box{std::vector<std::size_t>(rank, 0),
                std::vector<std::size_t>(shape.begin(), shape.end())};
    std::size_t rest = pos;
    for (std::size_t a = 0; a <= axis; ++a) {
      box.start[a] = rest / stride[a];
      rest %= stride[a];
      box.count[a] = 1;
    }
    box.count[axis] = std::min((end - pos) / stride[axis], shape[axis] - box.start[axis]);
    pos += box.count[axis] * stride[axis];
    boxes.push_back(std::move(box));
  }
  return boxes;
}

struct Hdf5Writer::Impl {
  const Communicator& comm;  // several ranks: one file through MPI-IO, every call collective
  fs::path final_path;
  fs::path partial_path;
  bool overwrite = false;
  PartialMode mode = PartialMode::discard;
  bool owns_partial = false;             // partial_path is ours to delete
  std::vector<std::size_t> chunk_bytes;  // per variable: its chunk cache (one chunk)
  std::vector<char> written;             // per variable: written since the last flush
  bool keep_partial = false;  // resumable and complete as of its last flush: keep it on failure
  bool restarted = false;     // resume found a .partial without completed work and began anew
  bool finished = false;

  std::vector<std::size_t> shape;
  ChunkLayout layout;
  std::vector<std::size_t> chunk;
  std::size_t total = 1;
  std::size_t chunk_total = 1;

  std::vector<DType> dtypes;
  std::vector<std::size_t> chunk_starts;  // flat start of every HDF5 chunk
  std::vector<std::uint8_t> chunks_done;  // resumable: 1 = chunk written and flushed
  // Declaration order matters: datasets are closed before the file.
  File file;
  std::vector<Dataset> axis_datasets;
  std::vector<Dataset> var_datasets;
  Dataset done_dataset;
  PropertyList transfer;  // raw data transfers: collective with several ranks

  Impl(const Communicator& comm_, fs::path path, const std::vector<std::size_t>& grid,
       std::size_t target, bool overwrite_, PartialMode mode_)
      : comm(comm_),
        final_path(std::move(path)),
        partial_path(fs::path(final_path) += ".partial"),
        overwrite(overwrite_),
        mode(mode_),
        shape(grid),
        layout(grid, target),
        chunk(layout.chunk_shape()),
        total(layout.total_points()),
        chunk_total(layout.chunk_points()) {
    for (std::size_t pos = 0; pos < total; pos = layout.aligned_end(pos, chunk_total))
      chunk_starts.push_back(pos);
    transfer = PropertyList(check(H5Pcreate(H5P_DATASET_XFER), "creating property list"));
    if (comm.parallel()) use_collective_transfer(transfer.get());
  }

  bool root() const { return comm.rank() == 0; }

  ~Impl() {
    if (!finished && owns_partial) close_unfinished(!keep_partial);
  }

  // Closes the unfinished file (deleting it first when `remove`) with its descriptor pointed at
  // an anonymous in-memory file: closing flushes caches, and after a write error (disk full)
  // that flush would fail again, which HDF5 1.10 answers by freeing the file but keeping its ID
  // (crash at exit). A kept file thus stays as of its last flush.
  // With several ranks (MPI-IO) the file is closed collectively as it is.
  void close_unfinished(bool remove) {
    QuietHdf5Errors quiet;
    std::error_code ignored;
    if (remove && root()) fs::remove(partial_path, ignored);
    void* handle = nullptr;
    if (!comm.parallel() && file.get() >= 0 &&
        H5Fget_vfd_handle(file.get(), H5P_DEFAULT, &handle) >= 0 && handle) {
      const int memory = ::memfd_create("bscan-discarded-output", 0);
      if (memory >= 0) {
        ::dup2(memory, *static_cast<int*>(handle));  // the sec2 driver's handle is its fd
        ::close(memory);
      }
    }
    done_dataset.reset();
    var_datasets.clear();
    axis_datasets.clear();
    file.reset();
  }

  // Flushes the file after reserving, past its end, the space the flush may write there: a full
  // disk (or the process's file size limit) then fails in the reservation, cleanly. A flush that
  // fails halfway leaves HDF5 1.10's metadata cache unusable ("slist already enabled"): the file
  // could then be neither flushed nor closed, and the library would crash at exit. The unused
  // rest of the reservation is cut off again (nothing HDF5 wrote lies past its allocation).
  // Several ranks (MPI-IO, no file descriptor): a collective flush without the reservation.
  void flush() {
    // A flush writes the cached chunks (deflated: at most their size plus a little) and a few kB
    // of metadata, at the end of the allocation (which may lie past the end of the file).
    constexpr off_t kMetadataReserve = 256 << 10;
    void* handle = nullptr;
    struct stat st {};
    int fd = -1;
    if (!comm.parallel() && H5Fget_vfd_handle(file.get(), H5P_DEFAULT, &handle) >= 0 &&
        handle != nullptr && ::fstat(*static_cast<int*>(handle), &st) == 0) {
      fd = *static_cast<int*>(handle);
      haddr_t end = 0;
      H5Fget_eoa(file.get(), &end);
      const off_t beyond = std::max<off_t>(0, static_cast<off_t>(end) - st.st_size);
      off_t cached = 0;  // a written variable's cache may hold a chunk not yet on disk
      for (std::size_t v = 0; v < chunk_bytes.size(); ++v)
        if (written[v]) cached += static_cast<off_t>(chunk_bytes[v]);
      const off_t reserve = beyond + kMetadataReserve + cached;
      // fallocate(2), not posix_fallocate: glibc emulates that by writing every block.
      const int err = ::fallocate(fd, 0, st.st_size, reserve) == 0 ? 0 : errno;
      if (err == EOPNOTSUPP || err == EINVAL) {
        fd = -1;  // a file system without it: flush unprotected
      } else if (err != 0) {
        throw OutputError(std::string("flushing file: cannot reserve space for it: ") +
                          std::strerror(err));
      }
    }
    // Several ranks: every rank's raw data of the chunks is written before rank 0 writes the
    // metadata that points at it (a kill in between would leave chunks that do not inflate).
    comm.barrier();
    check(H5Fflush(file.get(), H5F_SCOPE_LOCAL), "flushing file");
    std::fill(written.begin(), written.end(), 0);
    haddr_t eoa = 0;
    if (fd >= 0 && H5Fget_eoa(file.get(), &eoa) >= 0 &&
        ::ftruncate(fd, std::max<off_t>(st.st_size, static_cast<off_t>(eoa))) != 0)
      throw OutputError(std::string("flushing file: cannot trim its reservation: ") +
                        std::strerror(errno));
  }

  // Chunks [first, last) of the flat range [begin, begin+count): those that start in it and end
  // in it.
  std::pair<std::size_t, std::size_t> chunks_within(std::size_t begin, std::size_t count) const {
    const auto lo = std::lower_bound(chunk_starts.begin(), chunk_starts.end(), begin);
    auto hi = std::upper_bound(chunk_starts.begin(), chunk_starts.end(), begin + count);
    const std::size_t end_of_last = hi == chunk_starts.end() ? total : *hi;
    if (hi != lo && end_of_last > begin + count) --hi;  // the last chunk sticks out
    return {static_cast<std::size_t>(lo - chunk_starts.begin()),
            static_cast<std::size_t>(hi - chunk_starts.begin())};
  }

  void create_done_dataset() {
    const hsize_t n = chunk_starts.size();
    done_dataset = Dataset(check(
        H5Dcreate2(file.get(), kDoneDataset, H5T_STD_U8LE, simple_space(std::span(&n, 1)).get(),
                   H5P_DEFAULT, untimed_dataset_properties().get(), H5P_DEFAULT),
        "creating the resume bookkeeping"));
    chunks_done.assign(chunk_starts.size(), 0);
    write_whole(done_dataset.get(), H5T_NATIVE_UINT8, chunks_done.data(),
                "writing the resume bookkeeping");
    write_string_attribute(done_dataset.get(), "long_name",
                           "HDF5 chunks of the grid written and flushed (bscan run --resume)");
    flush();
    keep_partial = true;
  }

  // The bookkeeping is written whole: its bytes only ever go from 0 to 1, so a kill during the
  // write leaves it valid.
  void mark_done(const std::vector<std::pair<long long, long long>>& mine) {
    const std::vector<std::pair<long long, long long>> ranges = comm.gather_all(mine);
    if (ranges.empty()) return;
    flush();
    for (const auto& [begin, count] : ranges) {
      const auto [first, last] =
          chunks_within(static_cast<std::size_t>(begin), static_cast<std::size_t>(count));
      if (first < last) std::fill(chunks_done.begin() + first, chunks_done.begin() + last, 1);
    }
    write_whole(done_dataset.get(), H5T_NATIVE_UINT8, chunks_done.data(),
                "writing the resume bookkeeping");
    flush();
  }

  // Writes a whole (small, unfiltered) dataset: with several ranks rank 0 writes it, the others
  // take part in the collective call with nothing.
  void write_whole(hid_t dataset, hid_t type, const void* data, const std::string& what) {
    Dataspace space(check(H5Dget_space(dataset), what));
    Dataspace memory(check(H5Scopy(space.get()), what));
    if (!root()) {
      check(H5Sselect_none(space.get()), what);
      check(H5Sselect_none(memory.get()), what);
    }
    check(H5Dwrite(dataset, type, memory.get(), space.get(), transfer.get(), data), what);
  }

  bool done(std::size_t begin, std::size_t count) const {
    if (chunks_done.empty()) return false;
    const auto [first, last] = chunks_within(begin, count);
    const std::size_t end = last < chunk_starts.size() ? chunk_starts[last] : total;
    if (first >= last || chunk_starts[first] != begin || end != begin + count) return false;
    return std::all_of(chunks_done.begin() + first, chunks_done.begin() + last,
                       [](std::uint8_t d) { return d != 0; });
  }

  // Whether the .partial holds the bookkeeping of completed chunks; false for one killed while it
  // was being created (then it holds no work: empty, or HDF5 without the bookkeeping). Anything
  // else - not a file bscan could have written - is refused.
  // A kill between two flushes can leave chunk data (and index entries of chunks not marked
  // done) past the end of allocation the superblock recorded; HDF5 would then rewrite such a
  // chunk in place beyond it ("addr overflow"). So everything up to the end of the file is taken
  // as allocated (what h5clear --increment does; it needs the POSIX driver, hence here, before
  // the ranks open the file through MPI-IO); new space comes after it.
  // The string attributes of the run (all but those that may differ) as the file records them,
  // else ResumeMismatch naming the first that differs.
  void check_attributes(hid_t f, const FileAttributes& attrs) const {
    for (const auto& [name, value] : attrs.strings) {
      if (attrs.may_differ.contains(name)) continue;
      const std::optional<std::string> found = read_string_attribute(f, name);
      if (found != value)
        throw ResumeMismatch("'" + partial_path.string() + "' was made with another " + name +
                             (found ? "" : " (none recorded)"));
    }
  }

  // Repairs (below) only a file of this run: one of another config is left as it is.
  bool partial_has_bookkeeping(const FileAttributes& attrs,
                               const std::vector<VariableSpec>& vars) const {
    if (!fs::is_regular_file(partial_path))
      throw OutputError("no '" + partial_path.string() + "' to resume");
    static constexpr char kSignature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
    char head[8] = {};
    std::ifstream in(partial_path, std::ios::binary);
    in.read(head, 8);
    // MPI-IO writes the superblock (offset 0) last: a file killed before has zeros there.
    if (std::all_of(head, head + in.gcount(), [](char c) { return c == 0; })) return false;
    if (!std::equal(head, head + in.gcount(), kSignature))
      throw ResumeMismatch("'" + partial_path.string() + "' is not a file bscan wrote");
    QuietHdf5Errors quiet;
    {  // read-only first: closing a file opened for writing trims it to its recorded end
      File f(H5Fopen(partial_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
      if (f.get() < 0 || H5Lexists(f.get(), kDoneDataset, H5P_DEFAULT) <= 0) return false;
      check_attributes(f.get(), attrs);
    }
    if (!comm.parallel()) return true;  // one rank: open_partial extends the allocation
    File f(check(H5Fopen(partial_path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "opening file"));
    check(H5Fincrement_filesize(f.get(), 0), "extending the file's allocation to its end");
    reset_unfinished_edge_chunks(f.get(), vars);
    check(f.reset(), "closing file");
    return true;
  }

  // HDF5 reads an edge chunk (one the grid's end cuts) before it rewrites it, as its selection
  // does not cover the whole chunk. An edge chunk not marked done may have been cut short by the
  // kill (seen with 2 ranks: "inflate() failed"), so each is replaced, in every gridded dataset,
  // by a chunk of fill values, shuffled and deflated here as the dataset's filters would
  // (H5Dwrite_chunk; parallel HDF5 ignores a chunk's mask of skipped filters).
  void reset_unfinished_edge_chunks(hid_t f, const std::vector<VariableSpec>& vars) const {
    std::vector<std::uint8_t> done(chunk_starts.size(), 0);
    Dataset book(check(H5Dopen2(f, kDoneDataset, H5P_DEFAULT), "opening the resume bookkeeping"));
    Dataspace book_space(check(H5Dget_space(book.get()), "reading a dataspace"));
    if (H5Sget_simple_extent_npoints(book_space.get()) != static_cast<hssize_t>(done.size()))
      return;  // another grid: open_partial refuses it
    check(H5Dread(book.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done.data()),
          "reading the resume bookkeeping");
    std::vector<std::vector<hsize_t>> offsets;
    for (std::size_t i = 0; i < chunk_starts.size(); ++i) {
      const std::size_t end = i + 1 < chunk_starts.size() ? chunk_starts[i + 1] : total;
      if (done[i] || end - chunk_starts[i] == chunk_total) continue;
      const std::vector<std::size_t> at =
          flat_range_boxes(shape, chunk_starts[i], end - chunk_starts[i]).front().start;
      offsets.emplace_back(at.begin(), at.end());
    }
    for (const VariableSpec& var : vars) {
      if (offsets.empty()) break;
      const std::string name = dataset_name(var.id);
      Dataset d(check(H5Dopen2(f, name.c_str(), H5P_DEFAULT), "opening '" + name + "'"));
      const std::vector<unsigned char> packed =
          shuffled_deflated(fill_chunk(var.dtype, chunk_total), element_size(var.dtype));
      for (const std::vector<hsize_t>& at : offsets)
        check(H5Dwrite_chunk(d.get(), H5P_DEFAULT, 0, at.data(), packed.size(), packed.data()),
              "resetting an unfinished edge chunk of '" + name + "'");
    }
  }

  // The .partial of an interrupted resumable run: same axes, variables and string attributes.
  void open_partial(const std::vector<AxisSpec>& axes, const std::vector<VariableSpec>& vars,
                    const FileAttributes& attrs) {
    if (!fs::is_regular_file(partial_path))
      throw OutputError("no '" + partial_path.string() + "' to resume");
    file = File(check(H5Fopen(partial_path.c_str(), H5F_ACC_RDWR, access_properties().get()),
                      "opening file"));
    owns_partial = true;
    keep_partial = true;
    if (!comm.parallel())  // several ranks: done by rank 0 before (MPI-IO cannot)
      check(H5Fincrement_filesize(file.get(), 0), "extending the file's allocation to its end");
    check_attributes(file.get(), attrs);
    for (const AxisSpec& axis : axes) {
      axis_datasets.push_back(open_dataset(axis.name, H5T_IEEE_F64LE, {axis.values.size()}));
      std::vector<double> values(axis.values.size());
      check(H5Dread(axis_datasets.back().get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                    values.data()),
            "reading axis '" + axis.name + "'");
      if (values != axis.values)
        throw ResumeMismatch("'" + partial_path.string() + "' has other values on axis '" +
                             axis.name + "'");
    }
    for (const VariableSpec& var : vars) {
      var_datasets.push_back(open_dataset(Hdf5Writer::dataset_name(var.id), file_type(var.dtype),
                                          shape, variable_access_properties(var.dtype).get()));
      dtypes.push_back(var.dtype);
    }
    done_dataset = open_dataset(kDoneDataset, H5T_STD_U8LE, {chunk_starts.size()});
    chunks_done.resize(chunk_starts.size());
    check(H5Dread(done_dataset.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                  chunks_done.data()),
          "reading the resume bookkeeping");
  }

  // An existing dataset of this type and shape, else ResumeMismatch.
  Dataset open_dataset(const std::string& name, hid_t type, const std::vector<std::size_t>& dims,
                       hid_t access = H5P_DEFAULT) {
    const std::string where = "'" + partial_path.string() + "'";
    if (H5Lexists(file.get(), name.c_str(), H5P_DEFAULT) <= 0)
      throw ResumeMismatch(where + " has no dataset '" + name + "'");
    Dataset d(check(H5Dopen2(file.get(), name.c_str(), access), "opening '" + name + "'"));
    Datatype t(check(H5Dget_type(d.get()), "reading a type"));
    Dataspace s(check(H5Dget_space(d.get()), "reading a dataspace"));
    std::vector<hsize_t> found(
        static_cast<std::size_t>(std::max(0, H5Sget_simple_extent_ndims(s.get()))));
    H5Sget_simple_extent_dims(s.get(), found.data(), nullptr);
    if (H5Tequal(t.get(), type) <= 0 ||
        !std::equal(found.begin(), found.end(), dims.begin(), dims.end()))
      throw ResumeMismatch(where + " has dataset '" + name + "' with another type or shape");
    return d;
  }

  [[noreturn]] void fail(const OutputError& error) const {
    throw OutputError("output file '" + partial_path.string() + "': " + error.what());
  }

  // Runs an HDF5 step quietly, naming the file in any OutputError.
  template <class F>
  void guarded(F&& step) {
    QuietHdf5Errors quiet;
    try {
      step();
    } catch (const OutputError& error) {
      fail(error);
    }
  }

  void check_target() const {
    if (fs::exists(final_path) && !overwrite) {
      throw OutputError("output file '" + final_path.string() +
                        "' already exists (allow overwriting to replace it)");
    }
    const fs::path dir = final_path.has_parent_path() ? final_path.parent_path() : fs::path(".");
    if (!fs::is_directory(dir)) {
      throw OutputError("cannot create output file '" + final_path.string() + "': directory '" +
                        dir.string() + "' does not exist");
    }
  }

  PropertyList access_properties() const {
    PropertyList fapl(check(H5Pcreate(H5P_FILE_ACCESS), "creating property list"));
    // Keep HDF5's lock against concurrent writers, but work on file systems without locks.
    check(H5Pset_file_locking(fapl.get(), true, true), "setting file locking");
    if (comm.parallel()) use_mpio(fapl.get(), comm);
    return fapl;
  }

  void create_file(const FileAttributes& attrs) {
    // Creation order tracking as netCDF-4 does, so readers list objects in creation order.
    PropertyList fcpl(check(H5Pcreate(H5P_FILE_CREATE), "creating property list"));
    const unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    check(H5Pset_link_creation_order(fcpl.get(), order), "setting link creation order");
    check(H5Pset_attr_creation_order(fcpl.get(), order), "setting attribute creation order");
    check(H5Pset_obj_track_times(fcpl.get(), false), "turning off object timestamps");
    const PropertyList fapl = access_properties();  // closed after the error is read
    const hid_t created = H5Fcreate(partial_path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get());
    if (created < 0) {
      const std::string why = hdf5_error_text();
      std::error_code ec;  // a full disk: the empty file it made must not stay behind
      if (root() && fs::is_regular_file(fs::symlink_status(partial_path, ec)) &&
          fs::file_size(partial_path, ec) == 0)
        fs::remove(partial_path, ec);
      throw OutputError("creating file: " + why);
    }
    file = File(created);
    owns_partial = true;
    write_string_attribute(file.get(), "Conventions", "CF-1.8");
    for (const auto& [name, value] : attrs.strings) write_string_attribute(file.get(), name, value);
    for (const auto& [name, value] : attrs.numbers) write_double_attribute(file.get(), name, value);
  }

  void create_axis(const AxisSpec& axis) {
    const hsize_t size = axis.values.size();
    const std::string what = "creating axis '" + axis.name + "'";
    Dataset dataset(check(H5Dcreate2(file.get(), axis.name.c_str(), H5T_IEEE_F64LE,
                                     simple_space(std::span(&size, 1)).get(), H5P_DEFAULT,
                                     untimed_dataset_properties().get(), H5P_DEFAULT),
                          what));
    write_whole(dataset.get(), H5T_NATIVE_DOUBLE, axis.values.data(), what);
    check(H5DSset_scale(dataset.get(), axis.name.c_str()), what);
    write_string_attribute(dataset.get(), "units", axis.units);
    write_string_attribute(dataset.get(), "long_name", axis.long_name);
    axis_datasets.push_back(std::move(dataset));
  }

  PropertyList variable_creation_properties(DType dtype) const {
    PropertyList dcpl = untimed_dataset_properties();
    const std::vector<hsize_t> dims(chunk.begin(), chunk.end());
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(dims.size()), dims.data()), "chunking");
    check(H5Pset_shuffle(dcpl.get()), "adding shuffle filter");
    // Level 1: a quarter less writing time than level 4 for 3 % more bytes (bench/RESULTS.md).
    check(H5Pset_deflate(dcpl.get(), 1), "adding deflate filter");
    check(H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "setting attribute creation order");
    const double nan64 = std::numeric_limits<double>::quiet_NaN();
    const float nan32 = std::numeric_limits<float>::quiet_NaN();
    if (dtype == DType::f64)
      check(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &nan64), "fill");
    if (dtype == DType::f32) check(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_FLOAT, &nan32), "fill");
    return dcpl;
  }

  // Room for one chunk per dataset: memory stays bounded, and a chunk that a write leaves
  // incomplete is still cached when the next write completes it.
  // The cached chunks are written when the file is flushed: flush() reserves room for them.
  PropertyList variable_access_properties(DType dtype) {
    PropertyList dapl(check(H5Pcreate(H5P_DATASET_ACCESS), "creating property list"));
    const std::size_t bytes = chunk_total * element_size(dtype);
    check(H5Pset_chunk_cache(dapl.get(), 101, bytes, 1.0), "setting chunk cache");
    chunk_bytes.push_back(bytes);
    written.push_back(0);
    return dapl;
  }

  void create_variable(const VariableSpec& var) {
    const std::string name = dataset_name(var.id);
    const std::vector<hsize_t> dims(shape.begin(), shape.end());
    Dataset dataset(
        check(H5Dcreate2(file.get(), name.c_str(), file_type(var.dtype), simple_space(dims).get(),
                         H5P_DEFAULT, variable_creation_properties(var.dtype).get(),
                         variable_access_properties(var.dtype).get()),
              "creating variable '" + var.id + "'"));
    write_string_attribute(dataset.get(), "units", var.units);
    write_string_attribute(dataset.get(), "long_name", var.long_name);
    write_string_attribute(dataset.get(), "bscan_id", var.id);
    if (var.dtype != DType::u32) write_nan_fill_value(dataset.get(), var.dtype);
    for (const auto& [key, value] : var.string_attrs)
      write_string_attribute(dataset.get(), key, value);
    for (const auto& [key, values] : var.u32_attrs)
      write_u32_array_attribute(dataset.get(), key, values);
    for (unsigned a = 0; a < axis_datasets.size(); ++a) {
      check(H5DSattach_scale(dataset.get(), axis_datasets[a].get(), a),
            "attaching axis to variable '" + var.id + "'");
    }
    var_datasets.push_back(std::move(dataset));
    dtypes.push_back(var.dtype);
  }

  // File and memory spaces of the flat range [begin, begin+count). One box (chunk-aligned
  // ranges): a memory space of the box's shape lets HDF5 copy whole rows instead of mapping every
  // point to its chunk.
  // Nothing selected when count == 0 (a rank without a chunk in a collective write).
  std::pair<Dataspace, Dataspace> select(std::size_t begin, std::size_t count) const {
    const std::vector<hsize_t> dims(shape.begin(), shape.end());
    Dataspace file_space = simple_space(dims);
    if (count == 0) {
      const hsize_t one = 1;
      Dataspace memory_space = simple_space(std::span(&one, 1));
      check(H5Sselect_none(file_space.get()), "selecting points");
      check(H5Sselect_none(memory_space.get()), "selecting points");
      return {std::move(file_space), std::move(memory_space)};
    }
    H5S_seloper_t op = H5S_SELECT_SET;
    const std::vector<GridBox> boxes = flat_range_boxes(shape, begin, count);
    for (const GridBox& box : boxes) {
      const std::vector<hsize_t> start(box.start.begin(), box.start.end());
      const std::vector<hsize_t> extent(box.count.begin(), box.count.end());
      check(
          H5Sselect_hyperslab(file_space.get(), op, start.data(), nullptr, extent.data(), nullptr),
          "selecting points");
      op = H5S_SELECT_OR;
    }
    const hsize_t size = count;
    Dataspace memory_space =
        boxes.size() == 1
            ? simple_space(std::vector<hsize_t>(boxes[0].count.begin(), boxes[0].count.end()))
            : simple_space(std::span(&size, 1));
    return {std::move(file_space), std::move(memory_space)};
  }

  std::string points(std::size_t var, std::size_t begin, std::size_t count) const {
    return "points [" + std::to_string(begin) + ", " + std::to_string(begin + count) +
           ") of variable " + std::to_string(var);
  }

  void write(std::size_t var, std::size_t begin, std::size_t count, const void* data) {
    static const double nothing = 0.0;  // HDF5 wants a buffer even for an empty selection
    if (data == nullptr) data = &nothing;
    const auto [file_space, memory_space] = select(begin, count);
    check(H5Dwrite(var_datasets[var].get(), memory_type(dtypes[var]), memory_space.get(),
                   file_space.get(), transfer.get(), data),
          "writing " + points(var, begin, count));
    written[var] = 1;
  }

  void read(std::size_t var, std::size_t begin, std::size_t count, void* data) {
    const auto [file_space, memory_space] = select(begin, count);
    check(H5Dread(var_datasets[var].get(), memory_type(dtypes[var]), memory_space.get(),
                  file_space.get(), H5P_DEFAULT, data),
          "reading " + points(var, begin, count));
  }

  void close_file() {
    const int32_t complete = 1;
    // A resumed run killed after its last flush (before the rename) already has it.
    if (H5Aexists(file.get(), "bscan_complete") > 0)
      check(H5Adelete(file.get(), "bscan_complete"), "rewriting attribute 'bscan_complete'");
    write_attribute(file.get(), "bscan_complete", H5T_NATIVE_INT32, scalar_space().get(),
                    &complete);
    // Late write errors (disk full) appear here, while the file is still open for discard().
    flush();
    if (done_dataset.get() >= 0) {  // complete: the bookkeeping has done its job
      check(done_dataset.reset(), "closing the resume bookkeeping");
      check(H5Ldelete(file.get(), kDoneDataset, H5P_DEFAULT), "removing the resume bookkeeping");
    }
    for (Dataset& dataset : var_datasets) check(dataset.reset(), "closing variable");
    for (Dataset& dataset : axis_datasets) check(dataset.reset(), "closing axis");
    check(file.reset(), "closing file");
  }

  // Rank 0 renames the closed file; every rank learns how that went.
  void publish() {
    std::exception_ptr error;
    if (root()) try {
        rename_complete();
      } catch (...) {
        error = std::current_exception();
      }
    comm.agree(error);
  }

  void rename_complete() {
    sync_to_disk(partial_path);
    // A file that appeared after construction is only replaced with overwrite.
    if (!overwrite && fs::exists(final_path)) {
      throw OutputError("output file '" + final_path.string() + "' appeared while writing");
    }
    std::error_code error;
    fs::rename(partial_path, final_path, error);
    if (error) {
      throw OutputError("cannot rename '" + partial_path.string() + "' to '" + final_path.string() +
                        "': " + error.message());
    }
  }
};

Hdf5Writer::Hdf5Writer(std::filesystem::path final_path, std::vector<AxisSpec> axes,
                       std::vector<VariableSpec> vars, FileAttributes attrs, bool overwrite,
                       std::size_t target_chunk_points, PartialMode mode,
                       const Communicator& comm) {
  validate(axes, vars, attrs);
  impl_ = std::make_unique<Impl>(comm, std::move(final_path), axis_sizes(axes), target_chunk_points,
                                 overwrite, mode);
  impl_->check_target();
  if (mode == PartialMode::resume) {
    // Rank 0 looks at the .partial, the others wait: it may remove it.
    bool has_bookkeeping = false;
    std::exception_ptr error;
    if (impl_->root()) try {
        has_bookkeeping = impl_->partial_has_bookkeeping(attrs, vars);
        // Killed while it was being created: nothing to continue, so it is created again.
        if (!has_bookkeeping) std::filesystem::remove(impl_->partial_path);
      } catch (...) {
        error = std::current_exception();
      }
    comm.agree(error);
    if (!comm.from_root(has_bookkeeping)) {
      impl_->restarted = true;
      mode = impl_->mode = PartialMode::resumable;
    }
  }
  impl_->guarded([&] {
    if (mode == PartialMode::resume) {
      impl_->open_partial(axes, vars, attrs);
      return;
    }
    impl_->create_file(attrs);
    for (const AxisSpec& axis : axes) impl_->create_axis(axis);
    for (const VariableSpec& var : vars) impl_->create_variable(var);
    if (mode == PartialMode::resumable) impl_->create_done_dataset();
  });
}

Hdf5Writer::Hdf5Writer(Hdf5Writer&&) noexcept = default;
Hdf5Writer& Hdf5Writer::operator=(Hdf5Writer&&) noexcept = default;
Hdf5Writer::~Hdf5Writer() = default;

std::size_t Hdf5Writer::aligned_end(std::size_t begin, std::size_t max_count) const {
  return impl_->layout.aligned_end(begin, max_count);
}

void Hdf5Writer::write(std::size_t var, std::size_t begin, std::size_t count, const void* data) {
  if (impl_->finished) throw std::logic_error("write after finish()");
  if (var >= impl_->var_datasets.size() || begin > impl_->total || count > impl_->total - begin) {
    throw std::out_of_range("write: variable " + std::to_string(var) + ", points [" +
                            std::to_string(begin) + ", +" + std::to_string(count) +
                            ") outside the grid");
  }
  if (count == 0 && !impl_->comm.parallel()) return;
  impl_->guarded([&] { impl_->write(var, begin, count, data); });
}

void Hdf5Writer::mark_done(const std::vector<std::pair<long long, long long>>& ranges) {
  if (impl_->chunks_done.empty()) return;
  impl_->guarded([&] { impl_->mark_done(ranges); });
}

bool Hdf5Writer::restarted() const { return impl_->restarted; }

bool Hdf5Writer::done(std::size_t begin, std::size_t count) const {
  return impl_->done(begin, count);
}

void Hdf5Writer::read(std::size_t var, std::size_t begin, std::size_t count, void* data) {
  if (var >= impl_->var_datasets.size() || begin > impl_->total || count > impl_->total - begin)
    throw std::out_of_range("read: variable " + std::to_string(var) + " outside the grid");
  if (count == 0) return;
  impl_->guarded([&] { impl_->read(var, begin, count, data); });
}

void Hdf5Writer::write_array(const ArraySpec& array) {
  std::size_t n = 1;
  for (std::size_t d : array.dims) n *= d;
  if (array.values.size() != n)
    throw std::invalid_argument("write_array: '" + array.id + "' has the wrong number of values");
  impl_->guarded([&] {
    const hid_t f = impl_->file.get();
    if (H5Lexists(f, array.id.c_str(), H5P_DEFAULT) > 0) return;
    const std::string what = "writing '" + array.id + "'";
    const std::vector<hsize_t> dims(array.dims.begin(), array.dims.end());
    Dataset dataset(check(H5Dcreate2(f, array.id.c_str(), H5T_IEEE_F64LE, simple_space(dims).get(),
                                     H5P_DEFAULT, untimed_dataset_properties().get(), H5P_DEFAULT),
                          what));
    impl_->write_whole(dataset.get(), H5T_NATIVE_DOUBLE, array.values.data(), what);
    for (const auto& [name, value] : array.string_attrs)
      write_string_attribute(dataset.get(), name, value);
    for (const auto& [name, value] : array.number_attrs)
      write_double_attribute(dataset.get(), name, value);
  });
}

void Hdf5Writer::set_number_attribute(std::size_t var, const std::string& name, double value) {
  if (var >= impl_->var_datasets.size())
    throw std::out_of_range("set_number_attribute: variable " + std::to_string(var));
  impl_->guarded([&] {
    const hid_t d = impl_->var_datasets[var].get();
    if (H5Aexists(d, name.c_str()) > 0)
      check(H5Adelete(d, name.c_str()), "rewriting attribute '" + name + "'");
    write_double_attribute(d, name, value);
  });
}

void Hdf5Writer::finish() {
  if (impl_->finished) throw std::logic_error("finish() called twice");
  impl_->guarded([&] { impl_->close_file(); });
  impl_->publish();
  impl_->finished = true;
}

std::size_t Hdf5Writer::total_points() const { return impl_->total; }
std::size_t Hdf5Writer::chunk_points() const { return impl_->chunk_total; }
const std::vector<std::size_t>& Hdf5Writer::chunk_shape() const { return impl_->chunk; }

std::string Hdf5Writer::dataset_name(const std::string& id) {
  std::string name = id;
  std::replace(name.begin(), name.end(), '/', '_');
  return name;
}

}  // namespace bscan
