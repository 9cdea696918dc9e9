namespace SdPortal.Inference.Tokenization.Prompts;

/// <summary>
/// Cuts a prompt into the text encoder's 77-token sequences as A1111 does
/// (<c>FrozenCLIPEmbedderWithCustomWordsBase.tokenize_line</c>): the attention runs are tokenized one by one, their
/// tokens fill chunks of 75 that are each wrapped in BOS/EOS and padded, BREAK closes a chunk early, and a chunk that
/// fills up moves everything after its last comma to the next chunk when that comma is within
/// <see cref="CommaBacktrack"/> tokens of the end (so a phrase is not cut in two).
/// </summary>
public static class PromptChunker
{
    /// <summary>Content tokens per chunk.</summary>
    public const int ChunkLength = ClipTokenizer.MaxLength - 2;

    /// <summary>A1111's <c>comma_padding_backtrack</c> default: how far back a comma may be to move the tail.</summary>
    public const int CommaBacktrack = 20;

    /// <summary>Parses <paramref name="prompt"/>'s attention syntax and chunks it.</summary>
    public static ChunkedPrompt Chunk(ClipTokenizer tokenizer, string prompt) =>
        Chunk(tokenizer, PromptAttentionParser.Parse(prompt));

    /// <summary>Chunks already parsed runs.</summary>
    public static ChunkedPrompt Chunk(ClipTokenizer tokenizer, IReadOnlyList<WeightedText> runs)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var builder = new Builder(tokenizer);
        foreach (var run in runs)
        {
            if (run.IsBreak)
            {
                builder.Close(last: false);
                continue;
            }

            var weight = (float)run.Weight;
            foreach (var id in tokenizer.ContentIds(run.Text))
            {
                builder.Add(id, weight);
            }
        }

        builder.Finish();
        return new ChunkedPrompt(builder.Chunks, builder.TokenCount);
    }

    /// <summary>The chunk of an empty prompt: BOS, then EOS to the end (what shorter prompts are padded with).</summary>
    public static PromptChunk EmptyChunk(ClipTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Chunk(tokenizer, string.Empty).Chunks[0];
    }

    private sealed class Builder(ClipTokenizer tokenizer)
    {
        private readonly List<int> _ids = new(ChunkLength);
        private readonly List<float> _weights = new(ChunkLength);
        private int _lastComma = -1;

        public List<PromptChunk> Chunks { get; } = [];

        public int TokenCount { get; private set; }

        public void Add(int id, float weight)
        {
            if (id == tokenizer.CommaId)
            {
                _lastComma = _ids.Count;
            }
            else if (_ids.Count == ChunkLength && _lastComma != -1 && _ids.Count - _lastComma <= CommaBacktrack)
            {
                var breakAt = _lastComma + 1;
                var movedIds = _ids.GetRange(breakAt, _ids.Count - breakAt);
                var movedWeights = _weights.GetRange(breakAt, _weights.Count - breakAt);
                _ids.RemoveRange(breakAt, _ids.Count - breakAt);
                _weights.RemoveRange(breakAt, _weights.Count - breakAt);
                Close(last: false);
                _ids.AddRange(movedIds);
                _weights.AddRange(movedWeights);
            }

            if (_ids.Count == ChunkLength)
            {
                Close(last: false);
            }

            _ids.Add(id);
            _weights.Add(weight);
        }

        /// <summary>Ends the prompt: the open chunk is closed if it holds anything or if no chunk exists yet.</summary>
        public void Finish()
        {
            if (_ids.Count > 0 || Chunks.Count == 0)
            {
                Close(last: true);
            }
        }

        /// <summary>Pads the open chunk with EOS, wraps it in BOS/EOS and starts an empty one. The token count grows by
        /// a full chunk, or for the last chunk by its content.</summary>
        public void Close(bool last)
        {
            TokenCount += last ? _ids.Count : ChunkLength;
            var ids = new int[ClipTokenizer.MaxLength];
            var weights = new float[ClipTokenizer.MaxLength];
            ids[0] = tokenizer.BosId;
            weights[0] = 1;
            for (var i = 0; i < ChunkLength; i++)
            {
                ids[i + 1] = i < _ids.Count ? _ids[i] : tokenizer.EosId;
                weights[i + 1] = i < _weights.Count ? _weights[i] : 1;
            }

            ids[^1] = tokenizer.EosId;
            weights[^1] = 1;
            PadAfterFirstEnd(ids);
            Chunks.Add(new PromptChunk(ids, weights));
            _ids.Clear();
            _weights.Clear();
            _lastComma = -1;
        }

        /// <summary>Where the pad token is not EOS (SD 2.x), everything after the first EOS becomes the pad token, as
        /// the reference's <c>process_tokens</c> rewrites it; SD 1.x pads with EOS and nothing changes.</summary>
        private void PadAfterFirstEnd(int[] ids)
        {
            if (tokenizer.PadId == tokenizer.EosId)
            {
                return;
            }

            var end = Array.IndexOf(ids, tokenizer.EosId);
            ids.AsSpan(end + 1).Fill(tokenizer.PadId);
        }
    }
}
