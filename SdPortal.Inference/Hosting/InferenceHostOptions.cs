using System.ComponentModel.DataAnnotations;

namespace SdPortal.Inference.Hosting;

/// <summary>What an inference host serves (section <c>Inference</c>).</summary>
public sealed class InferenceHostOptions
{
    public const string SectionName = "Inference";

    /// <summary>
    /// The devices to serve: <c>auto</c> (every CUDA device the runtime offers, else the CPU), <c>cpu</c>, or a list
    /// such as <c>cuda:0,cuda:1</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression(@"^(auto|cpu|cuda:\d+(,cuda:\d+)*)$", ErrorMessage = "Inference:Devices must be 'auto', 'cpu' or a list like 'cuda:0,cuda:1'.")]
    public string Devices { get; set; } = "auto";
}
