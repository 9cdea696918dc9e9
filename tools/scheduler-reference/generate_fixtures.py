#!/usr/bin/env python3
"""Writes the scheduler test fixtures from SdPortal's pure-Python reference samplers.

  python3 tools/scheduler-reference/generate_fixtures.py [--config PATH] [--out DIR]

For every sampler, prediction type (epsilon, v_prediction) and step count (20, 7) it records the schedule and the
result of the deterministic trace the C# `scheduler-trace` command runs:
  x[i] = sin(0.1 i) * init_noise_sigma, i = 0..255 (a [1, 4, 8, 8] latent);
  per model call: out = 0.1 * x_in + 0.05 * cos(t / 100), x_in the scaled model input, t the call's timestep.
The stochastic samplers (Euler a, LCM) are recorded with their fresh noise set to zero ("noiseFreeFinal").
50-step cases carry the schedule only.
"""

import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sdref import config as sdconfig  # noqa: E402
from sdref.samplers import NOISE_FREE, SAMPLERS, pndm_prk, prk_timesteps  # noqa: E402
from sdref.schedules import schedule  # noqa: E402

DISPLAY = {
    "ddim": "DDIM", "pndm": "PNDM", "lms": "LMS", "euler": "Euler", "euler_a": "Euler a", "heun": "Heun",
    "dpmpp_2m": "DPM++ 2M", "dpmpp_2m_karras": "DPM++ 2M Karras", "unipc": "UniPC", "lcm": "LCM",
}
CONFIG_CLASS = {"dpmpp_2m_karras": "dpmpp_2m_karras"}
SIZE = 256


def model(x_in, t):
    c = 0.05 * math.cos(t / 100)
    return [0.1 * v + c for v in x_in]


def case(name, raw, prediction, steps, with_final):
    cfg = sdconfig.resolve(raw, name, prediction)
    sch = schedule(name, cfg, steps)
    entry = {
        "prediction": prediction,
        "steps": steps,
        "timesteps": sch["timesteps"],
        "sigmas": sch["sigmas"],
        "initNoiseSigma": sch["init_noise_sigma"],
    }
    if with_final:
        x = [math.sin(0.1 * i) * sch["init_noise_sigma"] for i in range(SIZE)]
        if name in SAMPLERS:
            entry["final"] = SAMPLERS[name](model, x, cfg, steps)
        else:
            entry["noiseFreeFinal"] = NOISE_FREE[name](model, x, cfg, steps)
    return entry


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=os.path.join(root, "SdPortal.Inference", "Assets", "sd15-scheduler_config.json"))
    parser.add_argument("--out", default=os.path.join(root, "SdPortal.Tests", "Fixtures", "Schedulers"))
    args = parser.parse_args()
    raw = sdconfig.load(args.config)
    os.makedirs(args.out, exist_ok=True)
    for name, display in DISPLAY.items():
        cases = []
        for steps in (20, 7):
            for prediction in ("epsilon", "v_prediction"):
                cases.append(case(name, raw, prediction, steps, with_final=True))
        cases.append(case(name, raw, "epsilon", 50, with_final=False))
        doc = {
            "scheduler": display,
            "source": "tools/scheduler-reference (pure-Python reference, float64 arithmetic on float32 tables)",
            "config": os.path.basename(args.config),
            "cases": cases,
        }
        write(args.out, name, doc)
    write(args.out, "pndm_prk", prk_document(raw, os.path.basename(args.config)))


def prk_document(raw, config_name):
    """PNDM with the Runge-Kutta warm-up: the SD 1.5 config with skip_prk_steps false."""
    cases = []
    for steps in (20, 7):
        for prediction in ("epsilon", "v_prediction"):
            cfg = sdconfig.resolve({**raw, "skip_prk_steps": False}, "pndm", prediction)
            x = [math.sin(0.1 * i) for i in range(SIZE)]
            cases.append({"prediction": prediction, "steps": steps, "timesteps": prk_timesteps(cfg, steps),
                          "sigmas": None, "initNoiseSigma": 1.0, "final": pndm_prk(model, x, cfg, steps)})
    return {"scheduler": "PNDM", "source": "tools/scheduler-reference, skip_prk_steps false", "config": config_name,
            "cases": cases}


def write(out, name, doc):
    with open(os.path.join(out, f"{name}.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"{name}: {len(doc['cases'])} cases")


if __name__ == "__main__":
    main()
