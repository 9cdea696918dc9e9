using SdPortal.Inference.Models;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The text conditioning held by each sample slot of a UNet input tensor, so a slot is rewritten only when its sequence
/// changes: another job takes it, or the job's own prompt changes at a step (prompt editing, alternation). A job whose
/// conditioning stays the same pays for writing it once.
/// </summary>
internal sealed class ConditioningRows(int slots)
{
    private readonly float[]?[] _held = new float[]?[slots];

    /// <summary>Writes the conditioning of <paramref name="denoiser"/>'s samples for model call <paramref name="index"/>
    /// into slots <paramref name="offset"/>… of <paramref name="target"/> where it differs; returns the rows written.</summary>
    public int Write(HostTensor target, int offset, Denoiser denoiser, int index)
    {
        var length = denoiser.Prompt.SequenceLength * denoiser.Prompt.HiddenSize;
        var written = 0;
        for (var sample = 0; sample < denoiser.Samples; sample++)
        {
            var sequence = denoiser.ConditioningAt(sample, index);
            ref var held = ref _held[offset + sample];
            if (ReferenceEquals(held, sequence))
            {
                continue;
            }

            target.Write(sequence, (offset + sample) * length);
            held = sequence;
            written++;
        }

        return written;
    }
}
