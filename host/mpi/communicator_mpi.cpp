// MPI_COMM_WORLD (the build with -DBSCAN_MPI=ON).
#include <fmt/format.h>
#include <mpi.h>

#include <cstdio>
#include <cstdlib>

#include "host/errors.hpp"
#include "host/mpi/communicator.hpp"

namespace bscan {
namespace {

MPI_Comm g_world = MPI_COMM_NULL;  // set by MpiSession
Communicator g_communicator;       // one rank until MpiSession says otherwise

void check(int status, const char* what) {
  if (status != MPI_SUCCESS) throw std::runtime_error(fmt::format("MPI: {} failed", what));
}

// The kinds of error agree() carries between ranks.
enum ErrorKind : int { kNone = 0, kInput = 1, kOutput = 2, kOther = 3, kResume = 4 };

std::pair<int, std::string> classify(std::exception_ptr error) {
  if (!error) return {kNone, ""};
  try {
    std::rethrow_exception(error);
  } catch (const ResumeMismatch& e) {
    return {kResume, e.what()};
  } catch (const InputError& e) {
    return {kInput, e.what()};
  } catch (const OutputError& e) {
    return {kOutput, e.what()};
  } catch (const std::exception& e) {
    return {kOther, e.what()};
  }
  return {kOther, "unknown error"};
}

}  // namespace

const Communicator& Communicator::world() { return g_communicator; }

void Communicator::barrier() const {
  if (parallel()) check(MPI_Barrier(g_world), "MPI_Barrier");
}

long long Communicator::sum(long long x) const {
  if (parallel()) check(MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_LONG_LONG, MPI_SUM, g_world), "sum");
  return x;
}

double Communicator::sum(double x) const {
  if (parallel()) check(MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_SUM, g_world), "sum");
  return x;
}

void Communicator::sum(std::vector<long long>& x) const {
  if (parallel() && !x.empty())
    check(MPI_Allreduce(MPI_IN_PLACE, x.data(), static_cast<int>(x.size()), MPI_LONG_LONG, MPI_SUM,
                        g_world),
          "sum");
}

double Communicator::max(double x) const {
  if (parallel()) check(MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_MAX, g_world), "max");
  return x;
}

double Communicator::min(double x) const {
  if (parallel()) check(MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_MIN, g_world), "min");
  return x;
}

bool Communicator::from_root(bool x) const {
  int v = x ? 1 : 0;
  if (parallel()) check(MPI_Bcast(&v, 1, MPI_INT, 0, g_world), "broadcast");
  return v != 0;
}

std::string Communicator::from_root(const std::string& s) const {
  if (!parallel()) return s;
  long long n = static_cast<long long>(s.size());
  check(MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, g_world), "broadcast");
  std::string out = rank_ == 0 ? s : std::string(static_cast<std::size_t>(n), '\0');
  check(MPI_Bcast(out.data(), static_cast<int>(n), MPI_CHAR, 0, g_world), "broadcast");
  return out;
}

std::vector<std::pair<long long, long long>> Communicator::gather_all(
    const std::vector<std::pair<long long, long long>>& ranges) const {
  if (!parallel()) return ranges;
  std::vector<long long> mine;
  for (const auto& [b, c] : ranges) mine.insert(mine.end(), {b, c});
  int n = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<std::size_t>(size_)), offsets(counts.size());
  check(MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, g_world), "gather");
  int total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r)
    offsets[r] = std::exchange(total, total + counts[r]);
  std::vector<long long> all(static_cast<std::size_t>(total));
  check(MPI_Allgatherv(mine.data(), n, MPI_LONG_LONG, all.data(), counts.data(), offsets.data(),
                       MPI_LONG_LONG, g_world),
        "gather");
  std::vector<std::pair<long long, long long>> out;
  for (std::size_t i = 0; i + 1 < all.size(); i += 2) out.emplace_back(all[i], all[i + 1]);
  return out;
}

void Communicator::agree(std::exception_ptr local) const {
  if (!parallel()) {
    if (local) std::rethrow_exception(local);
    return;
  }
  int first = local ? rank_ : size_;
  check(MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, g_world), "agree");
  if (first == size_) return;
  auto [kind, message] = classify(local);
  int k = kind;
  long long n = static_cast<long long>(message.size());
  check(MPI_Bcast(&k, 1, MPI_INT, first, g_world), "agree");
  check(MPI_Bcast(&n, 1, MPI_LONG_LONG, first, g_world), "agree");
  message.resize(static_cast<std::size_t>(n));
  check(MPI_Bcast(message.data(), static_cast<int>(n), MPI_CHAR, first, g_world), "agree");
  if (first != 0) message = fmt::format("rank {}: {}", first, message);
  if (k == kResume) throw ResumeMismatch(message);
  if (k == kInput) throw InputError(message);
  if (k == kOutput) throw OutputError(message);
  throw std::runtime_error(message);
}

void Communicator::abort(const std::string& message, int code) const {
  fmt::print(stderr, "bscan: error: {}{}\n", parallel() ? fmt::format("rank {}: ", rank_) : "",
             message);
  std::fflush(stderr);
  if (parallel()) MPI_Abort(g_world, code);
  std::exit(code);
}

MpiSession::MpiSession(int& argc, char**& argv) {
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
    fmt::print(stderr, "bscan: error: MPI_Init_thread failed\n");
    std::exit(1);
  }
  g_world = MPI_COMM_WORLD;
  int rank = 0, size = 1, node_rank = 0, node_size = 1;
  MPI_Comm_rank(g_world, &rank);
  MPI_Comm_size(g_world, &size);
  MPI_Comm node;
  MPI_Comm_split_type(g_world, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &node_rank);
  MPI_Comm_size(node, &node_size);
  MPI_Comm_free(&node);
  if (size > 1 && provided < MPI_THREAD_SERIALIZED) {
    if (rank == 0)
      fmt::print(stderr,
                 "bscan: error: this MPI library does not allow calls from a second thread "
                 "(MPI_THREAD_SERIALIZED), which bscan's writer thread needs\n");
    MPI_Finalize();
    std::exit(1);
  }
  g_communicator = Communicator(rank, size, node_rank, node_size, &g_world);
}

MpiSession::~MpiSession() {
  g_communicator = Communicator();
  MPI_Finalize();
}

}  // namespace bscan
