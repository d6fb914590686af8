#!/usr/bin/env python3
"""Draw the solution and exclusion regions of a bscan scan file (the program behind `bscan plot`).

Usage: bscan_plot.py FILE.h5 [-o OUT.png|OUT.pdf] [--x NAME] [--y NAME] [--solutions A,B]
                     [--exclusions X,Y] [--select NAME=INDEX ...] [--title T] [--dpi N] [--overwrite]
       bscan_plot.py FILE.h5 --observable NAME [--x NAME] [--y NAME] [--select NAME=INDEX ...]
                     [-o OUT] (a colour map of one stored observable, or a line with one axis left;
                     what a file without flags gets)
       bscan_plot.py FILE.h5 [FILE.h5 ...] --curves OBS[,OBS] [--x NAME] [--data SET] [-o OUT]
                     (1-D curves of stored observables with a measurement set's data points;
                     bscan_curves.py)

The input is the HDF5 (netCDF-4/CF) file that `bscan run` writes:
  /<axis>          float64 (n)       one per scanned parameter, a dimension scale; attrs `units`,
                                     `long_name` (LaTeX without dollar signs)
  /flags, /flags_1, ...  uint32 (grid)  CF flag variables: attrs `flag_masks` (one bit per flag)
                                     and `flag_meanings` (space-separated names); a set bit passes
  /<observable>    float (grid)      one per stored observable (bscan id in attr `bscan_id`, '/'
                                     written '_'); attrs `units`, `long_name` (LaTeX); NaN where
                                     not computed
  /pull_<NAME>, /bscan_chunks_done   ignored here (pulls; a resumable run's bookkeeping)
  global attrs: `bscan_complete` = 1 (required), `bscan_config` (the scan's TOML text)
Gridded datasets have the axes as dimensions in the order of the config's [[axes]].

Flag names give the roles: `solves_<A>_1s` / `solves_<A>_2s` (anomaly A explained at 1σ / 2σ),
`<B>_1s` / `<B>_2s` (bound B allowed), `<V>` (validity condition V holds), `allowed_2s` (all of
them; not drawn). Solutions are drawn green (1σ) and yellow (2σ); exclusions (bound failing at 2σ,
validity condition failing) as grey regions outlined in black. A bound may also be named as a
solution (e.g. DeltaMs, paper 000 Fig. 3a): its `<B>_1s` / `<B>_2s` regions, where the bound is
satisfied, are then drawn green / yellow. The config's optional [plot] table
(title, x, y, solutions, exclusions, styles, colors, benchmarks, xlabel, ylabel) sets defaults
that the command-line options override.

With --observable NAME (a bscan id or dataset name), or when the file has no flag datasets, the
plot shows a stored observable instead (by default the first of the config's `observables` that
the file holds): on the (x, y) plane a colour map with a colour bar and labelled contour lines (a
log colour scale when the observable is positive and spans LOG_DECADES decades or more), blank
where it is NaN; with one axis left by --select, a line against x.

With --chi2 GROUP (or [plot] chi2 = "GROUP") it draws the confidence regions of a chi2 group of
the measurement set: Delta chi2 against the plane's minimum (the best-fit point, a star) filled
at 1, 2 and 3 sigma for as many parameters as the plot has axes (2.30, 6.18, 11.83 on a plane;
1, 4, 9 on a line), cells without a prediction (NaN) hatched.

Errors print one line `bscan plot: error: ...` on stderr and exit with status 2.
"""
import argparse
import os
import re
import sys
import tomllib
from dataclasses import dataclass

PREFIX = "bscan plot: error: "

try:
    import contourpy
    import h5py
    import matplotlib
    import numpy as np
except ImportError as missing:
    print(f"{PREFIX}{sys.executable} lacks the module {missing.name} (Debian: apt-get install "
          "python3-h5py python3-matplotlib)", file=sys.stderr)
    sys.exit(2)

matplotlib.use("Agg")
import matplotlib.colors  # noqa: E402
import matplotlib.mathtext  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

# (1σ, 2σ) colours of the solutions in order (paper 000 colour code, darker = later; then blue).
SOLUTION_SHADES = [("#4daf4a", "#ffe14d"), ("#1b7837", "#c9a800"), ("#00441b", "#8c7500"),
                   ("#2166ac", "#92c5de")]
SOLUTION_ALPHA = [1.0, 0.75, 0.75, 0.6]
EXCLUSION_COLOR = "0.8"
EXCLUSION_ALPHA = 0.6
LINE_STYLES = {"solid", "dashed", "dashdot", "dotted", "-", "--", "-.", ":"}
PLOT_KEYS = {"title", "x", "y", "solutions", "exclusions", "styles", "colors", "benchmarks",
             "xlabel", "ylabel", "label", "curves", "data", "chi2"}
FLAG_DATASET = re.compile(r"flags(_\d+)?")
BOOKKEEPING = "bscan_chunks_done"  # a resumable run's chunk list (removed when the file completes)
LOG_DECADES = 3      # a positive observable spanning at least this many decades gets log colours
CONTOUR_LEVELS = 5   # about this many contour lines on an observable map
OBSERVABLE_CMAP = "viridis"
FORMATS = ("png", "pdf", "svg")


class PlotError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser that reports usage errors as PlotError."""

    def error(self, message):
        raise PlotError(message)


@dataclass
class Axis:
    """One scanned parameter: its coordinate values and labels."""
    name: str
    values: np.ndarray
    units: str
    long_name: str
    log: bool


@dataclass
class Observable:
    """A stored observable on the plotted plane (ny, nx) or line (nx,), NaN where not computed."""
    name: str
    values: np.ndarray
    units: str
    long_name: str


@dataclass
class Exclusion:
    """A bound or validity condition: the flag whose cleared bit marks the excluded region."""
    name: str
    flag: str


def parse_args(argv):
    """Parse the command line."""
    parser = ArgumentParser(prog="bscan plot", description="Plot solution and exclusion regions "
                            "of a bscan output file.")
    parser.add_argument("files", nargs="+", metavar="file",
                        help="scan file written by `bscan run` (several with --curves)")
    parser.add_argument("-o", "--output", help="output image (.png, .pdf or .svg); default FILE.png")
    parser.add_argument("--x", help="axis on the horizontal axis")
    parser.add_argument("--y", help="axis on the vertical axis")
    parser.add_argument("--solutions", help="comma-separated anomaly or bound names (at most 3)")
    parser.add_argument("--exclusions", help="comma-separated bound/validity names ('' for none)")
    parser.add_argument("--select", action="append", default=[], metavar="NAME=INDEX",
                        help="fix an extra axis to one index (repeatable)")
    parser.add_argument("--curves", help="comma-separated observables drawn as curves against --x "
                        "(one panel each)")
    parser.add_argument("--data", help="measurement set whose data points go on the curves")
    parser.add_argument("--observable", metavar="NAME",
                        help="draw this stored observable (bscan id or dataset name) as a colour "
                        "map, or a line with one axis left, instead of the regions; the default "
                        "(the config's first stored observable) for a file without flags")
    parser.add_argument("--chi2", metavar="GROUP",
                        help="draw the 1/2/3 sigma confidence regions of a chi2 group")
    parser.add_argument("--title", help="figure title")
    parser.add_argument("--dpi", type=int, default=150, help="resolution of raster output")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing output")
    args = parser.parse_args(argv)
    args.file = args.files[0]
    if args.dpi <= 0:
        raise PlotError(f"--dpi must be positive, got {args.dpi}")
    if args.observable is not None and any(
            option is not None for option in (args.curves, args.solutions, args.exclusions)):
        raise PlotError("--observable draws one observable: it does not combine with --curves, "
                        "--solutions or --exclusions")
    if args.chi2 is not None and (args.observable is not None or args.curves is not None):
        raise PlotError("--chi2 draws confidence regions: it does not combine with --observable "
                        "or --curves")
    return args


def text(value):
    """Decode an HDF5 string attribute (bytes or str) to str."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def split_names(value):
    """Split a comma-separated option into names, dropping empty entries."""
    return [name.strip() for name in value.split(",") if name.strip()]


def open_scan(path):
    """Open a complete bscan file for reading."""
    if not os.path.exists(path):
        raise PlotError(f"no such file: {path}")
    if not os.path.isfile(path) or not h5py.is_hdf5(path):
        raise PlotError(f"not an HDF5 file: {path}")
    try:
        h5 = h5py.File(path, "r")
    except OSError as err:
        raise PlotError(f"cannot open {path}: {err}") from err
    complete = h5.attrs.get("bscan_complete")
    if complete is None or np.ndim(complete) != 0 or complete != 1:
        h5.close()
        raise PlotError(f"{path} is incomplete (no bscan_complete = 1): the scan did not finish")
    return h5


def read_config(h5, path):
    """Parse the scan config stored in the file (empty when absent)."""
    if "bscan_config" not in h5.attrs:
        return {}
    try:
        return tomllib.loads(text(h5.attrs["bscan_config"]))
    except tomllib.TOMLDecodeError as err:
        raise PlotError(f"bscan_config of {path} is not valid TOML: {err}") from err


def check_type(key, value, kind, what):
    """Raise unless a [plot] value has the expected type."""
    if not isinstance(value, kind):
        raise PlotError(f"[plot] {key} must be {what}")


def plot_table(config):
    """Return the validated [plot] table of the config."""
    table = config.get("plot", {})
    check_type("plot", table, dict, "a table")
    unknown = sorted(set(table) - PLOT_KEYS)
    if unknown:
        raise PlotError(f"unknown key(s) in [plot]: {', '.join(unknown)} "
                        f"(known: {', '.join(sorted(PLOT_KEYS))})")
    for key in ("title", "x", "y", "xlabel", "ylabel", "label", "data", "chi2"):
        if key in table:
            check_type(key, table[key], str, "a string")
    for key in ("solutions", "exclusions", "curves"):
        if key in table and not (isinstance(table[key], list)
                                 and all(isinstance(v, str) for v in table[key])):
            raise PlotError(f"[plot] {key} must be an array of strings")
    for key in ("styles", "colors"):
        if key in table and not (isinstance(table[key], dict)
                                 and all(isinstance(v, str) for v in table[key].values())):
            raise PlotError(f"[plot] {key} must be a table of strings")
    check_type("benchmarks", table.get("benchmarks", []), list, "an array of tables")
    for star in table.get("benchmarks", []):
        check_benchmark(star)
    return table


def check_benchmark(star):
    """Raise unless a [plot] benchmark entry is well formed."""
    if not isinstance(star, dict) or not {"x", "y"} <= set(star):
        raise PlotError("[plot] benchmarks entries must be tables with x and y")
    for key in ("x", "y"):
        if isinstance(star[key], bool) or not isinstance(star[key], (int, float)):
            raise PlotError(f"[plot] benchmark {key} must be a number")
    if not matplotlib.colors.is_color_like(star.get("color", "orange")):
        raise PlotError(f"[plot] benchmark color {star['color']!r} is not a colour")


def axis_names(h5, config):
    """Names of the grid's axes in dimension order (from the flag datasets' dimension scales)."""
    for name in flag_datasets(h5):
        dims = h5[name].dims
        if all(len(dim) > 0 for dim in dims):
            return [dim[0].name.lstrip("/") for dim in dims]
    entries = config.get("axes", [])
    names = [entry.get("name") for entry in entries if isinstance(entry, dict)]
    if not names or not all(isinstance(n, str) and n in h5 for n in names):
        raise PlotError("cannot tell the scan axes: no dimension scales and no [[axes]] in "
                        "bscan_config")
    return names


def is_log_spaced(name, values, config):
    """Whether an axis is log-spaced: from the config's [[axes]] spacing, else from the values."""
    for entry in config.get("axes", []):
        if isinstance(entry, dict) and entry.get("name") == name and "min" in entry:
            return entry.get("spacing", "linear") == "log" and bool(np.all(values > 0))
    if values.size < 3 or np.any(values <= 0):
        return False
    ratios = values[1:] / values[:-1]
    return bool(np.allclose(ratios, ratios[0], rtol=1e-6) and not np.isclose(ratios[0], 1.0))


def read_axes(h5, config):
    """Read the coordinate values and labels of every axis, in dimension order."""
    axes = []
    for name in axis_names(h5, config):
        dataset = h5[name]
        values = np.asarray(dataset[()], dtype=float).reshape(-1)
        axes.append(Axis(name=name, values=values,
                         units=text(dataset.attrs.get("units", "")),
                         long_name=text(dataset.attrs.get("long_name", name)),
                         log=is_log_spaced(name, values, config)))
    return axes


def flag_datasets(h5):
    """Names of the flag datasets (flags, flags_1, ...) in the file."""
    return [name for name in h5 if FLAG_DATASET.fullmatch(name)
            and isinstance(h5[name], h5py.Dataset)]


def observable_datasets(h5, axes, config):
    """{dataset name: bscan id} of the stored observables: the gridded float datasets that are no
    axis, flag word, pull or bookkeeping; the config's `observables` first, in its order."""
    shape = tuple(axis.values.size for axis in axes)
    skip = {axis.name for axis in axes} | {BOOKKEEPING}
    found = {name: text(item.attrs.get("bscan_id", name)) for name, item in h5.items()
             if isinstance(item, h5py.Dataset) and item.shape == shape and item.dtype.kind == "f"
             and name not in skip and not FLAG_DATASET.fullmatch(name)
             and not name.startswith("pull_")}
    listed = config.get("observables", [])
    listed = listed if isinstance(listed, list) else []
    return dict(sorted(found.items(), key=lambda item: listed.index(item[1]) if item[1] in listed
                       else len(listed)))


def pick_observable(h5, axes, config, requested):
    """The dataset name of the observable to draw: --observable (bscan id or dataset name), else
    the first stored one."""
    available = observable_datasets(h5, axes, config)
    if requested is None:
        if not available:
            raise PlotError(f"{h5.filename} has no flags datasets and no stored observables: "
                            "nothing to plot")
        return next(iter(available))
    for name, ident in available.items():
        if requested in (name, ident):
            return name
    raise PlotError(f"unknown observable {requested!r} "
                    f"(available: {', '.join(available.values()) or 'none'})")


def flag_index(h5):
    """Map every flag name to (dataset name, bit mask) across all flag datasets."""
    index = {}
    for dataset in flag_datasets(h5):
        attrs = h5[dataset].attrs
        if "flag_masks" not in attrs or "flag_meanings" not in attrs:
            raise PlotError(f"{dataset} lacks flag_masks or flag_meanings")
        masks = np.atleast_1d(attrs["flag_masks"]).astype(np.uint32)
        meanings = text(attrs["flag_meanings"]).split()
        if len(masks) != len(meanings):
            raise PlotError(f"{dataset}: {len(masks)} flag_masks but {len(meanings)} flag_meanings")
        for name, mask in zip(meanings, masks):
            if name in index:
                raise PlotError(f"flag {name} appears in both {index[name][0]} and {dataset}")
            index[name] = (dataset, np.uint32(mask))
    return index


def classify(flags):
    """Split flag names into anomalies {A: {"1s": flag, "2s": flag}} and exclusions {name: flag}.

    A chi2 group's `improves_G_2s` (delta chi2 <= -4) is a solution `improves_G` with a 2σ level
    only."""
    anomalies, exclusions = {}, {}
    for name in flags:
        match = re.fullmatch(r"(solves_)?(.+)_([12]s)", name)
        if name == "allowed_2s":
            continue
        if re.fullmatch(r"improves_.+_2s", name):
            anomalies[name[:-3]] = {"2s": name}
            continue
        if match and match.group(1):
            anomalies.setdefault(match.group(2), {})[match.group(3)] = name
        elif match:
            if match.group(3) == "2s":
                exclusions[match.group(2)] = name
        else:
            exclusions[name] = name
    return anomalies, exclusions


def bound_levels(flags):
    """Bounds with both levels {B: {"1s": flag, "2s": flag}}, which may be drawn as solutions."""
    levels = {}
    for name in flags:
        match = re.fullmatch(r"(.+)_([12]s)", name)
        if match and not name.startswith("solves_") and name != "allowed_2s":
            levels.setdefault(match.group(1), {})[match.group(2)] = name
    return {name: pair for name, pair in levels.items() if set(pair) == {"1s", "2s"}}


def parse_selects(specs, axes):
    """Parse --select NAME=INDEX options into {axis name: index}."""
    sizes = {axis.name: axis.values.size for axis in axes}
    selects = {}
    for spec in specs:
        name, sep, index = spec.partition("=")
        if not sep or not re.fullmatch(r"\d+", index.strip()):
            raise PlotError(f"--select expects NAME=INDEX, got {spec!r}")
        if name not in sizes:
            raise PlotError(f"--select: unknown axis {name!r} (axes: {', '.join(sizes)})")
        if int(index) >= sizes[name]:
            raise PlotError(f"--select: index {index} out of range for {name} "
                            f"(size {sizes[name]})")
        selects[name] = int(index)
    return selects


def check_plot_axis(option, name, sizes, selects):
    """Raise unless an explicitly chosen plot axis exists, varies and is not selected."""
    if name not in sizes:
        raise PlotError(f"unknown {option} axis {name!r} (axes: {', '.join(sizes)})")
    if sizes[name] < 2:
        raise PlotError(f"{option} axis {name} has a single point")
    if name in selects:
        raise PlotError(f"{option} axis {name} is also fixed by --select")


def requested_axes(args, table):
    """The x and y axes asked for: command line first, then [plot] unless it collides."""
    x, y = args.x or table.get("x"), args.y or table.get("y")
    if args.x and not args.y and y == x:
        y = None
    if args.y and not args.x and x == y:
        x = None
    return x, y


def choose_view(axes, x, y, selects):
    """Pick the x axis and (None for a 1-D plot) the y axis; every other varied axis is selected."""
    sizes = {axis.name: axis.values.size for axis in axes}
    for option, name in (("x", x), ("y", y)):
        if name is not None:
            check_plot_axis(option, name, sizes, selects)
    if x is not None and x == y:
        raise PlotError(f"x and y are the same axis {x}")
    free = [axis.name for axis in axes
            if axis.values.size > 1 and axis.name not in selects and axis.name not in (x, y)]
    if x is None and free:
        x = free.pop()
    if y is None and free:
        y = free.pop()
    if x is None:
        x, y = y, None
    if x is None:
        raise PlotError("nothing to plot: every axis has a single point or is fixed by --select")
    if free:
        raise PlotError(f"more than two axes have several points: fix {', '.join(free)} with "
                        f"--select NAME=INDEX")
    return x, y


def place_benchmarks(table, axes, selects, x, y):
    """Benchmarks in plot coordinates: their x, y refer to the axes that [plot] alone chooses."""
    try:
        own = choose_view(axes, table.get("x"), table.get("y"), selects)
    except PlotError:
        return []
    placed = []
    for star in table.get("benchmarks", []):
        coords = dict(zip(own, (star["x"], star["y"])))
        if x in coords and (y is None or y in coords):
            placed.append({**star, "x": coords[x], "y": coords.get(y)})
    return placed


def read_plane(h5, dataset, axes, selects, x, y):
    """Read a gridded dataset on the plotted plane, shape (ny, nx), or line (nx,) for a 1-D plot."""
    if h5[dataset].shape != tuple(axis.values.size for axis in axes):
        raise PlotError(f"{dataset} has shape {h5[dataset].shape}, not the grid's")
    index = tuple(slice(None) if axis.name in (x, y) else selects.get(axis.name, 0)
                  for axis in axes)
    values = np.asarray(h5[dataset][index])
    order = [axis.name for axis in axes if axis.name in (x, y)]
    return values.T if y is not None and order == [x, y] else values


def read_flag(h5, source, axes, selects, x, y):
    """Read one flag as a boolean array of shape (ny, nx), or (nx,) for a 1-D plot."""
    dataset, mask = source
    return (read_plane(h5, dataset, axes, selects, x, y) & mask) == mask


def read_observable(h5, name, axes, selects, x, y):
    """Read a stored observable on the plotted plane or line, with its labels."""
    values = read_plane(h5, name, axes, selects, x, y).astype(float)
    if not np.isfinite(values).any():
        raise PlotError(f"{name} has no finite value on the plotted {'plane' if y else 'line'}")
    attrs = h5[name].attrs
    ident = text(attrs.get("bscan_id", name))
    return Observable(name=ident, values=values, units=text(attrs.get("units", "")),
                      long_name=text(attrs.get("long_name", ident)))


def cell_edges(axis):
    """Cell boundaries around the coordinate values (geometric midpoints on a log axis)."""
    values = np.log(axis.values) if axis.log else axis.values
    middle = (values[1:] + values[:-1]) / 2
    edges = np.concatenate([[2 * values[0] - middle[0]], middle, [2 * values[-1] - middle[-1]]])
    return np.exp(edges) if axis.log else edges


def units_text(units):
    """Units for a label: exponents as mathtext (GeV^-1 -> GeV$^{-1}$); '' when dimensionless."""
    if units in ("", "1"):
        return ""
    return re.sub(r"\^\(?(-?\d+)\)?", r"$^{\1}$", units)


def math_label(axis):
    """Label of an axis or observable: '$long_name$ [units]', plain name if the LaTeX does not
    render."""
    label = f"${axis.long_name}$"
    try:
        matplotlib.mathtext.MathTextParser("path").parse(label)
    except ValueError:
        label = axis.name
    units = units_text(axis.units)
    return f"{label} [{units}]" if units else label


def fill(ax, xe, ye, region, color, alpha):
    """Fill the True cells of a boolean (ny, nx) grid with one colour."""
    if region.any():
        cmap = matplotlib.colors.ListedColormap([color])
        ax.pcolormesh(xe, ye, np.ma.masked_where(~region, np.ones(region.shape)), cmap=cmap,
                      alpha=alpha, shading="flat", linewidth=0, antialiased=False,
                      rasterized=True)


def padded_knots(axis):
    """Grid indices of the values padded with the outer cell edges (-0.5 and n - 0.5)."""
    return np.concatenate([[-0.5], np.arange(axis.values.size), [axis.values.size - 0.5]])


def index_to_value(axis, positions):
    """Map fractional grid indices to axis values (interpolating in log space on a log axis)."""
    edges = cell_edges(axis)
    values = np.concatenate([[edges[0]], axis.values, [edges[-1]]])
    if axis.log:
        return np.exp(np.interp(positions, padded_knots(axis), np.log(values)))
    return np.interp(positions, padded_knots(axis), values)


def outline(ax, xaxis, yaxis, region, style):
    """Draw the black boundary of a boolean (ny, nx) grid, reaching the frame and the cell edges."""
    if region.any() and not region.all():
        padded = np.pad(region, 1, mode="edge").astype(float)
        lines = contourpy.contour_generator(padded_knots(xaxis), padded_knots(yaxis),
                                            padded).lines(0.5)
        for line in lines:
            ax.plot(index_to_value(xaxis, line[:, 0]), index_to_value(yaxis, line[:, 1]),
                    color="black", linestyle=style, linewidth=1.2)


def solution_regions(flags, anomaly):
    """The (1σ, 2σ) regions of an anomaly (None where its flag is absent)."""
    return flags.get(anomaly.get("1s")), flags.get(anomaly.get("2s"))


def draw_2d(ax, view, regions, style):
    """Draw exclusions, solutions and benchmarks on the (x, y) plane."""
    xaxis, yaxis = view
    xe, ye = cell_edges(xaxis), cell_edges(yaxis)
    handles = []
    for item in regions["exclusions"]:
        excluded = ~regions["flags"][item.flag]
        color = style["colors"].get(item.name, EXCLUSION_COLOR)
        line = style["styles"].get(item.name, "solid")
        fill(ax, xe, ye, excluded, color, EXCLUSION_ALPHA)
        outline(ax, xaxis, yaxis, excluded, line)
        if excluded.any():
            handles.append(Patch(facecolor=color, alpha=EXCLUSION_ALPHA, edgecolor="black",
                                 linestyle=line, label=item.name))
    for rank, (name, anomaly) in enumerate(regions["solutions"]):
        one, two = solution_regions(regions["flags"], anomaly)
        for region, color, level in ((two, SOLUTION_SHADES[rank][1], "2σ"),
                                     (one, SOLUTION_SHADES[rank][0], "1σ")):
            if region is not None:
                fill(ax, xe, ye, region, color, SOLUTION_ALPHA[rank])
                handles.append(Patch(facecolor=color, alpha=SOLUTION_ALPHA[rank],
                                     label=f"{name} {level}"))
    for star in style["benchmarks"]:
        handles.append(ax.scatter([star["x"]], [star["y"]], marker="*", s=200, zorder=5,
                                  color=star.get("color", "orange"), edgecolors="black",
                                  label=star.get("label", "benchmark")))
    ax.set_xlim(xe[0], xe[-1])
    ax.set_ylim(ye[0], ye[-1])
    return handles


def draw_1d(ax, view, regions, style):
    """Draw one band per exclusion and solution along x."""
    xaxis = view[0]
    xe = cell_edges(xaxis)
    rows, handles = [], []
    for item in regions["exclusions"]:
        color = style["colors"].get(item.name, EXCLUSION_COLOR)
        rows.append((item.name, [(~regions["flags"][item.flag], color, EXCLUSION_ALPHA)]))
    for rank, (name, anomaly) in enumerate(regions["solutions"]):
        one, two = solution_regions(regions["flags"], anomaly)
        layers = []
        for region, color, level in ((two, SOLUTION_SHADES[rank][1], "2σ"),
                                     (one, SOLUTION_SHADES[rank][0], "1σ")):
            if region is not None:
                layers.append((region, color, 1.0))
                handles.append(Patch(facecolor=color, label=f"{name} {level}"))
        rows.append((name, layers))
    for row, (_, layers) in enumerate(rows):
        for region, color, alpha in layers:
            fill(ax, xe, np.array([row - 0.4, row + 0.4]), region[np.newaxis, :], color, alpha)
    for star in style["benchmarks"]:
        handles.append(ax.axvline(star["x"], color=star.get("color", "orange"), linestyle=":",
                                  label=star.get("label", "benchmark")))
    ax.set_yticks(range(len(rows)), [name for name, _ in rows])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(xe[0], xe[-1])
    return handles


def log_scaled(values):
    """Whether values are shown on a log scale: every finite one positive and max/min at least
    10**LOG_DECADES (a linear scale would squeeze all but the top decade into one colour)."""
    finite = values[np.isfinite(values)]
    return bool(finite.min() > 0 and finite.max() >= finite.min() * 10 ** LOG_DECADES)


def draw_map(fig, ax, view, observable):
    """Colour map of an observable on the (x, y) plane with a colour bar and labelled contours."""
    xaxis, yaxis = view
    xe, ye = cell_edges(xaxis), cell_edges(yaxis)
    values = np.ma.masked_invalid(observable.values)
    norm = matplotlib.colors.LogNorm() if log_scaled(observable.values) else None
    mesh = ax.pcolormesh(xe, ye, values, norm=norm, cmap=OBSERVABLE_CMAP, shading="flat",
                         rasterized=True)
    bar = fig.colorbar(mesh, ax=ax, label=math_label(observable))
    if values.min() < values.max():  # contour finds no level in a constant map
        lines = ax.contour(xaxis.values, yaxis.values, values, levels=CONTOUR_LEVELS, norm=norm,
                           colors="black", linewidths=0.8)
        ax.clabel(lines, fmt="%.3g", fontsize="x-small")
        bar.add_lines(lines)
    ax.set_xlim(xe[0], xe[-1])
    ax.set_ylim(ye[0], ye[-1])
    return []


def draw_line(fig, ax, view, observable):
    """Line plot of an observable against x (broken where it is NaN)."""
    xaxis = view[0]
    ax.plot(xaxis.values, observable.values, color="black", linewidth=1.5)
    ax.set_ylabel(math_label(observable))
    if log_scaled(observable.values):
        ax.set_yscale("log")
    ax.set_xlim(xaxis.values[0], xaxis.values[-1])
    return []


def pick_solutions(requested, anomalies, bounds=None):
    """Resolve the solution names to draw (default: every anomaly in the file).

    A name that is not an anomaly may be a bound with 1σ and 2σ flags (`bounds`, from
    bound_levels): its allowed regions are drawn like a solution's."""
    bounds = bounds or {}
    names = list(anomalies) if requested is None else list(dict.fromkeys(requested))
    unknown = [name for name in names if name not in anomalies and name not in bounds]
    if unknown:
        available = ", ".join([*anomalies, *(f"{name} (bound)" for name in bounds
                                             if name not in anomalies)])
        raise PlotError(f"unknown solution(s) {', '.join(unknown)} "
                        f"(available: {available or 'none'})")
    if len(names) > len(SOLUTION_SHADES):
        raise PlotError(f"at most {len(SOLUTION_SHADES)} solutions can be drawn, got "
                        f"{', '.join(names)}: choose with --solutions")
    return [(name, anomalies[name] if name in anomalies else bounds[name]) for name in names]


def pick_exclusions(requested, exclusions, table):
    """Resolve the exclusions to draw (default: every bound and validity condition)."""
    names = list(exclusions) if requested is None else list(dict.fromkeys(requested))
    styled = [name for key in ("styles", "colors") for name in table.get(key, {})]
    unknown = [name for name in names + styled if name not in exclusions]
    if unknown:
        raise PlotError(f"unknown exclusion(s) {', '.join(dict.fromkeys(unknown))} "
                        f"(available: {', '.join(exclusions) or 'none'})")
    for name, line in table.get("styles", {}).items():
        if line not in LINE_STYLES:
            raise PlotError(f"[plot] styles.{name}: {line!r} is not one of "
                            f"{', '.join(sorted(LINE_STYLES))}")
    for name, color in table.get("colors", {}).items():
        if not matplotlib.colors.is_color_like(color):
            raise PlotError(f"[plot] colors.{name}: {color!r} is not a colour")
    return [Exclusion(name=name, flag=exclusions[name]) for name in names]


def output_path(args):
    """The output path: -o, else the input with suffix .png; refuse to replace without --overwrite."""
    path = args.output or os.path.splitext(args.file)[0] + ".png"
    fmt = os.path.splitext(path)[1].lstrip(".").lower()
    if fmt not in FORMATS:
        raise PlotError(f"cannot tell the image format of {path} (use .{', .'.join(FORMATS)})")
    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise PlotError(f"cannot write {path}: no such directory")
    if os.path.exists(path) and not args.overwrite:
        raise PlotError(f"{path} exists (use --overwrite to replace it)")
    return path, fmt


def save(fig, path, fmt, dpi):
    """Write the figure to a temporary file beside the output and rename it into place."""
    directory, name = os.path.split(os.path.abspath(path))
    temp = os.path.join(directory, f".{name}.{os.getpid()}.partial")
    stream = open(temp, "xb")
    try:
        with stream:
            fig.savefig(stream, format=fmt, dpi=dpi, bbox_inches="tight")
        os.replace(temp, path)
    except BaseException as err:
        os.unlink(temp)
        if isinstance(err, ValueError):  # e.g. a title or label that mathtext cannot parse
            raise PlotError(f"cannot draw the figure: {err}") from err
        raise


def selection_note(axes, selects):
    """A title line naming the values of the axes fixed by --select."""
    parts = []
    for axis in axes:
        if axis.name in selects:
            value = f"{axis.values[selects[axis.name]]:.4g} {units_text(axis.units)}"
            parts.append(f"{axis.name} = {value.strip()}")
    return ", ".join(parts)


def make_figure(args, table, view, draw, note):
    """Build the figure: draw(fig, ax) (returning legend handles), labels, log scales, legend and
    a title with the --select note."""
    from matplotlib.figure import Figure  # imported here: it dominates the start-up time
    fig = Figure(figsize=(7, 5.2))
    ax = fig.add_subplot()
    handles = draw(fig, ax)
    ax.set_xlabel(table.get("xlabel") or math_label(view[0]))
    if view[0].log:
        ax.set_xscale("log")
    if view[1] is not None:
        ax.set_ylabel(table.get("ylabel") or math_label(view[1]))
        if view[1].log:
            ax.set_yscale("log")
    if handles:
        ax.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1),
                  borderaxespad=0)
    title = args.title or table.get("title") or os.path.basename(args.file)
    ax.set_title(f"{title}\n{note}" if note else title)
    return fig


def run_curves(args):
    """Curves of observables against one axis from every file, with data points; the path."""
    import bscan_curves
    from matplotlib.figure import Figure
    panels, points, table0, x = None, {}, None, args.x
    for path in args.files:
        with open_scan(path) as h5:
            config = read_config(h5, path)
            table = plot_table(config)
            table0 = table0 if table0 is not None else table
            curves = split_names(args.curves) if args.curves else table.get("curves", [])
            axes = read_axes(h5, config)
            x = x or table.get("x") or (axes[0].name if len(axes) == 1 else None)
            if x is None:
                raise PlotError(f"{path} has {len(axes)} axes: name the one to draw with --x")
            label = table.get("label") or os.path.splitext(os.path.basename(path))[0]
            try:
                found = [(c, bscan_curves.file_curves(h5, axes, x, c, label)) for c in curves]
            except bscan_curves.CurveError as err:
                raise PlotError(str(err)) from err
            xaxis = next(axis for axis in axes if axis.name == x)
        panels = found if panels is None else [(c, old + new) for (c, old), (_, new)
                                               in zip(panels, found)]
    if not panels:
        raise PlotError("no curves: give --curves OBS[,OBS] or [plot] curves")
    data = args.data or table0.get("data")
    if data:
        try:
            constraints = bscan_curves.load_set(data)
        except bscan_curves.CurveError as err:
            raise PlotError(str(err)) from err
        points = {c: bscan_curves.data_points(constraints, c) for c, _ in panels}
    path, fmt = output_path(args)
    fig = Figure(figsize=(5 * len(panels), 4.2))
    axs = bscan_curves.draw(fig, panels, points, table0.get("xlabel") or math_label(xaxis),
                            lambda c: c)
    if xaxis.log:
        for ax in axs:
            ax.set_xscale("log")
    fig.suptitle(args.title or table0.get("title") or os.path.basename(args.file))
    save(fig, path, fmt, args.dpi)
    return path


def plot_observable(args, h5, config, table, axes):
    """Draw a stored observable (--observable, else the first) as a map or a line; the path."""
    name = pick_observable(h5, axes, config, args.observable)
    selects = parse_selects(args.select, axes)
    x, y = choose_view(axes, *requested_axes(args, table), selects)
    path, fmt = output_path(args)
    observable = read_observable(h5, name, axes, selects, x, y)
    by_name = {axis.name: axis for axis in axes}
    view = (by_name[x], by_name[y] if y is not None else None)
    draw = draw_map if y is not None else draw_line
    fig = make_figure(args, table, view, lambda fig, ax: draw(fig, ax, view, observable),
                      selection_note(axes, selects))
    save(fig, path, fmt, args.dpi)
    return path


# Delta chi2 of the 1, 2, 3 sigma regions (probabilities erf(n/sqrt2)) for 1 and 2 parameters.
CL_LEVELS = {1: (1.0, 4.0, 9.0), 2: (2.2957, 6.1801, 11.8292)}
CL_SHADES = ("#08519c", "#6baed6", "#c6dbef")


def draw_chi2(ax, view, delta, group):
    """Confidence regions of Delta chi2 (relative to the plotted minimum) and the best fit."""
    xaxis, yaxis = view
    finite = np.isfinite(delta)
    best = np.nanmin(delta)
    rel = delta - best
    levels = CL_LEVELS[1 if yaxis is None else 2]
    handles = []
    if yaxis is None:
        for n, (level, color) in reversed(list(enumerate(zip(levels, CL_SHADES)))):
            ax.fill_between(xaxis.values, 0, rel, where=rel <= level, color=color, step="mid",
                            label=f"{n + 1}σ")
        ax.plot(xaxis.values, rel, color="black", linewidth=1.2)
        ax.set_ylabel(f"$\\Delta\\chi^2$ ({group})")
        ax.set_ylim(0, levels[-1] * 1.5)
        i = int(np.nanargmin(delta))
        handles.append(ax.axvline(xaxis.values[i], color="black", linestyle=":",
                                  label=f"best fit, Δχ²(SM) = {best:.1f}"))
        return handles
    xe, ye = cell_edges(xaxis), cell_edges(yaxis)
    for n in reversed(range(3)):
        fill(ax, xe, ye, finite & (rel <= levels[n]), CL_SHADES[n], 1.0)
        handles.insert(0, Patch(facecolor=CL_SHADES[n], label=f"{n + 1}σ (Δχ² ≤ {levels[n]:.2f})"))
    for n in range(3):
        outline(ax, xaxis, yaxis, finite & (rel <= levels[n]), "solid")
    if not finite.all():
        ax.pcolormesh(xe, ye, np.ma.masked_where(finite, np.ones(delta.shape)), hatch="xx",
                      alpha=0.0, shading="flat")
        handles.append(Patch(facecolor="none", hatch="xx", label="no prediction"))
    j, i = np.unravel_index(np.nanargmin(delta), delta.shape)
    handles.append(ax.scatter([xaxis.values[i]], [yaxis.values[j]], marker="*", s=200, zorder=5,
                              color="orange", edgecolors="black",
                              label=f"best fit, Δχ²(SM) = {best:.1f}"))
    ax.set_xlim(xe[0], xe[-1])
    ax.set_ylim(ye[0], ye[-1])
    return handles


def plot_chi2(args, h5, table, axes, group):
    """Draw the confidence regions of chi2 group `group`; the path."""
    name = f"delta_chi2_{group}"
    if name not in h5:
        groups = sorted(k[len("delta_chi2_"):] for k in h5 if k.startswith("delta_chi2_"))
        raise PlotError(f"--chi2: the file has no chi2 group {group!r} "
                        f"(groups: {', '.join(groups) or 'none: a measurement set with chi2_groups'})")
    selects = parse_selects(args.select, axes)
    x, y = choose_view(axes, *requested_axes(args, table), selects)
    path, fmt = output_path(args)
    delta = read_plane(h5, name, axes, selects, x, y).astype(float)
    if not np.isfinite(delta).any():
        raise PlotError(f"{name} has no finite value on the plotted {'plane' if y else 'line'}")
    by_name = {axis.name: axis for axis in axes}
    view = (by_name[x], by_name[y] if y is not None else None)
    fig = make_figure(args, table, view, lambda fig, ax: draw_chi2(ax, view, delta, group),
                      selection_note(axes, selects))
    save(fig, path, fmt, args.dpi)
    return path


def run(argv):
    """Read the scan, draw the figure and write it; return the output path."""
    args = parse_args(argv)
    if args.curves is None and args.observable is None:
        with open_scan(args.file) as h5:
            if "curves" in plot_table(read_config(h5, args.file)):
                args.curves = ""
    if args.curves is not None:
        return run_curves(args)
    if len(args.files) > 1:
        raise PlotError("several files need --curves or [plot] curves (curves of their "
                        "observables in one figure)")
    with open_scan(args.file) as h5:
        config = read_config(h5, args.file)
        table = plot_table(config)
        axes = read_axes(h5, config)
        index = flag_index(h5)
        group = args.chi2 if args.chi2 is not None else table.get("chi2")
        if group is not None and args.observable is None:
            return plot_chi2(args, h5, table, axes, group)
        if args.observable is not None or not index:
            return plot_observable(args, h5, config, table, axes)
        anomalies, exclusions = classify(index)
        solutions = pick_solutions(
            split_names(args.solutions) if args.solutions is not None
            else table.get("solutions"), anomalies, bound_levels(index))
        shown = pick_exclusions(
            split_names(args.exclusions) if args.exclusions is not None
            else table.get("exclusions"), exclusions, table)
        selects = parse_selects(args.select, axes)
        x, y = choose_view(axes, *requested_axes(args, table), selects)
        path, fmt = output_path(args)
        needed = {item.flag for item in shown}
        needed |= {flag for _, anomaly in solutions for flag in anomaly.values()}
        flags = {name: read_flag(h5, index[name], axes, selects, x, y) for name in needed}
    by_name = {axis.name: axis for axis in axes}
    view = (by_name[x], by_name[y] if y is not None else None)
    regions = {"flags": flags, "solutions": solutions, "exclusions": shown}
    style = {"styles": table.get("styles", {}), "colors": table.get("colors", {}),
             "benchmarks": place_benchmarks(table, axes, selects, x, y)}
    draw = draw_2d if view[1] is not None else draw_1d
    fig = make_figure(args, table, view, lambda fig, ax: draw(ax, view, regions, style),
                      selection_note(axes, selects))
    save(fig, path, fmt, args.dpi)
    return path


def main(argv):
    """Entry point: run, report errors in one line, return the exit status."""
    try:
        print(run(argv))
    except (PlotError, OSError) as err:
        print(PREFIX + " ".join(str(err).split()), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
