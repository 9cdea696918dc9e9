using Microsoft.ML.OnnxRuntime;

namespace SdPortal.Inference.Lora;

/// <summary>
/// Patched copies of the weights one adapter set changes in one component, as tensors a run binds by initializer name
/// in place of the stored weights. Only the weights the adapters touch are copied. Immutable once built; several runs
/// may bind it at once.
/// </summary>
internal sealed class WeightOverrides : IDisposable
{
    private readonly OrtValue[] _values;

    public WeightOverrides(string[] names, OrtValue[] values, long bytes)
    {
        Names = names;
        _values = values;
        Bytes = bytes;
    }

    /// <summary>An empty set: the run uses the stored weights.</summary>
    public static WeightOverrides None { get; } = new([], [], 0);

    /// <summary>The initializer names overridden.</summary>
    public string[] Names { get; }

    /// <summary>The tensors, in <see cref="Names"/> order.</summary>
    public IReadOnlyList<OrtValue> Values => _values;

    /// <summary>Host memory the copies hold.</summary>
    public long Bytes { get; }

    /// <summary>Whether nothing is overridden.</summary>
    public bool IsEmpty => Names.Length == 0;

    /// <summary>Adds the overrides to a binding whose other inputs are already bound.</summary>
    public void BindTo(OrtIoBinding binding)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            binding.BindInput(Names[i], _values[i]);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var value in _values)
        {
            value.Dispose();
        }
    }
}
