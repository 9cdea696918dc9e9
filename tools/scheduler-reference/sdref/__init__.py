"""SdPortal's own reference implementation of the Stable Diffusion samplers (pure Python, math floats only)."""
