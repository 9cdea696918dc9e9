namespace SdPortal.Inference.Imaging;

/// <summary>What an image file's header says, read without decoding pixels.</summary>
/// <param name="Format">"png", "jpeg" or "webp".</param>
/// <param name="Width">Width as displayed: after the EXIF orientation, so a portrait phone photo reads as portrait.</param>
/// <param name="Height">Height as displayed.</param>
public sealed record InputImageInfo(string Format, int Width, int Height);
