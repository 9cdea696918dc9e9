"""The variance-exploding (k-diffusion style) samplers: Euler, Euler ancestral (noise-free), Heun, LMS.

A "model" is any function (x_in, t) -> model output, fed x / sqrt(sigma^2 + 1).
"""

import math

from .parameterization import clip, ve_input, ve_x0
from .schedules import schedule


def euler(model, x, cfg, n):
    """Karras et al. (2022) Algorithm 2 without churn: d = (x - x0) / sigma_i, x <- x + (sigma_{i+1} - sigma_i) d."""
    sch = schedule("euler", cfg, n)
    sig, ts = sch["sigmas"], sch["timesteps"]
    for i, t in enumerate(ts):
        s = sig[i]
        x0 = ve_x0(model(ve_input(x, s), t), x, s, cfg["prediction_type"])
        x = [xi + (xi - a) / s * (sig[i + 1] - s) for xi, a in zip(x, x0)]
    return x


def euler_ancestral_noise_free(model, x, cfg, n):
    """Euler ancestral (k-diffusion sample_euler_ancestral, eta = 1) with the fresh noise set to zero:
    sigma_up = sqrt(s_next^2 (s^2 - s_next^2) / s^2), sigma_down = sqrt(s_next^2 - sigma_up^2),
    x <- x + (sigma_down - s) (x - x0) / s  (+ sigma_up z, here z = 0).
    """
    sch = schedule("euler_a", cfg, n)
    sig, ts = sch["sigmas"], sch["timesteps"]
    for i, t in enumerate(ts):
        s, s_next = sig[i], sig[i + 1]
        x0 = ve_x0(model(ve_input(x, s), t), x, s, cfg["prediction_type"])
        up = math.sqrt(s_next ** 2 * (s ** 2 - s_next ** 2) / s ** 2)
        down = math.sqrt(s_next ** 2 - up ** 2)
        x = [xi + (xi - a) / s * (down - s) for xi, a in zip(x, x0)]
    return x


def heun(model, x, cfg, n):
    """Karras et al. (2022) Algorithm 1 (deterministic, no churn): Euler to sigma_{i+1}, then the trapezoid
    x_{i+1} = x_i + (sigma_{i+1} - sigma_i) (d_i + d'_i) / 2, d' evaluated at the Euler point; the last step
    (to sigma = 0) is plain Euler. Model times: t_i for the first evaluation, t_{i+1} for the second.
    """
    ts = schedule("euler", cfg, n)["timesteps"]            # the undoubled times
    sig = schedule("euler", cfg, n)["sigmas"]
    pred = cfg["prediction_type"]
    for i in range(n):
        s, s_next = sig[i], sig[i + 1]
        x0 = clip(ve_x0(model(ve_input(x, s), ts[i]), x, s, pred), cfg)
        d = [(xi - a) / s for xi, a in zip(x, x0)]
        x_euler = [xi + di * (s_next - s) for xi, di in zip(x, d)]
        if s_next == 0:
            x = x_euler
            continue
        x0b = clip(ve_x0(model(ve_input(x_euler, s_next), ts[i + 1]), x_euler, s_next, pred), cfg)
        d2 = [(xi - a) / s_next for xi, a in zip(x_euler, x0b)]
        x = [xi + (a + b) / 2 * (s_next - s) for xi, a, b in zip(x, d, d2)]
    return x


def _simpson(f, a, b, tol=1e-14, depth=60):
    """Adaptive Simpson quadrature (Kuncir 1962, Lyness 1969)."""
    def simpson(fa, fm, fb, a, b):
        return (b - a) / 6 * (fa + 4 * fm + fb)

    def rec(a, b, fa, fm, fb, whole, tol, depth):
        m = (a + b) / 2
        lm, rm = (a + m) / 2, (m + b) / 2
        flm, frm = f(lm), f(rm)
        left, right = simpson(fa, flm, fm, a, m), simpson(fm, frm, fb, m, b)
        if depth <= 0 or abs(left + right - whole) <= 15 * tol:
            return left + right + (left + right - whole) / 15
        return rec(a, m, fa, flm, fm, left, tol / 2, depth - 1) + rec(m, b, fm, frm, fb, right, tol / 2, depth - 1)

    fa, fb, fm = f(a), f(b), f((a + b) / 2)
    return rec(a, b, fa, fm, fb, simpson(fa, fm, fb, a, b), tol, depth)


def lms(model, x, cfg, n, max_order=4):
    """Linear multistep on dx/dsigma = (x - x0) / sigma (Karras et al. 2022, k-diffusion sample_lms):
    x_{i+1} = x_i + sum_k c_k d_{i-k}, c_k = integral over [sigma_i, sigma_{i+1}] of the Lagrange basis polynomial
    through sigma_i, ..., sigma_{i-order+1} that is 1 at sigma_{i-k}; order = min(i + 1, 4).
    """
    sch = schedule("lms", cfg, n)
    sig, ts = sch["sigmas"], sch["timesteps"]
    ds = []
    for i, t in enumerate(ts):
        s = sig[i]
        x0 = ve_x0(model(ve_input(x, s), t), x, s, cfg["prediction_type"])
        ds.append([(xi - a) / s for xi, a in zip(x, x0)])
        ds = ds[-max_order:]
        order = min(i + 1, max_order)
        coeffs = []
        for k in range(order):
            def basis(tau, k=k):
                p = 1.0
                for j in range(order):
                    if j != k:
                        p *= (tau - sig[i - j]) / (sig[i - k] - sig[i - j])
                return p
            coeffs.append(_simpson(basis, sig[i], sig[i + 1]))
        x = [xi + sum(c * d[j] for c, d in zip(coeffs, reversed(ds))) for j, xi in enumerate(x)]
    return x
