using System.ComponentModel.DataAnnotations;
using SdPortal.Inference.Imaging;

namespace SdPortal.Web.Inputs;

/// <summary>
/// What a member may upload as an input image (section <c>Inputs</c>). The size limits may only tighten the decoder's
/// defaults (<see cref="InputImageLimits"/>), which are also what an inference host decodes with: an upload accepted
/// here always decodes there.
/// </summary>
public sealed class InputImageOptions
{
    public const string SectionName = "Inputs";

    /// <summary>Largest file, in bytes; the upload route reads at most one byte more before it answers 413.</summary>
    [Range(1d, InputImageLimits.DefaultMaxBytes, ErrorMessage = "Inputs:MaxBytes must be within {1}…{2}.")]
    public long MaxBytes { get; set; } = InputImageLimits.DefaultMaxBytes;

    /// <summary>Largest width × height.</summary>
    [Range(1d, InputImageLimits.DefaultMaxPixels, ErrorMessage = "Inputs:MaxPixels must be within {1}…{2}.")]
    public long MaxPixels { get; set; } = InputImageLimits.DefaultMaxPixels;

    /// <summary>Largest width or height on its own.</summary>
    [Range(1, InputImageLimits.DefaultMaxSide, ErrorMessage = "Inputs:MaxSide must be within {1}…{2}.")]
    public int MaxSide { get; set; } = InputImageLimits.DefaultMaxSide;

    /// <summary>Input images one member may keep; an upload beyond it answers 409 until one is deleted.</summary>
    [Range(1, 100_000, ErrorMessage = "Inputs:MaxPerMember must be within {1}…{2}.")]
    public int MaxPerMember { get; set; } = 500;

    /// <summary>The limits as the decoder takes them.</summary>
    public InputImageLimits ToLimits() => new(MaxBytes, MaxPixels, MaxSide);
}
