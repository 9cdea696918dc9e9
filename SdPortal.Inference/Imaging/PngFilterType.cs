namespace SdPortal.Inference.Imaging;

/// <summary>The five scanline filters of PNG filter method 0 (PNG spec §9.2), by their type byte.</summary>
internal enum PngFilterType : byte
{
    None = 0,
    Sub = 1,
    Up = 2,
    Average = 3,
    Paeth = 4,
}
