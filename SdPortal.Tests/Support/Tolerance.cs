namespace SdPortal.Tests.Support;

/// <summary>Element-wise comparison of a result with a reference.</summary>
public static class Tolerance
{
    /// <summary>
    /// Asserts |actual − expected| ≤ relative·max(|expected|, 1e-3·max|expected|) for every element: relative error,
    /// with a floor at a thousandth of the vector's scale so that values crossing zero do not demand absolute 0.
    /// </summary>
    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual, double relative, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        var scale = 0.0;
        foreach (var value in expected)
        {
            scale = Math.Max(scale, Math.Abs(value));
        }

        var floor = 1e-3 * scale;
        var worst = 0.0;
        var worstIndex = -1;
        for (var i = 0; i < expected.Count; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), floor);
            if (error > worst)
            {
                worst = error;
                worstIndex = i;
            }
        }

        Assert.True(
            worst <= relative,
            $"{what}: element {worstIndex} is {(worstIndex >= 0 ? actual[worstIndex] : 0)}, expected {(worstIndex >= 0 ? expected[worstIndex] : 0)} (relative error {worst:E2} > {relative:E0}).");
    }
}
