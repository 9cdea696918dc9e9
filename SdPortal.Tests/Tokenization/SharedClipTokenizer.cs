using SdPortal.Inference.Tokenization;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Tokenization;

/// <summary>One tokenizer over the shared CLIP ViT-L/14 files, loaded once for all tests (it is thread-safe).</summary>
internal static class SharedClipTokenizer
{
    private static readonly Lazy<ClipTokenizer> Lazy = new(() => ClipTokenizer.Load(TestPaths.ClipTokenizer));

    public static ClipTokenizer Instance => Lazy.Value;

    public const int Bos = 49406;
    public const int Eos = 49407;

    /// <summary>BOS, the content ids, EOS, then <paramref name="pad"/> up to 77.</summary>
    public static int[] Padded(int[] content, int pad = Eos) =>
        [Bos, .. content, Eos, .. Enumerable.Repeat(pad, ClipTokenizer.MaxLength - 2 - content.Length)];
}
