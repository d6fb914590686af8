// Where finished chunks go: the executor hands every chunk of a slab, in order, to its sinks (on
// its writer thread); the run finishes them after its last slab. The HDF5 file is one sink, the
// flag summary another, a test's collector a third.
#pragma once
#include <cstdint>
#include <vector>

namespace bscan {

// The results of the flat points [begin, begin + count): observables [o * count + i] (the
// user's first), pulls [k * count + i], flag words [w * count + i].
struct Chunk {
  long long begin = 0, count = 0;
  std::vector<double> values;
  std::vector<float> pulls;
  std::vector<std::uint32_t> flags;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void consume(const Chunk& chunk) = 0;
  // After the last chunk of a complete run (never after a failure).
  virtual void finish() {}
};

}  // namespace bscan
