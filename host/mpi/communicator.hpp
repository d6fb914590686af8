// The ranks of a run: MPI_COMM_WORLD in a build with MPI (-DBSCAN_MPI=ON) started by mpirun or
// srun, else one rank. Every collective is a no-op on one rank, so the serial path is the
// one-rank case of the parallel one (communicator_mpi.cpp, communicator_serial.cpp).
#pragma once
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace bscan {

class Communicator {
 public:
  // The world of this process (one rank unless MpiSession initialised MPI with several).
  static const Communicator& world();

  int rank() const { return rank_; }
  int size() const { return size_; }
  int node_rank() const { return node_rank_; }  // among the ranks of this node
  int node_size() const { return node_size_; }
  bool parallel() const { return size_ > 1; }
  // The MPI_Comm (as a pointer to it) for HDF5's MPI-IO driver; null on one rank.
  const void* native() const { return native_; }

  // Collectives: every rank calls them, in the same order.
  void barrier() const;
  long long sum(long long x) const;
  double sum(double x) const;
  void sum(std::vector<long long>& x) const;  // element-wise, result on every rank
  double max(double x) const;
  double min(double x) const;
  // Rank 0's value on every rank.
  bool from_root(bool x) const;
  std::string from_root(const std::string& s) const;
  // Every rank's ranges (begin, count), concatenated in rank order.
  std::vector<std::pair<long long, long long>> gather_all(
      const std::vector<std::pair<long long, long long>>& ranges) const;

  // The first failure among the ranks, rethrown on every rank with its message (same error
  // type: InputError, ResumeMismatch, OutputError or another std::runtime_error; prefixed "rank R:
  // " when it was not rank 0's). Ranks agree this way before any step that all of them must take.
  void agree(std::exception_ptr local) const;

  // Ends every rank of the job now (MPI_Abort): for a failure on one rank while the others may
  // wait in a collective. Prints the message first. On one rank: std::exit(code).
  [[noreturn]] void abort(const std::string& message, int code) const;

  Communicator() = default;
  Communicator(int rank, int size, int node_rank, int node_size, const void* native)
      : rank_(rank), size_(size), node_rank_(node_rank), node_size_(node_size), native_(native) {}

 private:
  int rank_ = 0, size_ = 1, node_rank_ = 0, node_size_ = 1;
  const void* native_ = nullptr;
};

// MPI for the life of the object (MPI builds: MPI_Init_thread with MPI_THREAD_SERIALIZED, as the
// executor's writer thread makes the HDF5 calls; MPI_Finalize at the end). Serial builds: nothing.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

}  // namespace bscan
