"""The variance-preserving samplers: DDIM, PLMS / PNDM (with and without the Runge-Kutta warm-up), LCM.

A "model" is any function (x_in, t) -> model output; these samplers feed it the sample itself.
"""

import math

from .parameterization import clip, vp_x0_eps
from .schedules import integer_timesteps, schedule
from .tables import alphas_cumprod


def ddim(model, x, cfg, n):
    """Song et al. (2021) eq. 12 with eta = 0: x_prev = sqrt(abar_prev) x0 + sqrt(1 - abar_prev) eps.

    diffusers steps from t to t - T // N whatever the spacing; below 0 it uses abar_0 (or 1 with set_alpha_to_one).
    """
    ac = alphas_cumprod(cfg)
    final = 1.0 if cfg["set_alpha_to_one"] else ac[0]
    ts = schedule("ddim", cfg, n)["timesteps"]
    for t in ts:
        t = int(t)
        prev = t - cfg["num_train_timesteps"] // n
        ab, ab_prev = ac[t], (ac[prev] if prev >= 0 else final)
        x0, eps = vp_x0_eps(model(x, t), x, ab, cfg["prediction_type"])
        x0 = clip(x0, cfg)
        x = [math.sqrt(ab_prev) * a + math.sqrt(1 - ab_prev) * e for a, e in zip(x0, eps)]
    return x


def _pndm_transfer(x, eps, ab, ab_prev):
    """Liu et al. (2022) eq. 11, the transfer part phi(x_t, eps_t, t, t - delta):
    x_{t-d} = sqrt(ab_{t-d} / ab_t) x_t - (ab_{t-d} - ab_t) eps_t / (sqrt(ab_t) (sqrt((1 - ab_{t-d}) ab_t) + sqrt((1 - ab_t) ab_{t-d})))
    """
    c_x = math.sqrt(ab_prev / ab)
    c_e = (ab_prev - ab) / (math.sqrt(ab) * (math.sqrt((1 - ab_prev) * ab) + math.sqrt((1 - ab) * ab_prev)))
    return [c_x * xi - c_e * ei for xi, ei in zip(x, eps)]


def pndm(model, x, cfg, n):
    """Pseudo linear multistep (PLMS, Liu et al. 2022) as diffusers runs it with skip_prk_steps.

    Warm-up: e0 = eps(x_t0); x' = phi(x, e0, t0, t1); e1 = eps(x', t1); x_t1 = phi(x, (e0 + e1) / 2, t0, t1).
    Then Adams-Bashforth on the kept outputs (e1 is not kept): orders 2, 3, 4 with weights
    (3, -1) / 2, (23, -16, 5) / 12, (55, -59, 37, -9) / 24.
    v_prediction outputs are combined first and turned into eps with the sample and timestep of the transfer.
    """
    ac = alphas_cumprod(cfg)
    final = 1.0 if cfg["set_alpha_to_one"] else ac[0]
    ratio = cfg["num_train_timesteps"] // n
    pred = cfg["prediction_type"]

    def abar(t):
        return ac[t] if t >= 0 else final

    def to_eps(out, base, t):
        if pred == "epsilon":
            return out
        if pred == "v_prediction":
            a, s = math.sqrt(abar(t)), math.sqrt(1 - abar(t))
            return [a * o + s * b for o, b in zip(out, base)]
        raise ValueError(pred)

    ts = [int(t) for t in schedule("pndm", cfg, n)["timesteps"]]
    # diffusers steps from t to t - T // N; the repeated warm-up call goes from ts[1] + T // N to ts[1]
    # (the same two times as the first call under leading spacing).
    kept = []
    t0 = ts[0]
    e0 = model(x, t0)
    kept.append(e0)
    x_euler = _pndm_transfer(x, to_eps(e0, x, t0), abar(t0), abar(t0 - ratio))
    if len(ts) == 1:
        return x_euler
    e1 = model(x_euler, ts[1])
    avg = [(a + b) / 2 for a, b in zip(e1, e0)]
    t_from = ts[1] + ratio
    x = _pndm_transfer(x, to_eps(avg, x, t_from), abar(t_from), abar(ts[1]))
    for t in ts[2:]:
        e = model(x, t)
        kept = kept[-3:] + [e]
        if len(kept) == 2:
            comb = [(3 * a - b) / 2 for a, b in zip(kept[-1], kept[-2])]
        elif len(kept) == 3:
            comb = [(23 * a - 16 * b + 5 * c) / 12 for a, b, c in zip(kept[-1], kept[-2], kept[-3])]
        else:
            comb = [(55 * a - 59 * b + 37 * c - 9 * d) / 24
                    for a, b, c, d in zip(kept[-1], kept[-2], kept[-3], kept[-4])]
        x = _pndm_transfer(x, to_eps(comb, x, t), abar(t), abar(t - ratio))
    return x


def pndm_prk(model, x, cfg, n):
    """PNDM with its pseudo Runge-Kutta warm-up (skip_prk_steps = False; Liu et al. 2022 eq. 13) for the top three
    steps t -> t' (delta = T // N, h = delta // 2, midpoint time m = t' + h as diffusers places it):
      e1 = eps(x, t);  x1 = phi(x, e1, t, t - h);  e2 = eps(x1, m);  x2 = phi(x, e2, t, m)
      e3 = eps(x2, m); x3 = phi(x, e3, t, t');     e4 = eps(x3, t');  x_t' = phi(x, (e1 + 2 e2 + 2 e3 + e4) / 6, t, t')
    then 4th-order Adams-Bashforth on the kept e1 of each warm-up step (plus each new output) from the 4th timestep.
    """
    ac = alphas_cumprod(cfg)
    final = 1.0 if cfg["set_alpha_to_one"] else ac[0]
    ratio = cfg["num_train_timesteps"] // n
    h = ratio // 2
    pred = cfg["prediction_type"]

    def abar(t):
        return ac[t] if t >= 0 else final

    def to_eps(out, base, t):
        if pred == "epsilon":
            return out
        a, s = math.sqrt(abar(t)), math.sqrt(1 - abar(t))
        return [a * o + s * b for o, b in zip(out, base)]

    def transfer(base, out, t, t_to):
        return _pndm_transfer(base, to_eps(out, base, t), abar(t), abar(t_to))

    desc = integer_timesteps(cfg, n)
    kept = []
    for s_idx in range(3):
        t, t_next = desc[s_idx], desc[s_idx + 1]
        mid = t_next + h
        e1 = model(x, t)
        kept.append(e1)
        x1 = transfer(x, e1, t, t - h)
        e2 = model(x1, mid)
        x2 = transfer(x, e2, t, mid)
        e3 = model(x2, mid)
        x3 = transfer(x, e3, t, t_next)
        e4 = model(x3, t_next)
        x = transfer(x, [(a + 2 * b + 2 * c + d) / 6 for a, b, c, d in zip(e1, e2, e3, e4)], t, t_next)
    for t in desc[3:]:
        e = model(x, t)
        kept = kept[-3:] + [e]
        comb = [(55 * a - 59 * b + 37 * c - 9 * d) / 24 for a, b, c, d in zip(kept[-1], kept[-2], kept[-3], kept[-4])]
        x = transfer(x, comb, t, t - ratio)
    return x


def prk_timesteps(cfg, n):
    """The model times of pndm_prk, one per call: t, m, m, t' for the three warm-up steps, then the rest."""
    desc = integer_timesteps(cfg, n)
    h = (cfg["num_train_timesteps"] // n) // 2
    out = []
    for s_idx in range(3):
        out += [desc[s_idx], desc[s_idx + 1] + h, desc[s_idx + 1] + h, desc[s_idx + 1]]
    return [float(t) for t in out + desc[3:]]


def lcm_noise_free(model, x, cfg, n):
    """Latent consistency sampling (Luo et al. 2023) with the re-noising noise set to zero:
    c_skip = sd^2 / ((10 t)^2 + sd^2), c_out = 10 t / sqrt((10 t)^2 + sd^2), sd = 0.5;
    denoised = c_out x0 + c_skip x; x_next = sqrt(abar_next) denoised (+ sqrt(1 - abar_next) z); last step: denoised.
    """
    ac = alphas_cumprod(cfg)
    ts = [int(t) for t in schedule("lcm", cfg, n)["timesteps"]]
    for i, t in enumerate(ts):
        x0, _ = vp_x0_eps(model(x, t), x, ac[t], cfg["prediction_type"])
        x0 = clip(x0, cfg)
        st = 10.0 * t
        c_skip = 0.25 / (st * st + 0.25)
        c_out = st / math.sqrt(st * st + 0.25)
        denoised = [c_out * a + c_skip * b for a, b in zip(x0, x)]
        if i == len(ts) - 1:
            x = denoised
        else:
            x = [math.sqrt(ac[ts[i + 1]]) * d for d in denoised]
    return x
