// bscan command line: run, point, validate, list.
#include "host/cli/main.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "host/cli/covariance_command.hpp"
#include "host/cli/plot_command.hpp"
#include "host/cli/point_command.hpp"
#include "host/cli/run_command.hpp"
#include "host/config/presets.hpp"
#include "host/errors.hpp"
#include "host/model/model_registry.hpp"
#include "host/mpi/communicator.hpp"
#include "host/output/hdf5_writer.hpp"
#include "host/plan/observables.hpp"

namespace {

constexpr int kMaxThreads = 1024;  // more than any node has cores; libgomp fails far beyond
constexpr int kMaxDevice = 1023;

void print_list(const std::string& what, const std::string& model_name) {
  using namespace bscan;
  if (what == "presets") {
    for (const Preset& p : all_presets())
      fmt::print("{:<18} [{}] {} ({} observables)\n", p.name, p.model, p.description,
                 p.observables.size());
    return;
  }
  if (what == "models") {
    for (const ModelInfo& m : all_models()) fmt::print("{:<8} {}\n", m.name, m.description);
    return;
  }
  if (!model_name.empty()) find_model(model_name);  // an unknown name: InputError, known ones
  for (const ModelInfo& m : all_models()) {
    if (!model_name.empty() && m.name != model_name) continue;
    fmt::print("{}:\n", m.name);
    if (what == "parameters") {
      for (const ParamInfo& p : m.params) {
        const std::string def = p.replaces.empty() ? fmt::format("default {}", p.default_value)
                                                   : fmt::format("unset: replaces {}", p.replaces);
        fmt::print("  {:<16} [{}] {}  {}\n", p.name, p.unit, def, p.description);
      }
    } else {
      for (const std::string& line : observable_grammar(m)) fmt::print("  {}\n", line);
    }
  }
}

// The first argument that is not an option must name a command (CLI11 would only say that one
// is required).
void check_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2) return;
  const std::string first = argv[1];
  if (first[0] == '-' && first != "-h" && first != "--help" && first != "--version")
    throw bscan::InputError(fmt::format(
        "unknown option '{}': options follow the command (bscan COMMAND [OPTIONS]; see `bscan "
        "--help`)",
        first));
  if (first[0] == '-') return;
  std::string names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == first) return;
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  throw bscan::InputError(
      fmt::format("unknown command '{}' (commands: {}; see `bscan --help`)", first, names));
}

}  // namespace

int bscan::cli::main(int argc, char** argv) {
  auto log = spdlog::stderr_color_mt("bscan");
  spdlog::set_default_logger(log);
  spdlog::set_pattern("bscan: %^%l%$: %v");
  // Several ranks: rank 0 speaks for all (they agree on every error before a collective step; a
  // failure on one rank during the scan is printed by that rank as it ends the job).
  if (bscan::Communicator::world().rank() != 0) spdlog::set_level(spdlog::level::off);

  CLI::App app{"bscan: GPU-accelerated scans of light new particles in b -> s l l"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(BSCAN_VERSION) + " (" + BSCAN_GIT_HASH + ")");

  bscan::RunOptions run;
  bool progress = false;
  std::string out_path, backend = "auto";
  CLI::App* cmd_run = app.add_subcommand("run", "run the scan of a config file, write HDF5");
  cmd_run->add_option("config", run.config, "scan config (TOML)")->required();
  CLI::Option* out_opt =
      cmd_run->add_option("-o,--output", out_path, "output file (overrides the config's `output`)");
  cmd_run->add_option("--backend", backend, "auto | cuda | cpu")
      ->check(CLI::IsMember({"auto", "cuda", "cpu"}));
  cmd_run->add_option("--threads", run.threads, "CPU threads (0: all)")
      ->check(CLI::Range(0, kMaxThreads));
  cmd_run->add_option("--device", run.device, "GPU index for the CUDA backend (default 0)")
      ->check(CLI::Range(0, kMaxDevice));
  cmd_run->add_flag("--overwrite", run.overwrite, "replace an existing output file");
  cmd_run->add_flag("--resume", run.resume,
                    "continue OUTPUT.partial, left by an interrupted run of the same config");
  cmd_run->add_flag("--no-space-check{false}", run.space_check,
                    "start even when the output's uncompressed size exceeds the free space");
  cmd_run->add_flag("--progress", progress, "progress on stderr even when it is not a terminal");

  bscan::cli::PointOptions point;
  CLI::App* cmd_point = app.add_subcommand("point", "observables at one parameter point");
  cmd_point->add_option("--model", point.model, "model name")->required();
  cmd_point->add_option("--set", point.sets, "parameter NAME=VALUE (repeatable)");
  cmd_point->add_option("--observable", point.observables, "observable id (repeatable)");
  cmd_point->add_option("--preset", point.presets, "named observable list (repeatable)");
  cmd_point->add_option("--physics", point.physics, "physics data set (data/parameters/NAME.toml)");
  cmd_point->add_option("--measurements", point.measurements,
                        "measurement set for pulls and flags (default paper-2021; none: off)");
  cmd_point->add_option("--only", point.only, "only these entries of the set (NAME,NAME,...)")
      ->delimiter(',');
  cmd_point->add_flag("--json", point.json, "print one JSON object");

  bscan::cli::CovarianceOptions cov;
  CLI::App* cmd_cov = app.add_subcommand(
      "covariance", "SM covariance of observables, sampled over the nuisance parameters");
  cmd_cov->add_option("observables", cov.observables, "observable ids");
  cmd_cov->add_option("--measurements", cov.measurements,
                      "also every observable this measurement set measures");
  cmd_cov->add_option("--model", cov.model, "model whose quantities may be named (default wet)");
  cmd_cov->add_option("--physics", cov.physics, "physics data set (data/parameters/NAME.toml)");
  cmd_cov->add_option("--samples", cov.samples, "draws of the nuisance parameters (default 1000)")
      ->check(CLI::Range(2, 1000000));
  cmd_cov->add_option("--seed", cov.seed,
                      "seed of the draws (default 20261207): a conclusion should not move with it");
  cmd_cov->add_flag("--json", cov.json, "print one JSON object");

  CLI::App* cmd_plot = app.add_subcommand(
      "plot", "draw the allowed regions of a scan file: OUT.h5 [-o FIG.png|pdf] [--x NAME] ...");
  cmd_plot->prefix_command();  // everything after `plot` goes to the plotting program
  cmd_plot->set_help_flag();   // so does --help

  std::string validate_path;
  CLI::App* cmd_validate = app.add_subcommand("validate", "check a config without running it");
  cmd_validate->add_option("config", validate_path, "scan config (TOML)")->required();

  std::string list_what, list_model;
  CLI::App* cmd_list = app.add_subcommand("list", "list models, parameters or observables");
  cmd_list->add_option("what", list_what, "models | parameters | observables | presets")
      ->required()
      ->check(CLI::IsMember({"models", "parameters", "observables", "presets"}));
  cmd_list->add_option("--model", list_model, "only this model");

  try {
    check_command(app, argc, argv);
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {  // --help and --version are "errors" with exit code 0
    if (e.get_exit_code() == 0) return app.exit(e);
    spdlog::error("{}; see `bscan {}--help`", e.what(),
                  argc > 1 && argv[1][0] != '-' ? std::string(argv[1]) + " " : "");
    return 2;
  } catch (const bscan::InputError& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  try {
    if (*cmd_run) {
      if (out_opt->count() > 0 && out_path.empty())
        throw bscan::InputError("-o/--output: the output path is empty");
      if (!out_path.empty()) run.output = out_path;
      run.backend = backend == "cuda"  ? bscan::BackendChoice::cuda
                    : backend == "cpu" ? bscan::BackendChoice::cpu
                                       : bscan::BackendChoice::automatic;
      return bscan::cli::run(run, progress);
    } else if (*cmd_point) {
      fmt::print("{}\n", bscan::cli::point(point));
    } else if (*cmd_cov) {
      fmt::print("{}\n", bscan::cli::covariance(cov));
    } else if (*cmd_validate) {
      return bscan::cli::validate(validate_path);
    } else if (*cmd_plot) {
      return bscan::run_plot(cmd_plot->remaining());
    } else if (*cmd_list) {
      print_list(list_what, list_model);
    }
  } catch (const bscan::InputError& e) {
    spdlog::error("{}", e.what());
    return 2;
  } catch (const bscan::Interrupted& e) {
    spdlog::error("{}", e.what());
    return 128 + e.signal;
  } catch (const bscan::OutputError& e) {
    spdlog::error("{}", e.what());
    return 3;
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return 1;
  }
  return 0;
}
