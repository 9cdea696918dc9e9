using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace SdPortal.Inference.Lora;

/// <summary>
/// Builds the patched weights of one component for an adapter set: W' = W + Σ w · (α/r) · up · down for every weight
/// an adapter module targets, in the weight's own layout and element type. A module whose target the model lacks is
/// an error here: admission refuses adapters that do not fit the job's model (<see cref="ModelWeightIndex.Match"/>).
/// </summary>
internal static class LoraPatcher
{
    /// <exception cref="LoraFormatException">An adapter does not fit the component.</exception>
    public static WeightOverrides Build(PatchableModel model, AdapterSet set)
    {
        var byWeight = new Dictionary<string, (ModelWeight Weight, List<(LoraModule Module, float Factor)> Updates)>(StringComparer.Ordinal);
        foreach (var use in set.Uses.Where(u => u.Strength != 0))
        {
            foreach (var module in use.Weights.Modules.Where(m => m.Component == model.Weights.Component))
            {
                var weight = model.Weights.Find(module)
                    ?? throw new LoraFormatException($"Adapter '{use.Name}': module {module.Key} matches no weight of this model.");
                if (!byWeight.TryGetValue(weight.Initializer, out var entry))
                {
                    byWeight[weight.Initializer] = entry = (weight, []);
                }

                entry.Updates.Add((module, use.Strength * module.Scale));
            }
        }

        if (byWeight.Count == 0)
        {
            return WeightOverrides.None;
        }

        var names = new string[byWeight.Count];
        var values = new OrtValue[byWeight.Count];
        var bytes = 0L;
        var i = 0;
        try
        {
            foreach (var (name, (weight, updates)) in byWeight.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var patched = new float[weight.ElementCount];
                model.ReadBase(weight, patched);
                foreach (var (module, factor) in updates)
                {
                    AddUpdate(patched, weight, module, factor);
                }

                names[i] = name;
                (values[i], var size) = ToTensor(patched, weight);
                bytes += size;
                i++;
            }
        }
        catch
        {
            foreach (var value in values.Take(i))
            {
                value.Dispose();
            }

            throw;
        }

        return new WeightOverrides(names, values, bytes);
    }

    /// <summary>W += factor · up · down, ΔW[o, j] = Σ_r up[o, r] · down[r, j], written where the layout keeps (o, j).</summary>
    internal static void AddUpdate(float[] weight, ModelWeight target, LoraModule module, float factor)
    {
        var outFeatures = module.OutFeatures;
        var inFeatures = module.InFeatures;
        var rank = module.Rank;
        var transposed = target.Layout == WeightLayout.InOut;
        Parallel.For(0, outFeatures, () => new float[inFeatures], (o, _, row) =>
        {
            Array.Clear(row);
            for (var r = 0; r < rank; r++)
            {
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(module.Down.AsSpan(r * inFeatures, inFeatures), module.Up[(o * rank) + r] * factor, row, row);
            }

            if (transposed)
            {
                for (var j = 0; j < inFeatures; j++)
                {
                    weight[((long)j * outFeatures) + o] += row[j];
                }
            }
            else
            {
                var destination = weight.AsSpan(o * inFeatures, inFeatures);
                System.Numerics.Tensors.TensorPrimitives.Add(destination, row, destination);
            }

            return row;
        }, _ => { });
    }

    private static (OrtValue Value, long Bytes) ToTensor(float[] values, ModelWeight weight)
    {
        var shape = weight.Shape.ToArray();
        if (weight.ElementType == TensorProto.Types.DataType.Float16)
        {
            var halves = new Float16[values.Length];
            var view = MemoryMarshal.Cast<Float16, Half>(halves.AsSpan());
            for (var k = 0; k < values.Length; k++)
            {
                view[k] = (Half)values[k];
            }

            return (OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<Float16>(halves), shape), halves.Length * 2L);
        }

        return (OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(values), shape), values.Length * 4L);
    }
}
