"""IEEE single precision emulation.

diffusers builds its noise tables in float32 torch tensors and stores sigmas as float32 arrays. Rounding a double to
float32 after each +, -, *, / or sqrt gives the correctly rounded float32 result (53 >= 2 * 24 + 2 bits), so the
tables below are bit-for-bit what float32 arithmetic produces.
"""

import math
import struct


def f32(x: float) -> float:
    """Rounds a double to the nearest float32 value (ties to even) and returns it as a double."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def f32_sqrt(x: float) -> float:
    """sqrt in float32: the correctly rounded square root of a float32 value."""
    return f32(math.sqrt(x))
