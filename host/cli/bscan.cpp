// The bscan executable: the command line over the library's models.
#include <hdf5.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include "host/cli/main.hpp"
#include "host/mpi/communicator.hpp"

int main(int argc, char** argv) {
  // OpenMP threads that wait should sleep, not spin: the HDF5 writer thread shares their cores
  // (on 2 cores, 20-25 % faster maps; bench/RESULTS.md). libgomp reads OMP_WAIT_POLICY when it
  // is loaded, so bscan sets it (unless the user did) and starts itself again, once.
  if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
    setenv("OMP_WAIT_POLICY", "passive", 1);
    execv("/proc/self/exe", argv);  // returns only on failure: then run as we are
  }
  // Past a file size limit (ulimit -f) a write fails with EFBIG, reported as any full disk,
  // instead of the signal ending the process.
  std::signal(SIGXFSZ, SIG_IGN);
  // No HDF5 cleanup at exit: a file whose flush failed (disk full) cannot be closed, and HDF5 1.10
  // would crash or loop on it then; finished files are closed before they are renamed.
  H5dont_atexit();
  const bscan::MpiSession mpi(argc, argv);  // several ranks under mpirun/srun (MPI builds)
  return bscan::cli::main(argc, argv);
}
