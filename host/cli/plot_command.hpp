// `bscan plot`: runs the plotting program host/plot/bscan_plot.py (Python 3, matplotlib, h5py).
#pragma once
#include <string>
#include <vector>

namespace bscan {

// Runs Python on the script with `args` and returns its exit status. The script is
// $BSCAN_PLOT_SCRIPT, else the source tree's host/plot/bscan_plot.py; the interpreter
// $BSCAN_PYTHON, else /usr/bin/python3, else python3 on PATH.
int run_plot(const std::vector<std::string>& args);

}  // namespace bscan
