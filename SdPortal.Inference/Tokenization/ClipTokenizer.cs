using System.Buffers;

namespace SdPortal.Inference.Tokenization;

/// <summary>
/// CLIP's byte-level BPE tokenizer as Stable Diffusion 1.x/2.x use it (transformers' CLIPTokenizer with
/// <c>padding="max_length", max_length=77, truncation=True</c>): the same ids for the same prompt.
/// </summary>
/// <remarks>Immutable after <see cref="Load"/> apart from its internal word cache, so one instance serves all threads.</remarks>
public sealed class ClipTokenizer
{
    /// <summary>The CLIP text encoder's context length: BOS, 75 content tokens, EOS.</summary>
    public const int MaxLength = 77;

    internal const string StartOfText = "<|startoftext|>";
    internal const string EndOfText = "<|endoftext|>";

    private const int MaxContentTokens = MaxLength - 2;
    private const int CacheCapacity = 50_000;
    private const int CacheMaxWordLength = 64;

    private readonly BytePairEncoder _encoder;
    private readonly BpeCache _cache = new(CacheCapacity, CacheMaxWordLength);

    private ClipTokenizer(BytePairEncoder encoder, int bosId, int eosId, int padId, int commaId)
    {
        _encoder = encoder;
        BosId = bosId;
        EosId = eosId;
        PadId = padId;
        CommaId = commaId;
    }

    /// <summary>The id of <c>&lt;|startoftext|&gt;</c> (49406 in CLIP's vocabulary).</summary>
    public int BosId { get; }

    /// <summary>The id of <c>&lt;|endoftext|&gt;</c> (49407 in CLIP's vocabulary).</summary>
    public int EosId { get; }

    /// <summary>The padding id: the folder's declared pad token (SD 2.x: "!", id 0), else <see cref="EosId"/> (SD 1.x).</summary>
    public int PadId { get; }

    /// <summary>The id of a comma ending a word, <c>,&lt;/w&gt;</c> (267 in CLIP's vocabulary): where A1111's chunking
    /// prefers to cut a long prompt.</summary>
    public int CommaId { get; }

    /// <summary>
    /// Loads a tokenizer folder as Stable Diffusion model folders carry it (<c>tokenizer/</c>): vocab.json and
    /// merges.txt, plus optional special_tokens_map.json / tokenizer_config.json declaring <c>pad_token</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">vocab.json or merges.txt is missing (or the folder is).</exception>
    /// <exception cref="InvalidDataException">A file is malformed or inconsistent; the message names it.</exception>
    public static ClipTokenizer Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var vocabularyPath = Path.Combine(directory, VocabularyFile.FileName);
        var mergesPath = Path.Combine(directory, MergesFile.FileName);
        var vocabulary = VocabularyFile.Read(vocabularyPath);
        var merges = new MergeTable(MergesFile.Read(mergesPath), vocabulary, mergesPath);

        var alphabet = ByteAlphabet.Build();
        var byteIds = new int[256];
        var finalByteIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            byteIds[b] = Require(alphabet[b].ToString(), vocabularyPath);
            finalByteIds[b] = Require(alphabet[b] + "</w>", vocabularyPath);
        }

        var bosId = Require(StartOfText, vocabularyPath);
        var eosId = Require(EndOfText, vocabularyPath);
        var padId = PadTokenSetting.Read(directory) is var (padToken, source) ? Require(padToken, source) : eosId;
        return new ClipTokenizer(new BytePairEncoder(merges, byteIds, finalByteIds), bosId, eosId, padId, finalByteIds[',']);

        int Require(string symbol, string source) => vocabulary.TryGetValue(symbol, out var id)
            ? id
            : throw new InvalidDataException($"{source}: the token '{symbol}' is not in {vocabularyPath}.");
    }

    /// <summary>
    /// Tokenizes a prompt into exactly <see cref="MaxLength"/> ids: BOS, the first 75 content tokens, EOS, padding.
    /// </summary>
    public TokenizedPrompt Encode(string text)
    {
        var content = ContentIds(text);
        var ids = new int[MaxLength];
        ids[0] = BosId;
        var kept = Math.Min(content.Count, MaxContentTokens);
        content.CopyTo(0, ids, 1, kept);
        ids[kept + 1] = EosId;
        ids.AsSpan(kept + 2).Fill(PadId);
        return new TokenizedPrompt(ids, content.Count, content.Count > MaxContentTokens);
    }

    /// <summary>
    /// Every content token of <paramref name="text"/>, without BOS, EOS, padding or truncation (transformers'
    /// <c>tokenizer(text, truncation=False, add_special_tokens=False)</c>), for prompts that are encoded in chunks.
    /// </summary>
    public List<int> ContentIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var unescaped = ClipTextNormalizer.Unescape(text);
        var buffer = ArrayPool<char>.Shared.Rent(ClipTextNormalizer.MaxOutputLength(unescaped.Length));
        try
        {
            var normalized = buffer.AsSpan(0, ClipTextNormalizer.Normalize(unescaped, buffer));
            var pieces = new ClipPreTokenizer(normalized);
            while (pieces.MoveNext(out var piece))
            {
                // Only the exact special strings map to special ids, as in the reference's BPE cache; a look-alike the
                // pattern matched case-insensitively is encoded byte by byte like any other piece.
                var special = piece.SequenceEqual(StartOfText) ? BosId : piece.SequenceEqual(EndOfText) ? EosId : -1;
                if (special >= 0)
                {
                    ids.Add(special);
                }
                else
                {
                    ids.AddRange(WordIds(piece));
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        return ids;
    }

    /// <summary>The number of words currently cached (for diagnostics and tests).</summary>
    internal int CachedWordCount => _cache.Count;

    private int[] WordIds(ReadOnlySpan<char> piece)
    {
        if (!_cache.TryGet(piece, out var ids))
        {
            ids = _encoder.Encode(piece);
            _cache.Add(piece, ids);
        }

        return ids;
    }
}
