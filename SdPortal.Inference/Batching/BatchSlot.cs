using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Batching;

/// <summary>One job's place in a UNet call: its samples occupy [Offset, Offset + Samples) of the batch.</summary>
/// <param name="Denoiser">The job's state: prepared input in, prediction out.</param>
/// <param name="StepIndex">The job's model call (its own timestep).</param>
/// <param name="Offset">The job's first sample in the call.</param>
internal readonly record struct BatchSlot(Denoiser Denoiser, int StepIndex, int Offset)
{
    /// <summary>The samples the job brings.</summary>
    public int Samples => Denoiser.Samples;

    /// <summary>Lays <paramref name="denoisers"/> out back to back, in order; returns the slots and the samples used.</summary>
    public static (BatchSlot[] Slots, int Samples) Layout(IReadOnlyList<(Denoiser Denoiser, int StepIndex)> denoisers)
    {
        var slots = new BatchSlot[denoisers.Count];
        var offset = 0;
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new BatchSlot(denoisers[i].Denoiser, denoisers[i].StepIndex, offset);
            offset += denoisers[i].Denoiser.Samples;
        }

        return (slots, offset);
    }
}
