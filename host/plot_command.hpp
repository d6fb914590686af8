// `bscan plot`: runs the plotting program host/plot/bscan_plot.py (Python 3, matplotlib, h5py).
#pragma once
#include <string>
#include <vector>

namespace bscan {

// Runs python3 on the script with `args` and returns its exit status. The script
// is $BSCAN_PLOT_SCRIPT, else the source tree's host/plot/bscan_plot.py.
int run_plot(const std::vector<std::string>& args);

}  // namespace bscan
