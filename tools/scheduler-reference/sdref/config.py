"""scheduler_config.json, resolved per scheduler class the way diffusers' from_config does.

A key missing from the file (or listed in _use_default_values) takes the class's own default.
"""

import json

# Per-class defaults that differ between the classes (diffusers' __init__ signatures).
CLASS_DEFAULTS = {
    "ddim": dict(beta_start=0.0001, beta_end=0.02, beta_schedule="linear", timestep_spacing="leading",
                 clip_sample=True, set_alpha_to_one=True),
    "pndm": dict(beta_start=0.0001, beta_end=0.02, beta_schedule="linear", timestep_spacing="leading",
                 clip_sample=False, set_alpha_to_one=False),
    "lms": dict(beta_start=0.0001, beta_end=0.02, beta_schedule="linear", timestep_spacing="linspace",
                clip_sample=False, set_alpha_to_one=False),
    "euler": dict(beta_start=0.0001, beta_end=0.02, beta_schedule="linear", timestep_spacing="linspace",
                  clip_sample=False, set_alpha_to_one=False),
    "euler_a": dict(beta_start=0.0001, beta_end=0.02, beta_schedule="linear", timestep_spacing="linspace",
                    clip_sample=False, set_alpha_to_one=False),
    "heun": dict(beta_start=0.00085, beta_end=0.012, beta_schedule="linear", timestep_spacing="linspace",
                 clip_sample=False, set_alpha_to_one=False),
    "dpmpp_2m": dict(beta_start=0.0001, beta_end=0.02, beta_schedule="linear", timestep_spacing="linspace",
                     clip_sample=False, set_alpha_to_one=False),
    "dpmpp_2m_karras": dict(beta_start=0.0001, beta_end=0.02, beta_schedule="linear", timestep_spacing="linspace",
                            clip_sample=False, set_alpha_to_one=False),
    "unipc": dict(beta_start=0.0001, beta_end=0.02, beta_schedule="linear", timestep_spacing="linspace",
                  clip_sample=False, set_alpha_to_one=False),
    "lcm": dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", timestep_spacing="leading",
                clip_sample=False, set_alpha_to_one=True),
}

COMMON_DEFAULTS = dict(num_train_timesteps=1000, prediction_type="epsilon", steps_offset=0, clip_sample_range=1.0,
                       skip_prk_steps=False)


def load(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def resolve(raw: dict, scheduler: str, prediction: str | None = None) -> dict:
    defaulted = set(raw.get("_use_default_values", []))
    cfg = {}
    for key, default in {**COMMON_DEFAULTS, **CLASS_DEFAULTS[scheduler]}.items():
        value = raw.get(key)
        cfg[key] = default if value is None or key in defaulted else value
    if prediction is not None:
        cfg["prediction_type"] = prediction
    return cfg
