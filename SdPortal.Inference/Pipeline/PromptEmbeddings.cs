using SdPortal.Inference.Lora;
using SdPortal.Inference.Models;
using SdPortal.Inference.Tokenization;
using SdPortal.Inference.Tokenization.Prompts;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The text conditioning of a job: for the prompt, and for guided jobs the negative prompt, which encoded sequence
/// conditions each model call. Plain syntax encodes each as one 77-token sequence, cut at 75 content tokens (diffusers).
/// A1111 syntax resolves prompt editing and alternation into the distinct prompts of the job's steps, chunks each into
/// 77-token sequences, encodes every chunk on its own and concatenates them (77·k tokens), with the "Original" emphasis;
/// every sequence of the job — prompt and negative alike — is padded to the same k with the empty prompt's chunk, so the
/// UNet sees one conditioning length per job.
/// </summary>
internal sealed class PromptEmbeddings
{
    private readonly float[][] _sequences;
    private readonly Branch _prompt;
    private readonly Branch? _negative;

    private PromptEmbeddings(
        float[][] sequences, Branch prompt, Branch? negative, int sequenceLength, int hiddenSize, bool promptTruncated,
        bool negativePromptTruncated, IReadOnlyList<string> warnings)
    {
        _sequences = sequences;
        _prompt = prompt;
        _negative = negative;
        SequenceLength = sequenceLength;
        HiddenSize = hiddenSize;
        PromptTruncated = promptTruncated;
        NegativePromptTruncated = negativePromptTruncated;
        Warnings = warnings;
    }

    /// <summary>Tokens per conditioning sequence: 77 × the job's chunk count.</summary>
    public int SequenceLength { get; }

    /// <summary>The text encoder's width d.</summary>
    public int HiddenSize { get; }

    /// <summary>Whether the negative prompt was encoded too.</summary>
    public bool Guided => _negative is not null;

    /// <summary>Whether the prompt did not fit (plain syntax only: A1111 syntax never cuts).</summary>
    public bool PromptTruncated { get; }

    /// <summary>Whether the negative prompt did not fit.</summary>
    public bool NegativePromptTruncated { get; }

    /// <summary>What the user should know about how the prompts were read (a cut prompt).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The distinct encoded sequences, each float32 [SequenceLength, HiddenSize].</summary>
    public IReadOnlyList<float[]> Sequences => _sequences;

    /// <summary>
    /// Tokenizes and encodes the request's prompts (under A1111 syntax the text the tokenizer sees has its
    /// <c>&lt;lora:…&gt;</c> tags removed, <see cref="LoraPromptTags"/>), through the text encoder as <paramref name="adapters"/> patch it.
    /// </summary>
    public static PromptEmbeddings Encode(
        StableDiffusionModelFolder model, GenerationSpec request, bool guided, CancellationToken cancellationToken, WeightOverrides? adapters = null)
    {
        if (request.PromptSyntax == PromptSyntax.A1111)
        {
            request = request with { Prompt = LoraPromptTags.Strip(request.Prompt), NegativePrompt = LoraPromptTags.Strip(request.NegativePrompt) };
        }

        var encoder = new Encoder(model, adapters ?? WeightOverrides.None);
        return request.PromptSyntax == PromptSyntax.Plain
            ? EncodePlain(model, encoder, request, guided, cancellationToken)
            : EncodeA1111(model, encoder, request, guided, cancellationToken);
    }

    /// <summary>
    /// The sequence conditioning model call <paramref name="call"/> (0-based, counted over the calls the job runs) of
    /// <paramref name="source"/>: 0 the negative prompt and 1 the prompt for guided jobs, 0 the prompt otherwise. The same
    /// array is returned for as long as the sequence holds, so callers can tell a change by reference.
    /// </summary>
    public float[] SequenceAt(int source, int call)
    {
        var branch = _negative is not null && source == 0 ? _negative : _prompt;
        return _sequences[branch.Sequences[PromptSchedule.EntryAt(branch.Schedule, call)]];
    }

    private static PromptEmbeddings EncodePlain(
        StableDiffusionModelFolder model, Encoder encoder, GenerationSpec request, bool guided, CancellationToken cancellationToken)
    {
        var tokenizer = model.Tokenizer;
        var prompt = tokenizer.Encode(request.Prompt);
        var negative = guided ? tokenizer.Encode(request.NegativePrompt) : null;
        int[] ids = negative is null ? prompt.Ids : [.. negative.Ids, .. prompt.Ids];
        var count = ids.Length / ClipTokenizer.MaxLength;
        var (hidden, hiddenSize) = RunEncoder(encoder, ids, count, cancellationToken);
        var sequences = Split(hidden, count);

        var warnings = new List<string>();
        if (negative?.Truncated == true)
        {
            warnings.Add(PromptTruncation.Warning(tokenizer, "negative prompt", request.NegativePrompt));
        }

        if (prompt.Truncated)
        {
            warnings.Add(PromptTruncation.Warning(tokenizer, "prompt", request.Prompt));
        }

        var whole = new ScheduledPrompt[] { new(int.MaxValue, string.Empty) };
        var promptBranch = new Branch(whole, [count - 1]);
        var negativeBranch = negative is null ? null : new Branch(whole, [0]);
        return new PromptEmbeddings(
            sequences, promptBranch, negativeBranch, ClipTokenizer.MaxLength, hiddenSize, prompt.Truncated,
            negative?.Truncated ?? false, warnings);
    }

    private static PromptEmbeddings EncodeA1111(
        StableDiffusionModelFolder model, Encoder encoder, GenerationSpec request, bool guided, CancellationToken cancellationToken)
    {
        // The schedule spans the steps that run (image-to-image: the tail of the schedule). A1111 spans the full step
        // count there while counting only the steps that run, so its edits land later than the fraction says.
        var steps = Math.Max(request.DenoisingSteps, 1);
        var texts = new List<string>();
        var promptBranch = BuildBranch(request.Prompt, steps, texts);
        var negativeBranch = guided ? BuildBranch(request.NegativePrompt, steps, texts) : null;

        var tokenizer = model.Tokenizer;
        var chunked = texts.Select(text => PromptChunker.Chunk(tokenizer, text).Chunks).ToList();
        var chunks = chunked.Max(c => c.Count);
        var empty = PromptChunker.EmptyChunk(tokenizer);
        var padded = chunked.SelectMany(c => c.Concat(Enumerable.Repeat(empty, chunks - c.Count))).ToList();

        var ids = padded.SelectMany(chunk => chunk.Ids).ToArray();
        var (hidden, hiddenSize) = RunEncoder(encoder, ids, padded.Count, cancellationToken);
        var chunkValues = ClipTokenizer.MaxLength * hiddenSize;
        for (var i = 0; i < padded.Count; i++)
        {
            PromptEmphasis.Apply(hidden.AsSpan(i * chunkValues, chunkValues), padded[i].Weights);
        }

        return new PromptEmbeddings(
            Split(hidden, texts.Count), promptBranch, negativeBranch, chunks * ClipTokenizer.MaxLength, hiddenSize,
            promptTruncated: false, negativePromptTruncated: false, warnings: []);
    }

    /// <summary>The schedule of <paramref name="prompt"/>, its texts added to <paramref name="texts"/> once each.</summary>
    private static Branch BuildBranch(string prompt, int steps, List<string> texts)
    {
        var schedule = PromptSchedule.Build(prompt, steps);
        var indices = new int[schedule.Count];
        for (var i = 0; i < schedule.Count; i++)
        {
            var index = texts.IndexOf(schedule[i].Text);
            if (index < 0)
            {
                index = texts.Count;
                texts.Add(schedule[i].Text);
            }

            indices[i] = index;
        }

        return new Branch(schedule, indices);
    }

    private static (float[] Hidden, int HiddenSize) RunEncoder(
        Encoder encoder, int[] ids, int count, CancellationToken cancellationToken)
    {
        float[] hidden = [];
        CancellableRun.Invoke(
            (encoder, ids, count),
            (state, options) => hidden = state.encoder.Model.TextEncoder.Encode(state.ids, state.count, ClipTokenizer.MaxLength, options, state.encoder.Adapters),
            cancellationToken);
        return (hidden, hidden.Length / (count * ClipTokenizer.MaxLength));
    }

    /// <summary>Cuts [n·L, d] values into <paramref name="count"/> equal sequences.</summary>
    private static float[][] Split(float[] hidden, int count)
    {
        var length = hidden.Length / count;
        var sequences = new float[count][];
        for (var i = 0; i < count; i++)
        {
            sequences[i] = hidden.AsSpan(i * length, length).ToArray();
        }

        return sequences;
    }

    /// <summary>One prompt's schedule and, for each entry, the index of its sequence.</summary>
    private sealed record Branch(IReadOnlyList<ScheduledPrompt> Schedule, int[] Sequences);

    /// <summary>The text encoder a job's prompts run through: the model's, with the job's adapter patches.</summary>
    private sealed record Encoder(StableDiffusionModelFolder Model, WeightOverrides Adapters);
}
