#!/usr/bin/env python3
"""Test bscan_plot.py on small fake scan files built with h5py.

Usage: test_plot.py PATH/TO/bscan_plot.py
Exit status: 0 success, 1 a check failed.
"""
import importlib.util
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np

CONFIG = """
model = "alp"
observables = ["RK[1.1,6.0]"]
output = "scan.h5"

[[axes]]
name = "m_a"
min = 0.5
max = 3.0
points = 40
spacing = "linear"

[[axes]]
name = "c_sb_plus"
min = 1e-11
max = 1e-8
points = 30
spacing = "log"

[plot]
title = "Fig. 7(a): R_K, on-shell ALP"
x = "m_a"
y = "c_sb_plus"
solutions = ["RK"]
exclusions = ["BR_Kee_central", "nwa"]
styles = { BR_Kee_central = "dashed" }
colors = { nwa = "0.8" }
benchmarks = [ { x = 1.2, y = 3.8e-10, color = "orange", label = "benchmark" } ]
"""

GREEN = np.array([0x4D, 0xAF, 0x4A]) / 255  # 1σ solution colour
GREY = np.array([0.88, 0.88, 0.88])          # "0.8" at alpha 0.6 on white
YELLOW = np.array([0xFF, 0xE1, 0x4D]) / 255  # 2σ solution colour
VIRIDIS_LOW = np.array([0x44, 0x01, 0x54]) / 255   # an observable map's lowest value
VIRIDIS_HIGH = np.array([0xFD, 0xE7, 0x25]) / 255  # and its highest
WHITE = np.array([1.0, 1.0, 1.0])
MAP_CONFIG = CONFIG[:CONFIG.index("[plot]")].replace('observables = ["RK[1.1,6.0]"]',
                                                     'observables = ["RK[1.1,6.0]", "Gamma_a"]')


def put_text(obj, name, value):
    """Write a fixed-length UTF-8 string attribute, as the C++ writer does."""
    data = value.encode("utf-8")
    obj.attrs.create(name, np.bytes_(data), dtype=h5py.string_dtype("utf-8", max(len(data), 1)))


def put_flags(h5, dataset, flags, axes):
    """Pack {name: bool grid} into one CF flag dataset attached to the axes."""
    masks = np.array([1 << bit for bit in range(len(flags))], dtype=np.uint32)
    packed = sum(grid.astype(np.uint32) * mask for grid, mask in zip(flags.values(), masks))
    ds = h5.create_dataset(dataset, data=np.asarray(packed, dtype=np.uint32))
    ds.attrs["flag_masks"] = masks
    put_text(ds, "flag_meanings", " ".join(flags))
    for i, axis in enumerate(axes):
        ds.dims[i].attach_scale(h5[axis])


def put_axes(h5, axes):
    """Write {name: (values, units, long_name)} as dimension scales."""
    for name, (values, units, long_name) in axes.items():
        ds = h5.create_dataset(name, data=np.asarray(values, dtype=float))
        ds.make_scale(name)
        put_text(ds, "units", units)
        put_text(ds, "long_name", long_name)


def put_observable(h5, ident, values, units, long_name, axes):
    """Write an observable on the grid with its labels and axes, as the C++ writer does."""
    ds = h5.create_dataset(ident, data=values)
    for key, value in (("units", units), ("long_name", long_name), ("bscan_id", ident)):
        put_text(ds, key, value)
    for i, axis in enumerate(axes):
        ds.dims[i].attach_scale(h5[axis])


def make_scan(path, axes, complete=True, config=CONFIG):
    """Write a fake scan over {name: (values, units, long_name)} with RK-like regions."""
    with h5py.File(path, "w") as h5:
        put_axes(h5, axes)
        grids = np.meshgrid(*[np.asarray(v[0]) for v in axes.values()], indexing="ij")
        m_a, coupling = grids[list(axes).index("m_a")], grids[list(axes).index("c_sb_plus")]
        pull = (np.log10(coupling) + 9.5) * 4 + (m_a - 1.5)
        h5.create_dataset("RK[1.1,6.0]", data=1 - 0.1 * pull)
        h5.create_dataset("pull_RK", data=pull.astype(np.float32))
        names = list(axes)
        put_flags(h5, "flags", {"solves_RK_1s": abs(pull) < 1, "solves_RK_2s": abs(pull) < 2,
                                "BR_Kee_central_1s": coupling < 1e-9,
                                "BR_Kee_central_2s": coupling < 3e-9}, names)
        put_flags(h5, "flags_1", {"nwa": m_a > 0.8, "allowed_2s": (coupling < 3e-9) & (m_a > 0.8),
                                  "solves_RKstar_low_1s": abs(pull + 1) < 1,
                                  "solves_RKstar_low_2s": abs(pull + 1) < 2}, names)
        put_text(h5, "bscan_config", config)
        put_text(h5, "model", "alp")
        put_text(h5, "measurement_set", "paper-000")
        if complete:
            h5.attrs.create("bscan_complete", 1, dtype=np.int32)


def make_map(path, holes=False, stored=True):
    """Write a fake scan without flags over the test plane: RK 1 left of m_a = 1.75 and 2 right of
    it (NaN above c_sb_plus = 1e-9 on the left with holes), Gamma_a = 1e3 c_sb_plus (3 decades);
    neither with stored=False."""
    axes = plane_axes()
    with h5py.File(path, "w") as h5:
        put_axes(h5, axes)
        m_a, coupling = np.meshgrid(axes["m_a"][0], axes["c_sb_plus"][0], indexing="ij")
        if stored:
            rk = np.where(m_a > 1.75, 2.0, 1.0)
            if holes:
                rk[(m_a < 1.75) & (coupling > 1e-9)] = np.nan
            put_observable(h5, "Gamma_a", 1e3 * coupling, "GeV", r"\Gamma_a", list(axes))
            put_observable(h5, "RK[1.1,6.0]", rk, "1", "R_K^{[1.1,6.0]}", list(axes))
        put_text(h5, "bscan_config", MAP_CONFIG)
        h5.attrs.create("bscan_complete", 1, dtype=np.int32)


def plane_axes():
    """The two axes of the standard test plane (m_a linear, c_sb_plus log-spaced)."""
    return {"m_a": (np.linspace(0.5, 3.0, 40), "GeV", "m_a"),
            "c_sb_plus": (np.geomspace(1e-11, 1e-8, 30), "GeV^-1", "(c_d+c_Q)_{sb}/f_a")}


class Checker:
    """Runs the script and collects failed checks."""

    def __init__(self, script):
        self.script = script
        self.failures = []

    def run(self, *args):
        """Run the plot script; return (exit status, stdout, stderr)."""
        proc = subprocess.run([sys.executable, self.script, *args], capture_output=True,
                              text=True, timeout=60)
        return proc.returncode, proc.stdout.strip(), proc.stderr.strip()

    def check(self, condition, message):
        """Record a failed check."""
        if not condition:
            self.failures.append(message)
            print("FAIL:", message, file=sys.stderr)

    def expect_ok(self, *args):
        """Run and expect success; return the printed output path."""
        rc, out, err = self.run(*args)
        self.check(rc == 0, f"{args}: exit {rc}, stderr {err!r}")
        return out

    def expect_error(self, words, *args):
        """Run and expect exit 2 with a one-line message containing every word."""
        rc, out, err = self.run(*args)
        self.check(rc == 2, f"{args}: exit {rc}, expected 2 (stderr {err!r})")
        self.check(err.startswith("bscan plot: error: ") and "\n" not in err,
                   f"{args}: stderr {err!r} is not one prefixed line")
        for word in words:
            self.check(word in err, f"{args}: {word!r} not in {err!r}")


def colour_fraction(image, rgb, tolerance=0.03):
    """Fraction of the pixels within tolerance of a colour."""
    return float(np.mean(np.all(np.abs(image[..., :3] - rgb) < tolerance, axis=-1)))


def test_png(c, tmp):
    """Default output: a PNG beside the input showing green solutions and grey exclusions."""
    from matplotlib.image import imread
    scan = os.path.join(tmp, "scan.h5")
    make_scan(scan, plane_axes())
    out = c.expect_ok(scan)
    png = os.path.join(tmp, "scan.png")
    c.check(out == png, f"printed {out!r}, expected {png!r}")
    with open(png, "rb") as f:
        c.check(f.read(8) == b"\x89PNG\r\n\x1a\n", "output is not a PNG")
    c.check(os.path.getsize(png) > 10000, f"PNG only {os.path.getsize(png)} bytes")
    image = imread(png)
    c.check(np.ptp(image[..., :3]) > 0.5, "image is uniform")
    c.check(colour_fraction(image, GREEN) > 0.01, "no 1σ green region in the image")
    c.check(colour_fraction(image, GREY) > 0.01, "no grey excluded region in the image")
    c.expect_error(["exists", "--overwrite"], scan)
    c.expect_ok(scan, "--overwrite", "--solutions", "RK,RKstar_low", "--exclusions", "",
                "--title", "two solutions", "--dpi", "60")
    c.check(sorted(os.listdir(tmp)) == ["scan.h5", "scan.png"],
            f"stray files left: {sorted(os.listdir(tmp))}")


def test_pdf(c, tmp):
    """PDF output via -o, axes swapped by --x against the [plot] table."""
    scan = os.path.join(tmp, "scan.h5")
    make_scan(scan, plane_axes())
    pdf = os.path.join(tmp, "plane.pdf")
    c.check(c.expect_ok(scan, "-o", pdf, "--x", "c_sb_plus") == pdf,
            "PDF path not printed")
    with open(pdf, "rb") as f:
        c.check(f.read(5) == b"%PDF-", "output is not a PDF")


def test_bound_solution(c, tmp):
    """A bound named as a solution (ΔM_s in paper 000 Fig. 3a) draws its 1σ/2σ allowed regions."""
    from matplotlib.image import imread
    config = CONFIG.replace('solutions = ["RK"]', 'solutions = ["BR_Kee_central"]').replace(
        'exclusions = ["BR_Kee_central", "nwa"]', 'exclusions = []').replace(
        'styles = { BR_Kee_central = "dashed" }\n', "").replace('colors = { nwa = "0.8" }\n', "")
    scan = os.path.join(tmp, "bound.h5")
    make_scan(scan, plane_axes(), config=config)
    png = c.expect_ok(scan)
    if os.path.exists(png):
        image = imread(png)
        # BR_Kee_central_1s holds below 1e-9 (two of the three decades), _2s up to 3e-9
        c.check(colour_fraction(image, GREEN) > 0.2,
                f"bound's 1σ region not drawn green ({colour_fraction(image, GREEN):.3f})")
        c.check(colour_fraction(image, YELLOW) > 0.01, "bound's 2σ region not drawn yellow")
        c.check(colour_fraction(image, GREY) < 0.001, "grey drawn although no exclusion asked")
    c.expect_ok(scan, "-o", os.path.join(tmp, "mixed.png"), "--solutions", "RK,BR_Kee_central")
    c.expect_error(["nwa", "BR_Kee_central (bound)"], scan, "-o", os.path.join(tmp, "err.png"),
                   "--solutions", "nwa")


def test_errors(c, tmp):
    """Exit status 2 with a named reason for bad inputs and options."""
    scan = os.path.join(tmp, "scan.h5")
    make_scan(scan, plane_axes())
    out = os.path.join(tmp, "err.png")
    c.expect_error(["no such file"], os.path.join(tmp, "missing.h5"))
    text = os.path.join(tmp, "notes.h5")
    with open(text, "w") as f:
        f.write("not hdf5\n")
    c.expect_error(["not an HDF5 file"], text)
    partial = os.path.join(tmp, "partial.h5")
    make_scan(partial, plane_axes(), complete=False)
    c.expect_error(["incomplete"], partial)
    c.expect_error(["m_b", "m_a", "c_sb_plus"], scan, "-o", out, "--x", "m_b")
    c.expect_error(["RK_high", "RKstar_low"], scan, "-o", out, "--solutions", "RK_high")
    c.expect_error(["Bs_mumu", "nwa"], scan, "-o", out, "--exclusions", "Bs_mumu")
    c.expect_error(["NAME=INDEX"], scan, "-o", out, "--select", "m_a")
    c.check(not os.path.exists(out), "an error left an output file")


def test_select(c, tmp):
    """Three varied axes need --select; selecting two of them gives a 1-D band plot."""
    axes = {"c_ee": ([0.01, 0.1, 1.0], "GeV^-1", "c_{ee}/f_a"), **plane_axes()}
    config = CONFIG[:CONFIG.index("[[axes]]")]
    scan = os.path.join(tmp, "cube.h5")
    make_scan(scan, axes, config=config)
    c.expect_error(["c_ee", "--select"], scan)
    c.expect_error(["out of range"], scan, "--select", "c_ee=3")
    c.expect_ok(scan, "--select", "c_ee=1")
    c.expect_ok(scan, "--select", "c_ee=1", "--select", "m_a=5", "-o",
                os.path.join(tmp, "band.png"))


def test_observable_map(c, tmp):
    """A file without flags draws its config's first observable as a colour map (Gamma_a comes
    first in the file); NaN cells stay blank."""
    from matplotlib.image import imread
    full, holes = os.path.join(tmp, "map.h5"), os.path.join(tmp, "holes.h5")
    make_map(full)
    make_map(holes, holes=True)
    images = [imread(png) for png in (c.expect_ok(full), c.expect_ok(holes)) if os.path.isfile(png)]
    if len(images) == 2:
        low = colour_fraction(images[0], VIRIDIS_LOW)
        high = colour_fraction(images[0], VIRIDIS_HIGH)
        c.check(low > 0.1 and high > 0.1,
                f"RK = 1 and RK = 2 cells not drawn apart (low {low:.3f}, high {high:.3f})")
        white = [colour_fraction(image, WHITE) for image in images]
        c.check(white[1] > white[0] + 0.03, f"NaN cells not left blank (white {white})")
    c.expect_ok(full, "--observable", "Gamma_a", "-o", os.path.join(tmp, "log.png"))


def test_observable_line(c, tmp):
    """With one axis left by --select, the observable is drawn as a line, not as a colour map."""
    from matplotlib.image import imread
    scan = os.path.join(tmp, "map.h5")
    make_map(scan, holes=True)
    png = c.expect_ok(scan, "--observable", "Gamma_a", "--select", "m_a=5")
    if os.path.isfile(png):
        image = imread(png)
        c.check(colour_fraction(image, VIRIDIS_LOW) + colour_fraction(image, VIRIDIS_HIGH) == 0,
                "colour map drawn for a 1-D selection")
        rows, cols = image.shape[0] // 10, image.shape[1] // 10
        centre = image[4 * rows:6 * rows, 4 * cols:6 * cols]  # the log-log diagonal crosses it
        c.check(colour_fraction(centre, WHITE) > 0.9 and np.min(centre[..., :3]) < 0.3,
                "no line on a white background at the centre of the 1-D plot")
    c.expect_ok(scan, "--select", "c_sb_plus=29", "-o", os.path.join(tmp, "holes.png"))


def test_observable_errors(c, tmp):
    """--observable names a stored observable and excludes the region options; a file with neither
    flags nor observables has nothing to plot."""
    scan = os.path.join(tmp, "scan.h5")
    make_scan(scan, plane_axes())
    out = os.path.join(tmp, "err.png")
    rc, _, err = c.run(scan, "-o", out, "--observable", "BR_Kmumu")
    c.check(rc == 2 and "'BR_Kmumu'" in err and "RK[1.1,6.0]" in err and "pull_RK" not in err,
            f"unknown --observable: exit {rc}, stderr {err!r}")
    c.expect_error(["--observable", "--solutions"], scan, "-o", out, "--observable",
                   "RK[1.1,6.0]", "--solutions", "RK")
    empty = os.path.join(tmp, "empty.h5")
    make_map(empty, stored=False)
    c.expect_error(["no flags", "nothing to plot"], empty, "-o", out)
    c.check(not os.path.exists(out), "an error left an output file")
    c.expect_ok(scan, "--observable", "RK[1.1,6.0]", "-o", os.path.join(tmp, "rk.png"))


def check_benchmark_placement(c):
    """Benchmark coordinates follow their axes when the plotted axes are swapped or changed."""
    sys.dont_write_bytecode = True  # no __pycache__ beside the script in the source tree
    spec = importlib.util.spec_from_file_location("bscan_plot", c.script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    axes = [module.Axis(name, values, units, long_name, False)
            for name, (values, units, long_name) in plane_axes().items()]
    table = {"x": "m_a", "y": "c_sb_plus", "benchmarks": [{"x": 1.2, "y": 3.8e-10}]}
    swapped = module.place_benchmarks(table, axes, {}, "c_sb_plus", "m_a")
    c.check([(b["x"], b["y"]) for b in swapped] == [(3.8e-10, 1.2)],
            f"benchmark not swapped with the axes: {swapped}")
    c.check(module.place_benchmarks(table, axes, {"c_sb_plus": 3}, "m_a", None) == [],
            "benchmark drawn although its y axis is fixed by --select")
    flags = ["solves_RK_1s", "solves_RK_2s", "DeltaMs_1s", "DeltaMs_2s", "nwa", "allowed_2s"]
    anomalies, _ = module.classify(flags)
    picked = module.pick_solutions(["DeltaMs", "RK"], anomalies, module.bound_levels(flags))
    c.check(picked == [("DeltaMs", {"1s": "DeltaMs_1s", "2s": "DeltaMs_2s"}),
                       ("RK", {"1s": "solves_RK_1s", "2s": "solves_RK_2s"})],
            f"bound not resolved as a solution: {picked}")
    c.check(module.bound_levels(flags) == {"DeltaMs": {"1s": "DeltaMs_1s", "2s": "DeltaMs_2s"}},
            f"bound_levels: {module.bound_levels(flags)}")


CL_DARK = np.array([0x08, 0x51, 0x9c]) / 255  # the 1σ fill of --chi2


def test_chi2(c, tmp):
    """--chi2 GROUP: Δχ² regions around the plane's minimum, cells without prediction hatched,
    a named error for an unknown group."""
    from matplotlib.image import imread
    scan = os.path.join(tmp, "scan.h5")
    make_scan(scan, plane_axes())
    axes = plane_axes()
    m_a, coupling = np.meshgrid(axes["m_a"][0], axes["c_sb_plus"][0], indexing="ij")
    # a bowl with its minimum -5 at m_a = 1.5, log10 c = -9.5; NaN in one corner
    delta = 4 * (m_a - 1.5) ** 2 + 6 * (np.log10(coupling) + 9.5) ** 2 - 5
    delta[:5, :5] = np.nan
    with h5py.File(scan, "a") as h5:
        h5.create_dataset("delta_chi2_all", data=delta.astype(np.float32))
    png = os.path.join(tmp, "chi2.png")
    c.expect_ok(scan, "-o", png, "--chi2", "all")
    image = imread(png)
    dark = colour_fraction(image, CL_DARK)
    c.check(0.005 < dark < 0.3, f"1σ region covers {dark:.3f} of the image")
    c.expect_error(["no chi2 group", "'flavour'", "all"], scan, "-o", png, "--overwrite",
                   "--chi2", "flavour")
    c.expect_error(["--chi2", "--observable"], scan, "-o", png, "--overwrite", "--chi2", "all",
                   "--observable", "RK[1.1,6.0]")


def main(argv):
    """Run every test group in parallel; return the exit status."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 1
    checker = Checker(os.path.abspath(argv[1]))
    tests = [test_png, test_pdf, test_errors, test_select, test_bound_solution,
             test_observable_map, test_observable_line, test_observable_errors, test_chi2]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(len(tests)) as pool:
        dirs = [os.path.join(tmp, test.__name__) for test in tests]
        for directory in dirs:
            os.mkdir(directory)
        for done in [pool.submit(test, checker, d) for test, d in zip(tests, dirs)]:
            done.result()
    check_benchmark_placement(checker)
    if checker.failures:
        print(f"{len(checker.failures)} check(s) failed", file=sys.stderr)
        return 1
    print("all plot checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
