"""1-D curves of stored observables against one axis, from one or more bscan files, with the data
points of a measurement set as error bars (paper 001 Fig. 1: R_K(q2), R_K*(q2), P5'(q2)).

`bscan plot A.h5 B.h5 --curves "RK[q2],P5p(B0->K*0mumu)[q2]" --data paper-2017`: one panel per
observable; in each, one curve per file and per value of the file's other axes (at most
MAX_CURVES_PER_FILE), labelled by the file's [plot] label (else its name) and those values. The data
points are the set's constraints whose observable is the curve's with a bin in place of its
argument (`RK[q2]` <- `RK[1.0,6.0]`): a horizontal bar over the bin, the vertical one the
measurement's stat and syst errors added in quadrature, per side.
"""
import os
import re
import tomllib

import numpy as np

MAX_CURVES_PER_FILE = 12
BIN = re.compile(r"^(?P<head>.*)\[(?P<lo>[^,\]]+),(?P<hi>[^,\]]+)\]$")


class CurveError(Exception):
    """A user-facing error (reported by bscan_plot as one line, exit status 2)."""


def data_dir():
    """data/ of the source tree (or $BSCAN_DATA_DIR, which `bscan plot` sets)."""
    env = os.environ.get("BSCAN_DATA_DIR")
    if env:
        return env
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data")


def load_set(name_or_path, relative_to=None, seen=()):
    """A measurement set's constraints by name, with `extends` and `remove` resolved."""
    path = name_or_path
    if not path.endswith(".toml"):
        path = os.path.join(data_dir(), "measurements", name_or_path + ".toml")
    elif relative_to and not os.path.isabs(path):
        path = os.path.join(relative_to, path)
    path = os.path.abspath(path)
    if path in seen:
        raise CurveError(f"measurement set {name_or_path}: 'extends' loops back to itself")
    try:
        with open(path, "rb") as stream:
            doc = tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise CurveError(f"cannot read measurement set {name_or_path}: {err}") from err
    constraints = {}
    if "extends" in doc:
        constraints = load_set(doc["extends"], os.path.dirname(path), seen + (path,))
    for name in doc.get("remove", []):
        constraints.pop(name, None)
    for entry in doc.get("constraint", []):
        constraints[entry["name"]] = entry
    return constraints


def data_points(constraints, curve_id):
    """(centre, half width, value, minus, plus, name) of the measurements binned like curve_id."""
    head = curve_id[:curve_id.rfind("[")] if "[" in curve_id else curve_id
    points = []
    for name, entry in constraints.items():
        match = BIN.match(entry.get("observable", ""))
        if entry.get("type") != "measurement" or not match or match["head"] != head:
            continue
        lo, hi = float(match["lo"]), float(match["hi"])
        errors = np.asarray(entry["errors"], dtype=float).reshape(-1, 2)
        plus, minus = np.sqrt((errors ** 2).sum(axis=0))
        points.append(((lo + hi) / 2, (hi - lo) / 2, float(entry["value"]), minus, plus, name))
    return points


def dataset_name(curve_id):
    """The HDF5 name bscan gives an observable ('/' is a path separator there)."""
    return curve_id.replace("/", "_")


def file_curves(h5, axes, x, curve_id, label):
    """(label, x values, y values) of one observable of one file: a curve per other-axis point."""
    name = dataset_name(curve_id)
    if name not in h5:
        raise CurveError(f"{h5.filename} has no observable {curve_id}")
    data = np.asarray(h5[name][()], dtype=float)
    names = [axis.name for axis in axes]
    if x not in names:
        raise CurveError(f"{h5.filename} has no axis {x} (axes: {', '.join(names)})")
    k = names.index(x)
    data = np.moveaxis(data.reshape([axis.values.size for axis in axes]), k, -1)
    others = [axis for axis in axes if axis.name != x]
    rows = data.reshape(-1, axes[k].values.size)
    if rows.shape[0] > MAX_CURVES_PER_FILE:
        raise CurveError(f"{h5.filename}: {rows.shape[0]} curves against {x} (at most "
                         f"{MAX_CURVES_PER_FILE}; fewer values on the other axes)")
    curves = []
    for r, row in enumerate(rows):
        parts, rest = [], r
        for axis in reversed(others):
            parts.append(f"{axis.name} = {axis.values[rest % axis.values.size]:.4g}")
            rest //= axis.values.size
        text = label + (f" ({', '.join(reversed(parts))})" if parts else "")
        curves.append((text, axes[k].values, row))
    return curves


def draw(fig, panels, points, xlabel, math_label):
    """One axes per observable: its curves, then the data points as error bars."""
    axs = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (curve_id, curves) in zip(axs, panels):
        for text, xs, ys in curves:
            ax.plot(xs, ys, label=text)
        for centre, half, value, minus, plus, name in points.get(curve_id, []):
            ax.errorbar(centre, value, xerr=half, yerr=[[minus], [plus]], fmt="o", color="black",
                        markersize=3, capsize=2, label=None)
            ax.annotate(name, (centre, value), fontsize=5, xytext=(2, 2),
                        textcoords="offset points")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(math_label(curve_id))
    axs[0].legend(fontsize="x-small")
    return axs
