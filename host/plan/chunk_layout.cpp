#include "host/plan/chunk_layout.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace bscan {
namespace {

std::vector<std::size_t> chunk_shape_for(const std::vector<std::size_t>& grid, std::size_t target) {
  std::vector<std::size_t> result(grid.size(), 1);
  std::size_t points = 1;
  for (std::size_t a = grid.size(); a-- > 0;) {
    if (points * grid[a] <= target) {
      result[a] = grid[a];
      points *= grid[a];
      continue;
    }
    // Fewest chunks along this axis, each as small as that allows: no sliver of an edge chunk.
    const std::size_t most = std::max<std::size_t>(target / points, 1);
    const std::size_t pieces = (grid[a] + most - 1) / most;
    result[a] = (grid[a] + pieces - 1) / pieces;
    break;
  }
  return result;
}

}  // namespace

ChunkLayout::ChunkLayout(std::vector<std::size_t> shape, std::size_t target_points)
    : shape_(shape.empty() ? std::vector<std::size_t>{1} : std::move(shape)),
      chunk_(chunk_shape_for(shape_, std::max<std::size_t>(target_points, 1))) {
  for (std::size_t a = 0; a < shape_.size(); ++a) {
    total_ *= shape_[a];
    chunk_total_ *= chunk_[a];
  }
  while (run_axis_ + 1 < shape_.size() && chunk_[run_axis_] == 1) ++run_axis_;
  for (std::size_t a = run_axis_ + 1; a < shape_.size(); ++a) run_inner_ *= shape_[a];
}

std::size_t ChunkLayout::chunk_floor(std::size_t pos) const {
  const std::size_t block = shape_[run_axis_] * run_inner_;
  const std::size_t step = (pos % block) / run_inner_;
  return pos - pos % block + step / chunk_[run_axis_] * chunk_[run_axis_] * run_inner_;
}

std::size_t ChunkLayout::aligned_end(std::size_t begin, std::size_t max_count) const {
  if (begin >= total_ || max_count == 0) {
    throw std::out_of_range("aligned_end: begin " + std::to_string(begin) + " of " +
                            std::to_string(total_) + " points, max_count " +
                            std::to_string(max_count));
  }
  if (max_count >= total_ - begin) return total_;
  const std::size_t limit = begin + max_count;
  const std::size_t boundary = chunk_floor(limit);
  return boundary > begin ? boundary : limit;
}

}  // namespace bscan
