"""The discrete noise schedule of DDPM (Ho et al., 2020), as diffusers tabulates it in float32.

  beta_i                 linear: linspace(beta_start, beta_end, T); scaled_linear: linspace(sqrt(b0), sqrt(b1), T)^2;
                         squaredcos_cap_v2: 1 - abar(t_{i+1}) / abar(t_i), abar(t) = cos^2((t + 0.008) / 1.008 * pi / 2)
  alpha_i = 1 - beta_i
  abar_i  = prod_{k <= i} alpha_k                    (torch.cumprod on CPU: double accumulator, float32 outputs)
  sigma_i = sqrt((1 - abar_i) / abar_i)              (the variance-exploding noise level of Karras et al., 2022)

torch.linspace(a, b, T) in float32 evaluates a + step * i for i < T / 2 and b - step * (T - 1 - i) above, with
step = (b - a) / (T - 1), every operation in float32.
"""

import math

from .floats import f32, f32_sqrt


def _torch_linspace_f32(start: float, end: float, n: int) -> list:
    a, b = f32(start), f32(end)
    if n == 1:
        return [a]
    step = f32(f32(b - a) / f32(n - 1))
    half = n // 2
    out = []
    for i in range(n):
        if i < half:
            out.append(f32(a + f32(step * i)))
        else:
            out.append(f32(b - f32(step * (n - 1 - i))))
    return out


def betas(cfg: dict) -> list:
    n = cfg["num_train_timesteps"]
    kind = cfg["beta_schedule"]
    if kind == "linear":
        return _torch_linspace_f32(cfg["beta_start"], cfg["beta_end"], n)
    if kind == "scaled_linear":
        roots = _torch_linspace_f32(math.sqrt(cfg["beta_start"]), math.sqrt(cfg["beta_end"]), n)
        return [f32(r * r) for r in roots]
    if kind == "squaredcos_cap_v2":
        def abar(t):
            return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        return [f32(min(1 - abar((i + 1) / n) / abar(i / n), 0.999)) for i in range(n)]
    raise ValueError(kind)


def alphas_cumprod(cfg: dict) -> list:
    acc = 1.0
    out = []
    for beta in betas(cfg):
        acc *= f32(1.0 - beta)
        out.append(f32(acc))
    return out


def sigma_table(abar: list) -> list:
    """sigma_t = sqrt((1 - abar_t) / abar_t), in float32 like diffusers' ((1 - ac) / ac) ** 0.5."""
    return [f32_sqrt(f32(f32(1.0 - a) / a)) for a in abar]


def log_sigma_table(sigmas: list) -> list:
    """np.log of the float32 sigma table (a float32 array)."""
    return [f32(math.log(s)) for s in sigmas]
