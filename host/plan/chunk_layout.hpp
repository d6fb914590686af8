// How a C-order grid is cut into chunks: the HDF5 chunk shape of every output variable, and the
// flat index ranges the executor evaluates and slabs are made of (every chunk is one contiguous
// flat range).
#pragma once
#include <cstddef>
#include <vector>

namespace bscan {

class ChunkLayout {
 public:
  // Trailing axes are taken whole while the chunk stays within target_points; the next axis gets
  // the smallest extent that needs no more chunks along it than the largest extent that fits;
  // the remaining leading axes get 1. No axes: one point.
  ChunkLayout(std::vector<std::size_t> shape, std::size_t target_points);

  std::size_t total_points() const { return total_; }
  std::size_t chunk_points() const { return chunk_total_; }
  const std::vector<std::size_t>& chunk_shape() const { return chunk_; }

  // Largest chunk boundary <= flat index pos (< total_points()).
  std::size_t chunk_floor(std::size_t pos) const;
  // For begin < total_points() and max_count > 0: the largest end <= begin+max_count on a chunk
  // boundary or at the end of the grid; begin+max_count when there is none (max_count smaller
  // than a chunk). Throws std::out_of_range otherwise.
  std::size_t aligned_end(std::size_t begin, std::size_t max_count) const;

 private:
  std::vector<std::size_t> shape_, chunk_;
  std::size_t total_ = 1, chunk_total_ = 1;
  std::size_t run_axis_ = 0;   // outermost axis with chunk extent > 1 (or 0)
  std::size_t run_inner_ = 1;  // flat size of one step along run_axis
};

}  // namespace bscan
