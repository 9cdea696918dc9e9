using System.CommandLine;
using SdPortal.Inference.Synthetic;

namespace SdPortal.Inference.Cli;

/// <summary>
/// <c>synth --config tiny|sd15 [--fp16] [--seed N] [--timestep int64|float] [--form plain|fused] --out DIR</c>: writes a synthetic model folder
/// (real SD 1.5 architecture, seeded random weights) and prints a one-line JSON summary.
/// </summary>
public sealed class SynthCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var config = new Option<string>("--config")
        {
            Description = "Architecture: tiny (seconds on a CPU) or sd15 (full Stable Diffusion 1.5 size).",
            Required = true,
        };
        config.AcceptOnlyFromAmong([.. SyntheticModelConfig.Known.Select(c => c.Name)]);
        var fp16 = new Option<bool>("--fp16") { Description = "Write fp16 weights, activations and float I/O." };
        var seed = new Option<ulong>("--seed") { Description = "Weight seed; equal seeds give byte-identical folders." };
        var timestep = new Option<string>("--timestep")
        {
            Description = "UNet timestep input: int64 ([batch] int64) or float ([1] float).",
            DefaultValueFactory = _ => "int64",
        };
        timestep.AcceptOnlyFromAmong("int64", "float");
        var form = new Option<string>("--form")
        {
            Description = "plain: standard ONNX operators (any provider); fused: ONNX Runtime's com.microsoft CUDA form "
                + "of the same weights (MultiHeadAttention, channels-last GroupNorm/NhwcConv, BiasSplitGelu, BiasAdd).",
            DefaultValueFactory = _ => "plain",
        };
        form.AcceptOnlyFromAmong("plain", "fused");
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the model into.", Required = true };

        var command = new Command("synth", "Write a synthetic Stable Diffusion ONNX model folder.")
        {
            config, fp16, seed, timestep, form, output,
        };
        command.SetAction(parse =>
        {
            var options = new SyntheticWriteOptions
            {
                Seed = parse.GetValue(seed),
                Precision = parse.GetValue(fp16) ? SyntheticPrecision.Fp16 : SyntheticPrecision.Fp32,
                Timestep = parse.GetValue(timestep) == "float" ? TimestepKind.FloatScalar : TimestepKind.Int64PerSample,
                Form = parse.GetValue(form) == "fused" ? SyntheticForm.Fused : SyntheticForm.Plain,
            };
            var summary = SyntheticModelFolder.Write(
                SyntheticModelConfig.FromName(parse.GetRequiredValue(config)), parse.GetRequiredValue(output).FullName, options);
            parse.InvocationConfiguration.Output.WriteLine(summary.ToJsonLine());
            return 0;
        });
        return command;
    }
}
