namespace SdPortal.Inference.Batching;

/// <summary>A job waiting for its next UNet evaluation, as the <see cref="BatchAssembler"/> sees it.</summary>
internal interface IStepCandidate
{
    /// <summary>What the job must share with the others of its call.</summary>
    BatchKey Key { get; }

    /// <summary>UNet samples the job brings (2B guided, B unguided).</summary>
    int Samples { get; }

    /// <summary>The timestep as the model will see it (compared only when <see cref="BatchKey.SharedTimestep"/>).</summary>
    double Timestep { get; }

    /// <summary>
    /// When the job was last served: a counter that rises with every job of every call, in the order of the call's
    /// members, so jobs served in the same call keep their rotation; −1 before its first step.
    /// </summary>
    long LastServed { get; }

    /// <summary>Arrival order of the job (ties between equally served jobs go to the earlier one).</summary>
    long Arrival { get; }
}
