"""Timesteps and sigmas of each sampler for N inference steps, following diffusers' set_timesteps.

Spacings (T = num_train_timesteps, N = steps):
  leading   t_k = k * (T // N) + steps_offset, descending
  linspace  t_k = linspace(0, T - 1, N), descending (rounded to integers by the integer-time samplers)
  trailing  t_k = round(arange(T, 0, -T / N)) - 1
DPM-Solver and UniPC space N + 1 points and drop the last (t = 0). PLMS repeats its second timestep (the warm-up
step is evaluated twice); Heun evaluates every timestep after the first twice. LCM picks N of the 50 distillation
timesteps 999, 979, ..., 19 at indices floor(linspace(0, 50, N, endpoint=False)).
"""

import math

from . import numpy_compat as np
from .floats import f32
from .tables import alphas_cumprod, log_sigma_table, sigma_table


def integer_timesteps(cfg: dict, n: int) -> list:
    """DDIM's (and PLMS's, reversed) integer timesteps, descending."""
    T = cfg["num_train_timesteps"]
    spacing = cfg["timestep_spacing"]
    if spacing == "leading":
        ratio = T // n
        return [k * ratio + cfg["steps_offset"] for k in reversed(range(n))]
    if spacing == "linspace":
        return [int(np.round_half_even(v)) for v in reversed(np.linspace(0, T - 1, n))]
    if spacing == "trailing":
        return [int(np.round_half_even(v)) - 1 for v in np.arange(T, 0, -T / n)]
    raise ValueError(spacing)


def float_timesteps(cfg: dict, n: int) -> list:
    """Euler / Euler a / Heun / LMS timesteps (float32), descending."""
    T = cfg["num_train_timesteps"]
    spacing = cfg["timestep_spacing"]
    if spacing == "linspace":
        return [f32(v) for v in reversed(np.linspace(0, T - 1, n))]
    if spacing == "leading":
        ratio = T // n
        return [f32(k * ratio + cfg["steps_offset"]) for k in reversed(range(n))]
    if spacing == "trailing":
        return [f32(np.round_half_even(v)) - 1 for v in np.arange(T, 0, -T / n)]
    raise ValueError(spacing)


def multistep_timesteps(cfg: dict, n: int) -> list:
    """DPM-Solver++ / UniPC integer timesteps: N + 1 points, the last (0) dropped."""
    T = cfg["num_train_timesteps"]
    spacing = cfg["timestep_spacing"]
    if spacing == "linspace":
        return [int(np.round_half_even(v)) for v in reversed(np.linspace(0, T - 1, n + 1))][:-1]
    if spacing == "leading":
        ratio = T // (n + 1)
        return [k * ratio + cfg["steps_offset"] for k in reversed(range(n + 1))][:-1]
    if spacing == "trailing":
        return [int(np.round_half_even(v)) - 1 for v in np.arange(T, 0, -T / n)]
    raise ValueError(spacing)


def interpolated_sigmas(cfg: dict, timesteps: list) -> list:
    """sigma(t) by linear interpolation of the sigma table, stored as float32, with a final 0."""
    table = sigma_table(alphas_cumprod(cfg))
    return [f32(np.interp_unit_grid(float(t), table)) for t in timesteps] + [0.0]


def karras_sigmas(cfg: dict, n: int) -> tuple:
    """Karras et al. (2022) eq. 5: sigma_i = (smax^(1/rho) + i/(N-1) (smin^(1/rho) - smax^(1/rho)))^rho, rho = 7.

    The model time of each sigma inverts the table by interpolating log sigma (diffusers' _sigma_to_t), rounded.
    """
    table = sigma_table(alphas_cumprod(cfg))
    logs = log_sigma_table(table)
    smin, smax, rho = table[0], table[-1], 7.0
    ramp = np.linspace(0, 1, n)
    sig = [(smax ** (1 / rho) + r * (smin ** (1 / rho) - smax ** (1 / rho))) ** rho for r in ramp]
    ts = []
    for s in sig:
        ls = math.log(max(s, 1e-10))
        below = sum(1 for v in logs if ls - v >= 0)
        low = min(max(below - 1, 0), len(logs) - 2)
        w = (logs[low] - ls) / (logs[low] - logs[low + 1])
        w = min(max(w, 0.0), 1.0)
        t = (1 - w) * low + w * (low + 1)
        ts.append(t if cfg["beta_schedule"] == "squaredcos_cap_v2" else np.round_half_even(t))
    return ts, [f32(s) for s in sig] + [0.0]


def lcm_timesteps(cfg: dict, n: int, original_steps: int = 50) -> list:
    T = cfg["num_train_timesteps"]
    k = T // original_steps
    origin = [i * k - 1 for i in range(original_steps, 0, -1)]
    return [origin[int(math.floor(v))] for v in np.linspace(0, len(origin), n, endpoint=False)]


def schedule(name: str, cfg: dict, n: int) -> dict:
    """{'timesteps': one entry per model call, 'sigmas': list or None, 'init_noise_sigma': float}."""
    if name == "ddim":
        return dict(timesteps=[float(t) for t in integer_timesteps(cfg, n)], sigmas=None, init_noise_sigma=1.0)
    if name == "pndm":
        asc = list(reversed(integer_timesteps(cfg, n)))
        plms = list(reversed(asc[:-1] + asc[-2:-1] + asc[-1:]))
        return dict(timesteps=[float(t) for t in plms], sigmas=None, init_noise_sigma=1.0)
    if name in ("lms", "euler", "euler_a", "heun"):
        ts = float_timesteps(cfg, n)
        sig = interpolated_sigmas(cfg, ts)
        smax = max(sig)
        init = smax if cfg["timestep_spacing"] in ("linspace", "trailing") else f32(math.sqrt(f32(f32(smax * smax) + 1)))
        if name == "heun":
            ts = ts[:1] + [t for t in ts[1:] for _ in range(2)]
            sig = sig[:1] + [s for s in sig[1:-1] for _ in range(2)] + sig[-1:]
        return dict(timesteps=ts, sigmas=sig, init_noise_sigma=init)
    if name in ("dpmpp_2m", "unipc"):
        ts = multistep_timesteps(cfg, n)
        return dict(timesteps=[float(t) for t in ts], sigmas=interpolated_sigmas(cfg, ts), init_noise_sigma=1.0)
    if name == "dpmpp_2m_karras":
        ts, sig = karras_sigmas(cfg, n)
        return dict(timesteps=[float(t) for t in ts], sigmas=sig, init_noise_sigma=1.0)
    if name == "lcm":
        return dict(timesteps=[float(t) for t in lcm_timesteps(cfg, n)], sigmas=None, init_noise_sigma=1.0)
    raise ValueError(name)
