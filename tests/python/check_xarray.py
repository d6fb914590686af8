#!/usr/bin/env python3
"""Check that a bscan output file opens with xarray as a netCDF-4 dataset.

Usage: check_xarray.py FILE [EXPECTED_JSON]

EXPECTED_JSON (all keys optional):
  {"dims":   {"m_a": 5, ...},      # exactly these dimensions and sizes
   "coords": ["m_a", ...],         # these coordinates exist (default: one per dimension)
   "units":  {"m_a": "GeV", ...},  # `units` attribute of these variables/coordinates
   "attrs":  {"Conventions": "CF-1.8", ...}}  # global attributes

The file is checked with every installed engine among netcdf4 and h5netcdf.
Exit status: 0 success, 1 check failed, 77 xarray (or any engine) unavailable (ctest: skipped).
"""
import json
import sys

SKIP = 77
ENGINES = ("netcdf4", "h5netcdf")


def check(ds, expected):
    dims = expected.get("dims")
    if dims is not None:
        assert dict(ds.sizes) == dims, f"dims {dict(ds.sizes)} != {dims}"
    for name in expected.get("coords", list(ds.sizes)):
        assert name in ds.coords, f"no coordinate {name!r}; coords: {list(ds.coords)}"
    for name, units in expected.get("units", {}).items():
        actual = ds[name].attrs.get("units")
        assert actual == units, f"units of {name!r}: {actual!r} != {units!r}"
    for name, value in expected.get("attrs", {}).items():
        actual = ds.attrs.get(name)
        assert actual == value, f"global attribute {name!r}: {actual!r} != {value!r}"


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import xarray
    except ImportError as error:
        print(f"skipped: xarray not importable ({error})")
        return SKIP
    path = argv[1]
    expected = json.loads(argv[2]) if len(argv) == 3 else {}
    engines = [e for e in ENGINES if e in xarray.backends.list_engines()]
    if not engines:
        print(f"skipped: none of the xarray engines {ENGINES} is installed")
        return SKIP
    for engine in engines:
        with xarray.open_dataset(path, engine=engine) as ds:
            print(f"--- engine {engine}")
            print(ds)
            try:
                check(ds, expected)
            except AssertionError as error:
                print(f"FAILED with engine {engine}: {error}", file=sys.stderr)
                return 1
    print("OK with engines: " + ", ".join(engines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
