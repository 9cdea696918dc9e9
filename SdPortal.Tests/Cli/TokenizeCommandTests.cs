using System.CommandLine;
using System.Text.Json;
using SdPortal.Inference.Cli;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Cli;

public class TokenizeCommandTests
{
    [Fact]
    public void Invoke_WhenFolderAndTextAreGiven_PrintsTheIdsAsACompactJsonArray()
    {
        var (exitCode, output, error) = Run("tokenize", "--vocab", TestPaths.ClipTokenizer, "a photo of a cat");

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.DoesNotContain(" ", output.Trim(), StringComparison.Ordinal);
        var ids = JsonSerializer.Deserialize<int[]>(output);
        Assert.NotNull(ids);
        Assert.Equal([49406, 320, 1125, 539, 320, 2368, 49407, .. Enumerable.Repeat(49407, 70)], ids);
    }

    [Fact]
    public void Invoke_WithA1111Syntax_PrintsEachChunksIdsAndWeights()
    {
        var (exitCode, output, error) = Run("tokenize", "--vocab", TestPaths.ClipTokenizer, "--syntax", "a1111", "a (cat:1.5) BREAK [photo]");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var chunks = json.RootElement.GetProperty("chunks").EnumerateArray().ToList();
        Assert.Equal(2, chunks.Count);
        var ids = chunks.Select(c => c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray()).ToList();
        var weights = chunks.Select(c => c.GetProperty("weights").EnumerateArray().Select(w => w.GetSingle()).ToArray()).ToList();
        Assert.All(ids, c => Assert.Equal(77, c.Length));
        Assert.Equal([49406, 320, 2368, 49407], ids[0][..4]);
        Assert.Equal([1f, 1f, 1.5f, 1f], weights[0][..4]);
        Assert.Equal([49406, 1125, 49407], ids[1][..3]);
        Assert.Equal(1f / 1.1f, weights[1][1], 1e-6f);
        // A1111 counts a chunk closed by BREAK as its padded 75 tokens: 75 + 1.
        Assert.Equal(76, json.RootElement.GetProperty("tokenCount").GetInt32());
    }

    [Fact]
    public void Invoke_WithPlainSyntax_KeepsBracketsAsText()
    {
        var (exitCode, output, _) = Run("tokenize", "--vocab", TestPaths.ClipTokenizer, "--syntax", "plain", "(cat:1.5)");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        var weights = json.RootElement.GetProperty("chunks")[0].GetProperty("weights").EnumerateArray().Select(w => w.GetSingle());
        Assert.All(weights, w => Assert.Equal(1f, w));
        Assert.True(json.RootElement.GetProperty("tokenCount").GetInt32() > 1);
    }

    [Fact]
    public void Invoke_WhenFolderIsMissing_ReportsOnStderrAndExitsWith2()
    {
        var missing = Path.Combine(Path.GetTempPath(), "sdportal-no-such-folder-" + Guid.NewGuid().ToString("N"));

        var (exitCode, output, error) = Run("tokenize", "--vocab", missing, "a cat");

        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_WhenFolderLacksVocab_ReportsOnStderrAndExitsWith2()
    {
        var empty = Directory.CreateTempSubdirectory("sdportal-empty-tokenizer-");
        try
        {
            var (exitCode, _, error) = Run("tokenize", "--vocab", empty.FullName, "a cat");

            Assert.Equal(2, exitCode);
            Assert.Contains("vocab.json", error, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_WhenTokenizeIsNamed_DispatchesToTheTokenizeCommand()
    {
        // Exit code 2 is the tokenize command's own answer to a missing folder; an unknown command would exit with 1.
        var missing = Path.Combine(Path.GetTempPath(), "sdportal-no-such-folder-" + Guid.NewGuid().ToString("N"));

        var exitCode = await CliApp.RunAsync(["tokenize", "--vocab", missing, "a cat"]);

        Assert.Equal(TokenizeCommand.BadTokenizerFolderExitCode, exitCode);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand();
        root.Subcommands.Add(new TokenizeCommand().Build());

        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });

        return (exitCode, output.ToString(), error.ToString());
    }
}
