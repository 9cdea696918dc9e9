"""The few NumPy routines diffusers uses to build schedules, written out so their rounding is reproduced exactly.

NumPy's definitions (numpy/_core/function_base.py, multiarray/ctors.c, arraytypes fill):
  linspace(a, b, n)        y_i = i * ((b - a) / (n - 1)) + a, and y_{n-1} = b exactly   (endpoint=True)
  linspace(a, b, n, False) y_i = i * ((b - a) / n) + a
  arange(a, b, s)          length ceil((b - a) / s); y_0 = a, y_1 = a + s, y_i = a + i * (y_1 - y_0)
  round                    round half to even (Python's round() does the same)
  interp(x, xp, fp)        fp_j + (fp_{j+1} - fp_j) / (xp_{j+1} - xp_j) * (x - xp_j), with x in [xp_j, xp_{j+1})
"""

import math


def linspace(start: float, stop: float, num: int, endpoint: bool = True) -> list:
    div = (num - 1) if endpoint else num
    if num <= 0:
        return []
    if div == 0:
        return [float(start)]
    step = (stop - start) / div
    y = [i * step + start for i in range(num)]
    if endpoint and num > 1:
        y[-1] = float(stop)
    return y


def arange(start: float, stop: float, step: float) -> list:
    length = math.ceil((stop - start) / step)
    if length <= 0:
        return []
    y = [float(start)]
    if length == 1:
        return y
    y.append(start + step)
    delta = y[1] - y[0]
    for i in range(2, length):
        y.append(start + i * delta)
    return y


def round_half_even(x: float) -> float:
    return float(round(x))


def interp_unit_grid(x: float, fp: list) -> float:
    """np.interp(x, arange(len(fp)), fp) for x inside [0, len(fp) - 1]."""
    if x <= 0:
        return fp[0]
    last = len(fp) - 1
    if x >= last:
        return fp[last]
    j = int(math.floor(x))
    if x == j:
        return fp[j]
    slope = (fp[j + 1] - fp[j]) / 1.0
    return slope * (x - j) + fp[j]
