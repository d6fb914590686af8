// The bscan command line (run, point, validate, plot, list) as a function, so that a program with
// extra models (register_model.hpp) can offer the same commands.
#pragma once

namespace bscan::cli {

int main(int argc, char** argv);

}  // namespace bscan::cli
