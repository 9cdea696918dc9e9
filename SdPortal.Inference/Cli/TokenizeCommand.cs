using System.CommandLine;
using SdPortal.Inference.Tokenization;

namespace SdPortal.Inference.Cli;

/// <summary>
/// <c>tokenize --vocab DIR TEXT</c>: prints the 77 CLIP ids of a prompt as a compact JSON array, for checking prompts
/// against other tokenizers and for scripting.
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
        var text = new Argument<string>("text") { Description = "The prompt to tokenize." };
        var command = new Command("tokenize", "Print the 77 CLIP token ids of a prompt as a JSON array.") { vocab, text };
        command.SetAction(parseResult => Run(
            parseResult.GetRequiredValue(vocab),
            parseResult.GetRequiredValue(text),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(DirectoryInfo folder, string text, TextWriter output, TextWriter error)
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

        output.WriteLine($"[{string.Join(',', tokenizer.Encode(text).Ids)}]");
        return 0;
    }
}
