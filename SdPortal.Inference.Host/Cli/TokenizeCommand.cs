using System.CommandLine;
using System.Text.Json;
using SdPortal.Inference.Pipeline;
using SdPortal.Inference.Tokenization;
using SdPortal.Inference.Tokenization.Prompts;

namespace SdPortal.Inference.Cli;

/// <summary>
/// <c>tokenize --vocab DIR TEXT</c>: prints the 77 CLIP ids of a prompt as a compact JSON array, for checking prompts
/// against other tokenizers and for scripting. With <c>--syntax a1111</c> it reads A1111's attention syntax and
/// <c>BREAK</c> as the engine does and prints <c>{"tokenCount": N, "chunks": [{"ids": [77], "weights": [77]}]}</c>.
/// </summary>
public sealed class TokenizeCommand : ICliCommand
{
    /// <summary>The exit code for an unusable tokenizer folder.</summary>
    public const int BadTokenizerFolderExitCode = 2;

    /// <inheritdoc />
    public Command Build()
    {
        var vocab = new Option<DirectoryInfo>("--vocab")
        {
            Description = "Tokenizer folder holding vocab.json and merges.txt (a model's tokenizer/ folder).",
            Required = true,
        };
        var syntax = new Option<PromptSyntax?>("--syntax")
        {
            Description = "A1111: parse (word:1.2), [word], BREAK and chunk long prompts by 75 tokens; omitted: the plain 77 ids.",
        };
        var text = new Argument<string>("text") { Description = "The prompt to tokenize." };
        var command = new Command("tokenize", "Print the 77 CLIP token ids of a prompt as a JSON array.") { vocab, syntax, text };
        command.SetAction(parseResult => Run(
            parseResult.GetRequiredValue(vocab),
            parseResult.GetRequiredValue(text),
            parseResult.GetValue(syntax),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(DirectoryInfo folder, string text, PromptSyntax? syntax, TextWriter output, TextWriter error)
    {
        if (!folder.Exists)
        {
            error.WriteLine($"Tokenizer folder not found: {folder.FullName}");
            return BadTokenizerFolderExitCode;
        }

        ClipTokenizer tokenizer;
        try
        {
            tokenizer = ClipTokenizer.Load(folder.FullName);
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            error.WriteLine(ex.Message);
            return BadTokenizerFolderExitCode;
        }

        if (syntax is null)
        {
            output.WriteLine($"[{string.Join(',', tokenizer.Encode(text).Ids)}]");
            return 0;
        }

        var chunked = syntax == PromptSyntax.A1111
            ? PromptChunker.Chunk(tokenizer, text)
            : PromptChunker.Chunk(tokenizer, [new WeightedText(text, 1f)]);
        var json = new
        {
            tokenCount = chunked.TokenCount,
            chunks = chunked.Chunks.Select(c => new { ids = c.Ids, weights = c.Weights }),
        };
        output.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }
}
