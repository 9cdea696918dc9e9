"""The exponential-integrator multistep samplers: DPM-Solver++(2M) (plain and Karras sigmas) and UniPC-bh2.

A "model" is any function (x_in, t) -> model output; both samplers feed it the variance-preserving sample.
"""

import math

from .parameterization import ve_input, ve_x0
from .schedules import schedule


def dpmpp_2m(model, x, cfg, n, karras=False):
    """DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2) in k-diffusion's sigma form, on x_ve = x_vp * sqrt(sigma^2 + 1):
    lambda = -log sigma, h = lambda_{i+1} - lambda_i, r = h_{i-1} / h,
    D = (1 + 1/(2r)) x0_i - 1/(2r) x0_{i-1}   (first step and the step to sigma = 0: D = x0_i),
    x_ve <- (sigma_{i+1} / sigma_i) x_ve - expm1(-h) D.
    The VP sample diffusers keeps is x_ve / sqrt(sigma^2 + 1); at sigma = 0 both are x0.
    """
    sch = schedule("dpmpp_2m_karras" if karras else "dpmpp_2m", cfg, n)
    sig, ts = sch["sigmas"], sch["timesteps"]
    x_ve = [xi * math.sqrt(sig[0] ** 2 + 1) for xi in x]
    old, h_last = None, None
    for i, t in enumerate(ts):
        s, s_next = sig[i], sig[i + 1]
        x0 = ve_x0(model(ve_input(x_ve, s), t), x_ve, s, cfg["prediction_type"])
        if s_next == 0:
            x_ve = x0
            break
        h = math.log(s) - math.log(s_next)
        if old is None:
            d = x0
        else:
            r = h_last / h
            d = [(1 + 1 / (2 * r)) * a - 1 / (2 * r) * b for a, b in zip(x0, old)]
        x_ve = [s_next / s * xi - math.expm1(-h) * di for xi, di in zip(x_ve, d)]
        old, h_last = x0, h
    return [xi / math.sqrt(sig[len(ts)] ** 2 + 1) for xi in x_ve]


def _solve(a, b):
    """Gaussian elimination with partial pivoting for a small dense system."""
    n = len(b)
    m = [row[:] + [bi] for row, bi in zip(a, b)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            for k in range(c, n + 1):
                m[r][k] -= f * m[c][k]
    out = [0.0] * n
    for r in reversed(range(n)):
        out[r] = (m[r][n] - sum(m[r][k] * out[k] for k in range(r + 1, n))) / m[r][r]
    return out


def unipc(model, x, cfg, n, solver_order=2):
    """UniPC (Zhao et al. 2023) with B(h) = expm1(h) ("bh2"), data prediction, order 2, as diffusers configures it.

    VP variables: alpha = 1 / sqrt(sigma^2 + 1), sigma_vp = sigma alpha, lambda = log(alpha / sigma_vp), h = lambda_t - lambda_s.
    With hh = -h: phi_1 = expm1(hh), B = expm1(hh); for k >= 1 the g_k = k! phi_{k+1}(hh) / B, phi_{k+1} from
    phi_{k+1} = phi_k / hh - 1 / k!, phi_1 / hh - 1 = phi_2.
    UniP-p: x_t = (sigma_t/sigma_s) x_s - alpha_t phi_1 m_s - alpha_t B sum_k a_k D_k, D_k = (m_{s_k} - m_s) / r_k,
            r_k = (lambda_{s_k} - lambda_s) / h; for p = 2 diffusers fixes a_1 = 1/2.
    UniC-p: the same from the previous sample with the fresh output m_t added as the last point (r = 1), weights
            solving sum_k a_k r_k^(j-1) = g_j for j = 1..p (p = 1: a = 1/2).
    The corrector is applied at every step but the first; the last step (to sigma = 0) predicts with order 1, and
    its output is not corrected.
    """
    sch = schedule("unipc", cfg, n)
    sig, ts = sch["sigmas"], sch["timesteps"]
    pred = cfg["prediction_type"]

    def alpha_sigma_lambda(s):
        alpha = 1 / math.sqrt(s * s + 1)
        sv = s * alpha
        lam = math.log(alpha) - math.log(sv) if sv > 0 else math.inf
        return alpha, sv, lam

    def g_coeffs(hh, p):
        b = math.expm1(hh)
        phi = math.expm1(hh) / hh - 1
        g, fact = [], 1
        for k in range(1, p + 1):
            g.append(phi * fact / b)
            fact *= k + 1
            phi = phi / hh - 1 / fact
        return g

    def vp_x0(out, xv, s):
        alpha, sv, _ = alpha_sigma_lambda(s)
        if pred == "epsilon":
            return [(a - sv * o) / alpha for a, o in zip(xv, out)]
        if pred == "v_prediction":
            return [alpha * a - sv * o for a, o in zip(xv, out)]
        return list(out)

    ms, idx = [], []                  # data predictions and their step indices, newest last
    last_x, last_order = None, None
    for i, t in enumerate(ts):
        m = vp_x0(model(x, t), x, sig[i])
        if last_x is not None:        # UniC on the step (i-1) -> i
            a_t, sv_t, l_t = alpha_sigma_lambda(sig[i])
            a_s, sv_s, l_s = alpha_sigma_lambda(sig[i - 1])
            h = l_t - l_s
            hh = -h
            m_s = ms[-1]
            rks, dks = [], []
            for k in range(1, last_order):
                l_k = alpha_sigma_lambda(sig[idx[-1 - k]])[2]
                r = (l_k - l_s) / h
                rks.append(r)
                dks.append([(a - b) / r for a, b in zip(ms[-1 - k], m_s)])
            rks.append(1.0)
            g = g_coeffs(hh, last_order)
            if last_order == 1:
                rho = [0.5]
            else:
                rho = _solve([[r ** j for r in rks] for j in range(last_order)], g)
            bh = math.expm1(hh)
            base = [sv_t / sv_s * a - a_t * math.expm1(hh) * b for a, b in zip(last_x, m_s)]
            x = [base[j]
                 - a_t * bh * (sum(rho[k] * dks[k][j] for k in range(len(dks))) + rho[-1] * (m[j] - m_s[j]))
                 for j in range(len(x))]
        ms.append(m)
        idx.append(i)
        order = min(solver_order, len(ts) - i, len(ms))
        last_x, last_order = x, order
        # UniP on the step i -> i+1
        a_t, sv_t, l_t = alpha_sigma_lambda(sig[i + 1])
        a_s, sv_s, l_s = alpha_sigma_lambda(sig[i])
        if sv_t == 0:
            x = list(m)                 # sigma_{i+1} = 0: x_t = x0 (phi_1 = B = -1)
            continue
        h = l_t - l_s
        hh = -h
        bh = math.expm1(hh)
        base = [sv_t / sv_s * a - a_t * math.expm1(hh) * b for a, b in zip(x, m)]
        if order == 1:
            x = base
        else:
            l_k = alpha_sigma_lambda(sig[idx[-2]])[2]
            r = (l_k - l_s) / h
            dk = [(a - b) / r for a, b in zip(ms[-2], m)]
            x = [base[j] - a_t * bh * 0.5 * dk[j] for j in range(len(x))]
    return x
