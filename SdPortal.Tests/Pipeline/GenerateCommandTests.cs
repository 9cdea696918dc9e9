using System.CommandLine;
using System.Text.Json;
using SdPortal.Inference.Cli;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

/// <summary>The <c>generate</c> command end to end on the tiny model.</summary>
public sealed class GenerateCommandTests(TinyImageModelFixture model) : IClassFixture<TinyImageModelFixture>, IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "sdportal-tests", $"cli-{Guid.NewGuid():N}");

    [Fact]
    public async Task Generate_WritesPngFilesAndPrintsSeedsFilesAndTimings()
    {
        var (exit, stdout, _) = await RunAsync("--prompt", "a cat", "--steps", "3", "--seed", "11", "--batch", "2",
            "--width", "64", "--height", "64", "--scheduler", "Euler");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal([11UL, 12UL], root.GetProperty("seeds").EnumerateArray().Select(s => s.GetUInt64()));
        var files = root.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.Equal((64, 64), PngInspection.Size(File.ReadAllBytes(f))));
        Assert.Equal(Path.Combine(_out, "00000-11.png"), files[0]);
        Assert.True(root.GetProperty("timings").GetProperty("totalMs").GetDouble() > 0);
    }

    [Theory]
    [InlineData("--steps", "0", "steps")]
    [InlineData("--width", "100", "width")]
    [InlineData("--scheduler", "Nope", "scheduler")]
    [InlineData("--prompt", "", "prompt")]
    public async Task Generate_InvalidInput_ExitsWithTwoAndNamesTheField(string option, string value, string field)
    {
        var (exit, stdout, stderr) = await RunAsync(option, value);

        Assert.Equal(GenerateCommand.InvalidInputExitCode, exit);
        Assert.Contains($"error: {field}:", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
        Assert.False(Directory.Exists(_out));
    }

    [Fact]
    public async Task Generate_WithLatentsOfASeed_WritesTheImageOfThatSeed()
    {
        var npy = Path.Combine(Path.GetTempPath(), "sdportal-tests", $"latents-{Guid.NewGuid():N}.npy");
        Directory.CreateDirectory(Path.GetDirectoryName(npy)!);
        await File.WriteAllBytesAsync(npy, NpyWriter.Fp32(PipelineLatentsTests.SeedNoise(31, 4 * 8 * 8), 1, 4, 8, 8));
        try
        {
            var (seededExit, seeded, _) = await RunAsync("--seed", "31");
            var (overrideExit, overridden, _) = await RunAsync("--seed", "99", "--latents", npy);

            Assert.Equal((0, 0), (seededExit, overrideExit));
            Assert.Equal(PngInspection.Pixels(FirstImage(seeded)), PngInspection.Pixels(FirstImage(overridden)));
        }
        finally
        {
            File.Delete(npy);
        }
    }

    [Fact]
    public async Task Generate_LatentsOfTheWrongShape_ExitsWithTwo()
    {
        var npy = Path.Combine(Path.GetTempPath(), "sdportal-tests", $"latents-{Guid.NewGuid():N}.npy");
        Directory.CreateDirectory(Path.GetDirectoryName(npy)!);
        await File.WriteAllBytesAsync(npy, NpyWriter.Fp32(new float[4 * 16 * 16], 1, 4, 16, 16));
        try
        {
            var (exit, _, stderr) = await RunAsync("--latents", npy);

            Assert.Equal(GenerateCommand.InvalidInputExitCode, exit);
            Assert.Contains("latents", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(npy);
        }
    }

    [Fact]
    public async Task Generate_Inpaint_RunsTheTailAndKeepsTheUnmaskedPixels()
    {
        Directory.CreateDirectory(_out);
        var init = Path.Combine(_out, "init.png");
        var mask = Path.Combine(_out, "mask.png");
        await File.WriteAllBytesAsync(init, SourcePictures.Gradient(128, 64));
        await File.WriteAllBytesAsync(mask, SourcePictures.RectangleMask(128, 64, 8, 8, 40, 40));

        var (exit, stdout, stderr) = await RunArgsAsync(
        [
            "generate", "--model", model.Directory, "--prompt", "a red cube", "--out", Path.Combine(_out, "images"),
            "--steps", "10", "--strength", "0.6", "--init-image", init, "--mask", mask, "--mask-blur", "0", "--seed", "4",
        ]);

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("Inpaint", json.RootElement.GetProperty("mode").GetString());
        Assert.Equal(6, json.RootElement.GetProperty("denoisingSteps").GetInt32());
        var png = FirstImage(stdout);
        Assert.Equal((128, 64), PngInspection.Size(png)); // the init image's size when --width/--height are omitted
        var original = Inference.Imaging.InputImageDecoder.Decode(SourcePictures.Gradient(128, 64), Inference.Imaging.InputImageLimits.Default);
        var pixels = PngInspection.Pixels(png);
        var bottomRight = ((50 * 128) + 100) * 3;
        Assert.Equal(original.Pixels.AsSpan(bottomRight, 3).ToArray(), pixels.AsSpan(bottomRight, 3).ToArray());
        Assert.NotEqual(original.Pixels, pixels);
    }

    [Fact]
    public async Task Generate_MissingInitImage_ExitsWithTwo()
    {
        var (exit, _, stderr) = await RunAsync("--init-image", Path.Combine(_out, "nothing.png"));

        Assert.NotEqual(0, exit);
        Assert.Contains("nothing.png", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_BrokenModelFolder_ExitsWithThreeNamingTheFile()
    {
        var (exit, _, stderr) = await RunArgsAsync(
            ["generate", "--model", Path.Combine(_out, "no-model"), "--prompt", "x", "--out", _out, "--width", "64", "--height", "64"]);

        Assert.Equal(GenerateCommand.ModelLoadExitCode, exit);
        Assert.Contains("no-model", stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    private static byte[] FirstImage(string stdout)
    {
        using var json = JsonDocument.Parse(stdout);
        return File.ReadAllBytes(json.RootElement.GetProperty("files")[0].GetString()!);
    }

    [Fact]
    public async Task Generate_WithTwoLoraFiles_AppliesBothAndRecordsThemInTheParameters()
    {
        Directory.CreateDirectory(_out);
        var product = Path.Combine(_out, "acme mug.safetensors");
        var style = Path.Combine(_out, "style.safetensors");
        File.WriteAllBytes(product, SdPortal.Inference.Lora.Synthetic.SyntheticLora.ForModel(model.Directory, rank: 4, seed: 1));
        File.WriteAllBytes(style, SdPortal.Inference.Lora.Synthetic.SyntheticLora.ForModel(model.Directory, rank: 2, seed: 2, SdPortal.Inference.Lora.LoraFormat.Peft));
        string[] common = ["generate", "--model", model.Directory, "--prompt", "a cat", "--steps", "2", "--width", "64", "--height", "64", "--seed", "4"];

        var (plainExit, plain, _) = await RunArgsAsync([.. common, "--out", Path.Combine(_out, "plain")]);
        var (exit, adapted, stderr) = await RunArgsAsync([.. common, "--out", Path.Combine(_out, "lora"), "--lora", product + ":0.7", "--lora", style]);

        Assert.Equal((0, 0), (plainExit, exit));
        var plainPng = File.ReadAllBytes(JsonDocument.Parse(plain).RootElement.GetProperty("files")[0].GetString()!);
        var adaptedPng = File.ReadAllBytes(JsonDocument.Parse(adapted).RootElement.GetProperty("files")[0].GetString()!);
        Assert.NotEqual(PngInspection.Pixels(plainPng), PngInspection.Pixels(adaptedPng));
        var parameters = PngInspection.Text(adaptedPng, "parameters");
        Assert.StartsWith("a cat <lora:acme_mug:0.7> <lora:style:1>\n", parameters, StringComparison.Ordinal);
        Assert.Contains("Lora hashes: \"acme_mug: ", parameters, StringComparison.Ordinal);
        Assert.True(stderr.Length == 0, stderr);
    }

    [Fact]
    public async Task Generate_WithABrokenLoraFile_ExitsWithTwoSayingWhy()
    {
        Directory.CreateDirectory(_out);
        var broken = Path.Combine(_out, "broken.safetensors");
        File.WriteAllBytes(broken, [255, 255, 255, 255, 0, 0, 0, 0, 1, 2]);

        var (exit, _, stderr) = await RunArgsAsync(["generate", "--model", model.Directory, "--prompt", "a cat", "--out", _out, "--lora", broken]);

        Assert.Equal(2, exit);
        Assert.Contains("--lora: broken.safetensors: This is not a valid .safetensors file", stderr, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] overrides)
    {
        var defaults = new Dictionary<string, string>
        {
            ["--model"] = model.Directory,
            ["--prompt"] = "a photo of a cat",
            ["--out"] = _out,
            ["--steps"] = "2",
            ["--width"] = "64",
            ["--height"] = "64",
            ["--scheduler"] = "Euler",
        };
        for (var i = 0; i < overrides.Length; i += 2)
        {
            defaults[overrides[i]] = overrides[i + 1];
        }

        return RunArgsAsync(["generate", .. defaults.SelectMany(kv => new[] { kv.Key, kv.Value })]);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunArgsAsync(string[] args)
    {
        var root = new RootCommand { Subcommands = { new GenerateCommand().Build() } };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
