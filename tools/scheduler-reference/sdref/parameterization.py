"""Model output -> clean-sample estimate (and noise estimate), shared by the reference samplers.

Variance-preserving (VP) samplers work on x_t = sqrt(abar) x0 + sqrt(1 - abar) eps; variance-exploding (VE) samplers
on x = x0 + sigma eps, whose model input is x / sqrt(sigma^2 + 1).
  epsilon        VP: x0 = (x - sqrt(1 - abar) e) / sqrt(abar)         VE: x0 = x - sigma e
  v_prediction   VP: x0 = sqrt(abar) x - sqrt(1 - abar) v             VE: x0 = x / (sigma^2 + 1) - sigma v / sqrt(sigma^2 + 1)
  sample         x0 = output
(v = sqrt(abar) eps - sqrt(1 - abar) x0, Salimans & Ho, 2022.)
"""

import math


def vp_x0_eps(out, x, abar, prediction):
    a, s = math.sqrt(abar), math.sqrt(1 - abar)
    if prediction == "epsilon":
        return [(xi - s * oi) / a for xi, oi in zip(x, out)], list(out)
    if prediction == "v_prediction":
        return [a * xi - s * oi for xi, oi in zip(x, out)], [a * oi + s * xi for xi, oi in zip(x, out)]
    if prediction == "sample":
        return list(out), [(xi - a * oi) / s for xi, oi in zip(x, out)]
    raise ValueError(prediction)


def ve_x0(out, x, sigma, prediction):
    if prediction == "epsilon":
        return [xi - sigma * oi for xi, oi in zip(x, out)]
    if prediction == "v_prediction":
        c = sigma * sigma + 1
        return [xi / c - sigma * oi / math.sqrt(c) for xi, oi in zip(x, out)]
    if prediction == "sample":
        return list(out)
    raise ValueError(prediction)


def ve_input(x, sigma):
    c = math.sqrt(sigma * sigma + 1)
    return [xi / c for xi in x]


def clip(x0, cfg):
    r = cfg["clip_sample_range"]
    return [min(max(v, -r), r) for v in x0] if cfg["clip_sample"] else x0
