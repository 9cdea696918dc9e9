namespace SdPortal.Inference.Schedulers;

/// <summary>
/// The last four kept model outputs of PLMS (a ring of buffers allocated together on first use) and their
/// Adams–Bashforth combination, newest first e₁, e₂, …:
/// 1: e₁; 2: (3e₁ − e₂)/2; 3: (23e₁ − 16e₂ + 5e₃)/12; 4: (55e₁ − 59e₂ + 37e₃ − 9e₄)/24 (float32, diffusers' order).
/// </summary>
internal sealed class AdamsBashforthHistory
{
    private const int Capacity = 4;
    private readonly float[][] _outputs = new float[Capacity][];
    private int _count;
    private int _newest = -1;

    /// <summary>How many outputs are kept (at most 4).</summary>
    public int Count => _count;

    /// <summary>Forgets the kept outputs.</summary>
    public void Clear()
    {
        _count = 0;
        _newest = -1;
    }

    /// <summary>Makes sure every buffer exists and has <paramref name="length"/> elements.</summary>
    public void Prepare(int length)
    {
        for (var i = 0; i < Capacity; i++)
        {
            if (_outputs[i] is null || _outputs[i].Length != length)
            {
                _outputs[i] = new float[length];
            }
        }
    }

    /// <summary>Keeps a copy of <paramref name="output"/>, dropping the oldest beyond four.</summary>
    public void Add(ReadOnlySpan<float> output)
    {
        _newest = (_newest + 1) % Capacity;
        output.CopyTo(_outputs[_newest]);
        _count = Math.Min(_count + 1, Capacity);
    }

    /// <summary>The output kept <paramref name="age"/> additions ago (0 = newest).</summary>
    public float[] Get(int age) => _outputs[(_newest - age + Capacity) % Capacity];

    /// <summary>Writes the Adams–Bashforth combination of the kept outputs.</summary>
    public void Combine(Span<float> destination)
    {
        var e1 = Get(0);
        switch (_count)
        {
            case 1:
                e1.CopyTo(destination);
                break;
            case 2:
                var e2 = Get(1);
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = ((3 * e1[i]) - e2[i]) / 2;
                }

                break;
            case 3:
                var (b2, b3) = (Get(1), Get(2));
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = ((23 * e1[i]) - (16 * b2[i]) + (5 * b3[i])) / 12;
                }

                break;
            default:
                var (c2, c3, c4) = (Get(1), Get(2), Get(3));
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = 1f / 24 * ((55 * e1[i]) - (59 * c2[i]) + (37 * c3[i]) - (9 * c4[i]));
                }

                break;
        }
    }
}
