"""The reference samplers by name, for generate_fixtures.py.

Each is a whole loop over a model, written from the published update rules; see the modules for the equations.
Noise-free variants of the ancestral samplers (Euler a, LCM) take the fresh noise to be zero.
"""

from .multistep_samplers import dpmpp_2m, unipc
from .ve_samplers import euler, euler_ancestral_noise_free, heun, lms
from .vp_samplers import ddim, lcm_noise_free, pndm, pndm_prk, prk_timesteps

SAMPLERS = {
    "ddim": ddim,
    "pndm": pndm,
    "lms": lms,
    "euler": euler,
    "heun": heun,
    "dpmpp_2m": dpmpp_2m,
    "dpmpp_2m_karras": lambda m, x, c, n: dpmpp_2m(m, x, c, n, karras=True),
    "unipc": unipc,
}

NOISE_FREE = {
    "euler_a": euler_ancestral_noise_free,
    "lcm": lcm_noise_free,
}

__all__ = ["SAMPLERS", "NOISE_FREE", "pndm_prk", "prk_timesteps"]
