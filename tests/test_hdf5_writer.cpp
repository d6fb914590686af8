#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/output/hdf5_writer.hpp"

#ifndef BSCAN_SOURCE_DIR
#error "BSCAN_SOURCE_DIR must name the repository root"
#endif

namespace bscan {
namespace {

namespace fs = std::filesystem;

// Closes any HDF5 identifier the tests open.
class Id {
 public:
  explicit Id(hid_t id) : id_(id) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() {
    switch (H5Iget_type(id_)) {
      case H5I_FILE:
        H5Fclose(id_);
        break;
      case H5I_DATASET:
        H5Dclose(id_);
        break;
      case H5I_ATTR:
        H5Aclose(id_);
        break;
      case H5I_DATASPACE:
        H5Sclose(id_);
        break;
      case H5I_DATATYPE:
        H5Tclose(id_);
        break;
      case H5I_GENPROP_LST:
        H5Pclose(id_);
        break;
      default:
        break;
    }
  }
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
};

hid_t open_file(const fs::path& path) { return H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT); }

template <class T>
std::vector<T> read_dataset(hid_t file, const std::string& name, hid_t mem_type) {
  Id dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
  Id space(H5Dget_space(dataset));
  std::vector<T> values(H5Sget_simple_extent_npoints(space));
  EXPECT_GE(H5Dread(dataset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0) << name;
  return values;
}

std::string read_string_attr(hid_t object, const std::string& name) {
  Id attr(H5Aopen(object, name.c_str(), H5P_DEFAULT));
  Id type(H5Aget_type(attr));
  EXPECT_EQ(H5Tget_class(type), H5T_STRING) << name;
  EXPECT_FALSE(H5Tis_variable_str(type)) << name;
  std::string value(H5Tget_size(type), '\0');
  EXPECT_GE(H5Aread(attr, type, value.data()), 0) << name;
  return value.substr(0, value.find('\0'));
}

template <class T>
std::vector<T> read_attr(hid_t object, const std::string& name, hid_t mem_type) {
  Id attr(H5Aopen(object, name.c_str(), H5P_DEFAULT));
  Id space(H5Aget_space(attr));
  std::vector<T> values(H5Sget_simple_extent_npoints(space));
  EXPECT_GE(H5Aread(attr, mem_type, values.data()), 0) << name;
  return values;
}

std::vector<std::size_t> unravel(std::size_t flat, const std::vector<std::size_t>& shape) {
  std::vector<std::size_t> index(shape.size());
  for (std::size_t a = shape.size(); a-- > 0;) {
    index[a] = flat % shape[a];
    flat /= shape[a];
  }
  return index;
}

std::size_t product(const std::vector<std::size_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

std::vector<AxisSpec> make_axes(const std::vector<std::size_t>& shape) {
  std::vector<AxisSpec> axes;
  for (std::size_t a = 0; a < shape.size(); ++a) {
    AxisSpec axis{"x" + std::to_string(a), "GeV", "axis $x_" + std::to_string(a) + "$", {}};
    for (std::size_t i = 0; i < shape[a]; ++i) axis.values.push_back(0.5 * i + a);
    axes.push_back(std::move(axis));
  }
  return axes;
}

// A fresh directory, removed with its contents at scope exit.
struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "bscan_h5_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { fs::remove_all(path); }

  fs::path path;
};

// Partitions [0, total) into pieces of 1..max_piece points, in random order.
std::vector<std::pair<std::size_t, std::size_t>> random_pieces(std::size_t total,
                                                               std::size_t max_piece,
                                                               std::mt19937& rng) {
  std::vector<std::pair<std::size_t, std::size_t>> pieces;
  for (std::size_t begin = 0; begin < total;) {
    const std::size_t count =
        std::min(total - begin, std::uniform_int_distribution<std::size_t>(1, max_piece)(rng));
    pieces.emplace_back(begin, count);
    begin += count;
  }
  std::shuffle(pieces.begin(), pieces.end(), rng);
  return pieces;
}

TEST(Hdf5Writer, DatasetNameReplacesSlashOnly) {
  EXPECT_EQ(Hdf5Writer::dataset_name("dBR/dq2(B+->K+ee)[4.0]"), "dBR_dq2(B+->K+ee)[4.0]");
  EXPECT_EQ(Hdf5Writer::dataset_name("RK[1.1,6.0]"), "RK[1.1,6.0]");
  EXPECT_EQ(Hdf5Writer::dataset_name("a/b/c"), "a_b_c");
}

TEST(Hdf5Writer, FlatRangeBoxesCoverRangeInOrder) {
  const std::vector<std::vector<std::size_t>> shapes = {
      {7}, {3, 4}, {2, 3, 4}, {2, 3, 1, 2, 3, 2}, {1, 5}, {4, 1}};
  for (const auto& shape : shapes) {
    const std::size_t total = product(shape);
    for (std::size_t begin = 0; begin <= total; ++begin) {
      for (std::size_t count = 0; begin + count <= total; ++count) {
        const auto boxes = flat_range_boxes(shape, begin, count);
        ASSERT_LE(boxes.size(), 2 * shape.size() - 1);
        std::vector<std::size_t> covered;
        for (const GridBox& box : boxes) {
          for (std::size_t i = 0; i < product(box.count); ++i) {
            const auto offset = unravel(i, box.count);
            std::size_t flat = 0;
            for (std::size_t a = 0; a < shape.size(); ++a) {
              ASSERT_LT(box.start[a] + offset[a], shape[a]);
              flat = flat * shape[a] + box.start[a] + offset[a];
            }
            covered.push_back(flat);
          }
        }
        std::vector<std::size_t> expected(count);
        std::iota(expected.begin(), expected.end(), begin);
        ASSERT_EQ(covered, expected) << "begin " << begin << " count " << count;
      }
    }
  }
}

TEST(Hdf5Writer, ChunkShapeRule) {
  const TempDir dir;
  struct Case {
    std::vector<std::size_t> shape;
    std::size_t target;
    std::vector<std::size_t> chunk;
  };
  const std::vector<Case> cases = {
      {{5, 6, 7}, 16, {1, 2, 7}},           // 7 whole, 2 of 6 rows (16/7 = 2)
      {{4, 5, 6}, 1 << 16, {4, 5, 6}},      // whole grid fits
      {{10, 100000}, 1 << 16, {1, 50000}},  // 2 chunks per row, evened out
      {{3, 10, 20}, 100, {1, 5, 20}},       // 100/20 = 5 rows
      {{3, 10, 20}, 70, {1, 3, 20}},        // 70/20 = 3 rows, 4 chunks along the axis
      {{3, 10, 20}, 1, {1, 1, 1}},          // degenerate target
      {{1000}, 64, {63}},                   // 16 chunks either way; the edge one holds 55, not 40
  };
  for (const Case& c : cases) {
    Hdf5Writer writer(dir.path / "chunks.h5", make_axes(c.shape), {}, {}, true, c.target);
    EXPECT_EQ(writer.chunk_shape(), c.chunk);
    EXPECT_EQ(writer.chunk_points(), product(c.chunk));
    EXPECT_EQ(writer.total_points(), product(c.shape));
  }
}

// e is a chunk boundary iff it is the end of the grid or the origin of a chunk.
bool is_chunk_boundary(std::size_t e, const std::vector<std::size_t>& shape,
                       const std::vector<std::size_t>& chunk) {
  if (e == product(shape)) return true;
  const auto index = unravel(e, shape);
  for (std::size_t a = 0; a < shape.size(); ++a) {
    if (index[a] % chunk[a] != 0) return false;
  }
  return true;
}

TEST(Hdf5Writer, AlignedEndProperties) {
  const TempDir dir;
  const std::vector<std::pair<std::vector<std::size_t>, std::size_t>> grids = {
      {{5, 6, 7}, 16}, {{3, 10, 20}, 70}, {{1000}, 64}, {{2, 3, 4, 5}, 1 << 16}, {{4, 3, 5}, 4}};
  for (const auto& [shape, target] : grids) {
    Hdf5Writer writer(dir.path / "aligned.h5", make_axes(shape), {}, {}, true, target);
    const auto& chunk = writer.chunk_shape();
    const std::size_t total = writer.total_points();
    const std::size_t cp = writer.chunk_points();
    for (std::size_t begin = 0; begin < total; ++begin) {
      for (std::size_t max_count : {std::size_t{1}, std::size_t{2}, cp - 1, cp, cp + 1, 2 * cp + 3,
                                    total, std::numeric_limits<std::size_t>::max()}) {
        if (max_count == 0) continue;
        const std::size_t end = writer.aligned_end(begin, max_count);
        const std::size_t limit = max_count >= total - begin ? total : begin + max_count;
        ASSERT_GT(end, begin);
        ASSERT_LE(end, limit);
        std::size_t last_boundary = begin;
        for (std::size_t e = begin + 1; e <= limit; ++e) {
          if (is_chunk_boundary(e, shape, chunk)) last_boundary = e;
        }
        // The largest boundary that fits; begin+max_count only when none fits.
        ASSERT_EQ(end, last_boundary > begin ? last_boundary : limit)
            << "begin " << begin << " max_count " << max_count;
        if (max_count >= cp) {
          ASSERT_TRUE(is_chunk_boundary(end, shape, chunk));
        }
      }
    }
    EXPECT_THROW(writer.aligned_end(total, 1), std::out_of_range);
    EXPECT_THROW(writer.aligned_end(0, 0), std::out_of_range);
  }
}

double f64_value(std::size_t i) { return 0.25 * static_cast<double>(i) - 3.0; }
float f32_value(std::size_t i) { return 0.5f * static_cast<float>(i) + 1.0f; }
std::uint32_t u32_value(std::size_t i) { return static_cast<std::uint32_t>(7 * i + 3); }

template <class T>
void write_piece(Hdf5Writer& writer, std::size_t var, std::size_t begin, std::size_t count,
                 T (*value)(std::size_t)) {
  std::vector<T> data(count);
  for (std::size_t i = 0; i < count; ++i) data[i] = value(begin + i);
  writer.write(var, begin, count, data.data());
}

TEST(Hdf5Writer, RoundTrip3D) {
  const TempDir dir;
  const std::vector<std::size_t> shape = {5, 6, 7};
  const std::size_t total = product(shape);
  const fs::path path = dir.path / "grid.h5";
  std::vector<VariableSpec> vars = {
      {"RK[1.1,6.0]", "1", "$R_K$", DType::f64, {}, {}},
      {"dBR/dq2(B+->K+ee)[4.0]", "GeV^-2", "$dB/dq^2$", DType::f32, {}, {}},
      {"mask", "1", "constraint mask", DType::u32, {}, {}},
      {"aligned", "1", "written in aligned pieces", DType::f64, {}, {}},
      {"half", "1", "half written", DType::f32, {}, {}},
  };
  {
    Hdf5Writer writer(path, make_axes(shape), vars, {}, false, 16);
    ASSERT_EQ(writer.chunk_shape(), (std::vector<std::size_t>{1, 2, 7}));
    const std::vector<std::size_t> sizes = {1, 13, 29, 2, 43, 7, 60, 5, 50};  // unaligned
    std::size_t begin = 0;
    for (std::size_t i = 0; begin < total; ++i) {
      const std::size_t count = std::min(sizes[i % sizes.size()], total - begin);
      write_piece(writer, 0, begin, count, f64_value);
      write_piece(writer, 2, begin, count, u32_value);
      begin += count;
    }
    for (std::size_t end = total; end > 0;) {  // back to front, in pieces crossing planes
      const std::size_t count = std::min<std::size_t>(end, 37);
      write_piece(writer, 1, end - count, count, f32_value);
      end -= count;
    }
    for (std::size_t b = 0; b < total;) {
      const std::size_t end = writer.aligned_end(b, 30);
      ASSERT_TRUE(is_chunk_boundary(end, shape, writer.chunk_shape()));
      write_piece(writer, 3, b, end - b, f64_value);
      b = end;
    }
    write_piece(writer, 4, 0, total / 2, f32_value);
    EXPECT_TRUE(fs::exists(path.string() + ".partial"));
    EXPECT_FALSE(fs::exists(path));
    writer.finish();
  }
  ASSERT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path.string() + ".partial"));

  Id file(open_file(path));
  ASSERT_GE(file, 0);
  const auto rk = read_dataset<double>(file, "RK[1.1,6.0]", H5T_NATIVE_DOUBLE);
  const auto dbr = read_dataset<float>(file, "dBR_dq2(B+->K+ee)[4.0]", H5T_NATIVE_FLOAT);
  const auto mask = read_dataset<std::uint32_t>(file, "mask", H5T_NATIVE_UINT32);
  const auto aligned = read_dataset<double>(file, "aligned", H5T_NATIVE_DOUBLE);
  const auto half = read_dataset<float>(file, "half", H5T_NATIVE_FLOAT);
  ASSERT_EQ(rk.size(), total);
  ASSERT_EQ(dbr.size(), total);
  ASSERT_EQ(mask.size(), total);
  for (std::size_t i = 0; i < total; ++i) {
    ASSERT_EQ(rk[i], f64_value(i)) << i;
    ASSERT_EQ(dbr[i], f32_value(i)) << i;
    ASSERT_EQ(mask[i], u32_value(i)) << i;
    ASSERT_EQ(aligned[i], f64_value(i)) << i;
    if (i < total / 2) {
      ASSERT_EQ(half[i], f32_value(i)) << i;
    } else {
      ASSERT_TRUE(std::isnan(half[i])) << i;  // never written: fill value
    }
  }

  Id dataset(H5Dopen2(file, "RK[1.1,6.0]", H5P_DEFAULT));
  Id dcpl(H5Dget_create_plist(dataset));
  std::vector<hsize_t> chunk(3);
  ASSERT_EQ(H5Pget_chunk(dcpl, 3, chunk.data()), 3);
  EXPECT_EQ(chunk, (std::vector<hsize_t>{1, 2, 7}));
  ASSERT_EQ(H5Pget_nfilters(dcpl), 2);
  unsigned flags = 0;
  std::size_t nelmts = 1;
  unsigned level = 0;
  EXPECT_EQ(H5Pget_filter2(dcpl, 0, &flags, &nelmts, &level, 0, nullptr, nullptr),
            H5Z_FILTER_SHUFFLE);
  nelmts = 1;
  EXPECT_EQ(H5Pget_filter2(dcpl, 1, &flags, &nelmts, &level, 0, nullptr, nullptr),
            H5Z_FILTER_DEFLATE);
  EXPECT_EQ(level, 1u);  // deflate level 1 (hdf5_writer.cpp: speed over 3 % of size)
}

TEST(Hdf5Writer, ArbitraryRangesInAnyDimension) {
  const TempDir dir;
  std::mt19937 rng(12345);
  const std::vector<std::pair<std::vector<std::size_t>, std::size_t>> grids = {
      {{50}, 8}, {{7, 9}, 10}, {{4, 5, 6}, 10}, {{3, 2, 4, 1, 3, 5}, 10}, {{3, 2, 4, 1, 3, 5}, 1}};
  for (const auto& [shape, target] : grids) {
    const std::size_t total = product(shape);
    const fs::path path = dir.path / ("nd" + std::to_string(shape.size()) + ".h5");
    {
      Hdf5Writer writer(path, make_axes(shape), {{"v", "1", "v", DType::f64, {}, {}}}, {}, true,
                        target);
      for (const auto& [begin, count] : random_pieces(total, total / 3 + 1, rng)) {
        write_piece(writer, 0, begin, count, f64_value);
      }
      writer.finish();
    }
    Id file(open_file(path));
    const auto values = read_dataset<double>(file, "v", H5T_NATIVE_DOUBLE);
    ASSERT_EQ(values.size(), total);
    for (std::size_t i = 0; i < total; ++i) ASSERT_EQ(values[i], f64_value(i)) << i;
  }
}

TEST(Hdf5Writer, DimensionScalesAndAttributes) {
  const TempDir dir;
  const std::vector<std::size_t> shape = {3, 4, 2};
  const fs::path path = dir.path / "attrs.h5";
  std::vector<VariableSpec> vars = {
      {"dBR/dq2(B+->K+ee)[4.0]",
       "GeV^-2",
       "$\\mathrm{d}\\mathcal{B}/\\mathrm{d}q^2$ µ",
       DType::f64,
       {{"comment", "hello"}, {"empty", ""}},
       {}},
      {"pull", "1", "pull", DType::f32, {}, {}},
      {"mask",
       "",
       "constraint mask",
       DType::u32,
       {{"flag_meanings", "RK_1sigma RK_2sigma valid"}},
       {{"flag_masks", {1, 2, 4}}}},
  };
  FileAttributes attrs{{{"bscan_version", "0.1.0"}, {"config", "[scan]\nmodel = \"alp\"\n"}},
                       {{"seed", 42.0}}};
  {
    Hdf5Writer writer(path, make_axes(shape), vars, attrs, false);
    writer.finish();
  }
  Id file(open_file(path));
  ASSERT_GE(file, 0);
  EXPECT_EQ(read_string_attr(file, "Conventions"), "CF-1.8");
  EXPECT_EQ(read_string_attr(file, "bscan_version"), "0.1.0");
  EXPECT_EQ(read_string_attr(file, "config"), "[scan]\nmodel = \"alp\"\n");
  EXPECT_EQ(read_attr<double>(file, "seed", H5T_NATIVE_DOUBLE), std::vector<double>{42.0});
  EXPECT_EQ(read_attr<std::int32_t>(file, "bscan_complete", H5T_NATIVE_INT32),
            std::vector<std::int32_t>{1});

  std::vector<hid_t> axes;
  for (std::size_t a = 0; a < shape.size(); ++a) {
    const std::string name = "x" + std::to_string(a);
    axes.push_back(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
    EXPECT_GT(H5DSis_scale(axes.back()), 0) << name;
    EXPECT_EQ(read_string_attr(axes.back(), "units"), "GeV");
    EXPECT_EQ(read_string_attr(axes.back(), "long_name"), "axis $x_" + std::to_string(a) + "$");
    const auto values = read_dataset<double>(file, name, H5T_NATIVE_DOUBLE);
    EXPECT_EQ(values, make_axes(shape)[a].values);
  }
  for (const VariableSpec& var : vars) {
    Id dataset(H5Dopen2(file, Hdf5Writer::dataset_name(var.id).c_str(), H5P_DEFAULT));
    ASSERT_GE(dataset, 0) << var.id;
    for (unsigned a = 0; a < axes.size(); ++a) {
      EXPECT_GT(H5DSis_attached(dataset, axes[a], a), 0) << var.id << " dim " << a;
    }
    EXPECT_EQ(read_string_attr(dataset, "bscan_id"), var.id);
    EXPECT_EQ(read_string_attr(dataset, "units"), var.units);
    EXPECT_EQ(read_string_attr(dataset, "long_name"), var.long_name);
    for (const auto& [key, value] : var.string_attrs) {
      EXPECT_EQ(read_string_attr(dataset, key), value);
    }
    for (const auto& [key, values] : var.u32_attrs) {
      Id attr(H5Aopen(dataset, key.c_str(), H5P_DEFAULT));
      Id type(H5Aget_type(attr));
      EXPECT_GT(H5Tequal(type, H5T_STD_U32LE), 0);
      EXPECT_EQ(read_attr<std::uint32_t>(dataset, key, H5T_NATIVE_UINT32), values);
    }
    if (var.dtype == DType::u32) {
      EXPECT_EQ(H5Aexists(dataset, "_FillValue"), 0);
    } else {
      const auto fill = read_attr<double>(dataset, "_FillValue", H5T_NATIVE_DOUBLE);
      ASSERT_EQ(fill.size(), 1u);
      EXPECT_TRUE(std::isnan(fill[0]));
    }
  }
  for (hid_t axis : axes) H5Dclose(axis);
}

TEST(Hdf5Writer, DestroyWithoutFinishRemovesPartial) {
  const TempDir dir;
  const fs::path path = dir.path / "unfinished.h5";
  {
    Hdf5Writer writer(path, make_axes({4, 4}), {{"v", "1", "v", DType::f64, {}, {}}}, {}, false);
    write_piece(writer, 0, 0, 5, f64_value);
    EXPECT_TRUE(fs::exists(path.string() + ".partial"));
  }
  EXPECT_FALSE(fs::exists(path.string() + ".partial"));
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(dir.path));
  EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Hdf5Writer, RefusesToOverwriteExistingFile) {
  const TempDir dir;
  const fs::path path = dir.path / "existing.h5";
  write_text(path, "keep me");
  try {
    Hdf5Writer writer(path, make_axes({3}), {}, {}, false);
    FAIL() << "expected OutputError";
  } catch (const OutputError& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
  EXPECT_EQ(read_text(path), "keep me");
  EXPECT_FALSE(fs::exists(path.string() + ".partial"));
}

TEST(Hdf5Writer, OverwriteReplacesOnlyOnFinish) {
  const TempDir dir;
  const fs::path path = dir.path / "existing.h5";
  write_text(path, "old");
  {
    Hdf5Writer writer(path, make_axes({3}), {{"v", "1", "v", DType::f64, {}, {}}}, {}, true);
    write_piece(writer, 0, 0, 3, f64_value);
    EXPECT_EQ(read_text(path), "old");
    writer.finish();
  }
  Id file(open_file(path));
  ASSERT_GE(file, 0);
  EXPECT_EQ(read_dataset<double>(file, "v", H5T_NATIVE_DOUBLE),
            (std::vector<double>{f64_value(0), f64_value(1), f64_value(2)}));
}

TEST(Hdf5Writer, MissingDirectoryIsOutputError) {
  const TempDir dir;
  const fs::path path = dir.path / "no" / "such" / "dir" / "out.h5";
  try {
    Hdf5Writer writer(path, make_axes({3}), {}, {}, false);
    FAIL() << "expected OutputError";
  } catch (const OutputError& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
}

TEST(Hdf5Writer, UnwritableDirectoryIsOutputError) {
  const TempDir dir;
  if (geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  const fs::path locked = dir.path / "locked";
  fs::create_directory(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(Hdf5Writer(locked / "out.h5", make_axes({3}), {}, {}, false), OutputError);
  fs::permissions(locked, fs::perms::owner_all);
}

TEST(Hdf5Writer, CreateFailureIsOutputError) {
  const TempDir dir;
  const fs::path path = dir.path / "out.h5";
  fs::create_directory(path.string() + ".partial");  // HDF5 cannot create a file there
  try {
    Hdf5Writer writer(path, make_axes({3}), {}, {}, false);
    FAIL() << "expected OutputError";
  } catch (const OutputError& error) {
    std::cout << "error message: " << error.what() << "\n";
    EXPECT_NE(std::string(error.what()).find(path.string() + ".partial"), std::string::npos);
  }
  EXPECT_TRUE(fs::is_directory(path.string() + ".partial"));  // not ours: left alone
}

TEST(Hdf5Writer, MisuseIsRejected) {
  const TempDir dir;
  Hdf5Writer writer(dir.path / "misuse.h5", make_axes({3}), {{"v", "1", "v", DType::f64, {}, {}}},
                    {}, false);
  const double data[4] = {};
  EXPECT_THROW(writer.write(1, 0, 1, data), std::out_of_range);
  EXPECT_THROW(writer.write(0, 2, 2, data), std::out_of_range);
  writer.finish();
  EXPECT_THROW(writer.write(0, 0, 1, data), std::logic_error);
  EXPECT_THROW(writer.finish(), std::logic_error);
  EXPECT_THROW(Hdf5Writer(dir.path / "x.h5", {}, {}, {}, false), std::invalid_argument);
  EXPECT_THROW(
      Hdf5Writer(dir.path / "x.h5", make_axes({3}),
                 {{"a/b", "", "", DType::f64, {}, {}}, {"a_b", "", "", DType::f64, {}, {}}}, {},
                 false),
      std::invalid_argument);
  EXPECT_FALSE(fs::exists(dir.path / "x.h5.partial"));
}

// Makes writes beyond `bytes` fail with EFBIG, the same failure path as a full disk (ENOSPC).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{bytes, old_.rlim_max};
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit old_{};
  void (*old_handler_)(int) = nullptr;
};

// Writes incompressible data with file growth capped at `cap` bytes, or, when cap is 0, capped
// at the file's size just before finish(); returns the OutputError message.
std::string write_with_capped_file_size(const fs::path& path, rlim_t cap) {
  const std::vector<std::size_t> shape = {100, 1000};
  std::mt19937_64 rng(7);
  std::vector<double> noise(product(shape));
  for (double& x : noise) x = std::uniform_real_distribution<double>()(rng);
  Hdf5Writer writer(path, make_axes(shape), {{"v", "1", "v", DType::f64, {}, {}}}, {}, false, 4096);
  // Lifted before the writer is destroyed: the limit applies to every file, memfd included.
  std::optional<FileSizeLimit> limit;
  if (cap > 0) limit.emplace(cap);
  try {
    for (std::size_t begin = 0; begin < noise.size();) {
      const std::size_t end = writer.aligned_end(begin, 10000);
      writer.write(0, begin, end - begin, noise.data() + begin);
      begin = end;
    }
    if (cap == 0) limit.emplace(fs::file_size(path.string() + ".partial"));
    writer.finish();
  } catch (const OutputError& error) {
    return error.what();
  }
  return "no error";
}

TEST(Hdf5Writer, WriteFailureIsOutputErrorAndPartialIsRemoved) {
  for (const rlim_t cap : {rlim_t{256 * 1024}, rlim_t{0}}) {
    const TempDir dir;
    const fs::path path = dir.path / "full.h5";
    const std::string message = write_with_capped_file_size(path, cap);
    std::cout << "error message: " << message << "\n";
    EXPECT_NE(message.find(path.string() + ".partial"), std::string::npos) << message;
    EXPECT_NE(message.find(cap ? "writing points" : "flushing file"), std::string::npos) << message;
    EXPECT_NE(message.find("File too large"), std::string::npos) << message;
    EXPECT_FALSE(fs::exists(path.string() + ".partial"));
    EXPECT_FALSE(fs::exists(path));
    // Really closed: HDF5 1.10 keeps a dangling ID (and crashes at exit) when closing a file fails.
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
  }
}

TEST(Hdf5Writer, XarrayOpens) {
  const TempDir dir;
  const fs::path python = "/usr/bin/python3";
  if (!fs::exists(python)) GTEST_SKIP() << "no " << python;
  const fs::path path = dir.path / "xr.h5";
  std::vector<AxisSpec> axes = {
      {"m_a", "GeV", "$m_a$", {0.1, 0.2, 0.5, 1.0, 2.0}},
      {"c_sb_plus", "1", "$c_{sb}^+$", {-1.0, -0.5, 0.5, 1.0}},
  };
  std::vector<VariableSpec> vars = {
      {"RK[1.1,6.0]", "1", "$R_K$ in $[1.1, 6.0]\\,\\mathrm{GeV}^2$", DType::f64, {}, {}},
      {"dBR/dq2(B+->K+ee)[4.0]",
       "GeV^-2",
       "$\\mathrm{d}\\mathcal{B}/\\mathrm{d}q^2$",
       DType::f32,
       {},
       {}},
      {"mask",
       "",
       "constraint mask",
       DType::u32,
       {{"flag_meanings", "RK_1sigma RK_2sigma"}},
       {{"flag_masks", {1, 2}}}},
  };
  {
    Hdf5Writer writer(path, axes, vars, {{{"bscan_version", "0.1.0"}}, {{"seed", 1.0}}}, false, 6);
    write_piece(writer, 0, 0, 20, f64_value);
    write_piece(writer, 1, 3, 11, f32_value);  // the rest stays NaN
    write_piece(writer, 2, 0, 20, u32_value);
    writer.finish();
  }
  const std::string command =
      python.string() + " " BSCAN_SOURCE_DIR "/tests/python/check_xarray.py " + path.string() +
      R"( '{"dims": {"m_a": 5, "c_sb_plus": 4}, "units": {"m_a": "GeV",)"
      R"( "c_sb_plus": "1", "dBR_dq2(B+->K+ee)[4.0]": "GeV^-2"},)"
      R"( "attrs": {"Conventions": "CF-1.8", "bscan_complete": 1}}')";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << command;
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "xarray not available";
  EXPECT_EQ(WEXITSTATUS(status), 0) << command;
}

}  // namespace
}  // namespace bscan
