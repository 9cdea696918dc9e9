using SdPortal.Inference.Pipeline;

namespace SdPortal.Web.Ui;

/// <summary>One adapter picked on the Create form: its name and strength (the spec's <see cref="LoraUse"/>, editable).</summary>
public sealed class LoraPick
{
    /// <summary>The strength a newly picked adapter starts at.</summary>
    public const double DefaultWeight = 1;

    /// <summary>The slider's step.</summary>
    public const double WeightStep = 0.05;

    public required string Name { get; set; }

    public double Weight { get; set; } = DefaultWeight;

    public LoraUse ToUse() => new(Name, Weight);

    public LoraPick Copy() => new() { Name = Name, Weight = Weight };
}
