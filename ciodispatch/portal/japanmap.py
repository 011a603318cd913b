"""The map of Japan's 47 prefectures as SVG paths, from the vendored ``japanmap`` data.

The boundary data comes from the PyPI package japanmap 0.6.0 (Apache-2.0, Saito Tsutomu),
vendored unchanged under static/vendor/japanmap/ with its licence. The package itself needs
numpy, OpenCV and IPython to draw; we only need its boundaries, so this module reads the
JSON and does the same projection as ``japanmap.pref_map`` in plain Python: Hokkaido and
Okinawa moved closer (insets), longitude scaled by 0.812, latitude flipped.
"""

import json
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "static" / "vendor" / "japanmap" / "japan.json"
RATIO = (0.812, -1.0)
WIDTH = 1000  # viewBox units; the map is drawn into WIDTH x HEIGHT


def _boundaries():
    with DATA.open("rb") as fp:
        points, owners = json.load(fp)
    points = [list(p) for p in points]
    coords = [list(p[0]) for p in points]
    # As japanmap.get_data(move_hokkaido=True, move_okinawa=True).
    for i in owners[0][0][1][:-1]:
        coords[i] = [coords[i][0] - 10, coords[i][1] - 4.5]
    for i in owners[46][0][1][:-1]:
        coords[i] = [coords[i][0] + 4.5, coords[i][1] + 5]
    return coords, owners


@lru_cache(maxsize=1)
def prefecture_paths() -> tuple[tuple[tuple[str, str], ...], int, int]:
    """((prefecture code '01'..'47', SVG path d), ...), width, height of the viewBox."""
    coords, owners = _boundaries()
    polygons = []
    for k in range(len(owners)):
        polygon = [coords[i] for _neighbour, indices in owners[k] for i in indices]
        polygons.append([(x * RATIO[0], y * RATIO[1]) for x, y in polygon])
    xs = [x for polygon in polygons for x, _y in polygon]
    ys = [y for polygon in polygons for _x, y in polygon]
    min_x, min_y = min(xs), min(ys)
    scale = WIDTH / max(max(xs) - min_x, max(ys) - min_y)
    height = round((max(ys) - min_y) * scale)
    width = round((max(xs) - min_x) * scale)
    paths = []
    for k, polygon in enumerate(polygons):
        steps = []
        last = None
        for x, y in polygon:
            point = (round((x - min_x) * scale, 1), round((y - min_y) * scale, 1))
            if point != last:
                steps.append(f"{point[0]:g},{point[1]:g}")
                last = point
        paths.append((f"{k + 1:02d}", "M" + " L".join(steps) + " Z"))
    return tuple(paths), width, height
