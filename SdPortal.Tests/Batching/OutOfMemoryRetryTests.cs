using SdPortal.Inference.Batching;

namespace SdPortal.Tests.Batching;

/// <summary>The out-of-memory policy against a fake device that fails every call above a memory limit (in samples).</summary>
public sealed class OutOfMemoryRetryTests
{
    private static readonly BatchBuckets Buckets = BatchBuckets.Parse("1,2,4,8,16,32");

    [Fact]
    public void Run_CallAboveTheLimit_IsSplitUntilEveryJobRunsAndNoJobFails()
    {
        var device = new FakeDevice(limit: 8);
        var backoff = new OutOfMemoryBackoff(Buckets);
        var jobs = Enumerable.Range(0, 8).Select(i => (Id: i, Samples: 2)).ToList(); // 16 samples

        OutOfMemoryRetry.Run(jobs, j => j.Samples, Buckets, backoff, device.Run, device.Fail);

        Assert.Empty(device.Failed);
        Assert.Equal(Enumerable.Range(0, 8), device.Ran.Order());
        Assert.Equal([16, 8, 8], device.Calls); // one failed call of 16, then two halves of 8
        Assert.Equal(8, backoff.Capacity);
    }

    [Fact]
    public void Run_LoneJobPaddedPastTheLimit_RetriesAtItsOwnSize()
    {
        var device = new FakeDevice(limit: 6);
        var backoff = new OutOfMemoryBackoff(Buckets);

        OutOfMemoryRetry.Run([(Id: 0, Samples: 6)], j => j.Samples, Buckets, backoff, device.Run, device.Fail);

        Assert.Equal([8, 6], device.Calls);
        Assert.Equal([0], device.Ran);
        Assert.Empty(device.Failed);
    }

    [Fact]
    public void Run_LoneJobThatCannotFitAtAll_FailsWithTheOutOfMemoryErrorAndTheOthersRun()
    {
        var device = new FakeDevice(limit: 4);
        var backoff = new OutOfMemoryBackoff(Buckets);

        OutOfMemoryRetry.Run([(Id: 0, Samples: 2), (Id: 1, Samples: 16)], j => j.Samples, Buckets, backoff, device.Run, device.Fail);

        Assert.Equal([0], device.Ran);
        var (id, error) = Assert.Single(device.Failed);
        Assert.Equal(1, id);
        Assert.True(OutOfMemoryErrors.IsOutOfMemory(error));
    }

    [Fact]
    public void Run_OtherErrors_AreNotRetried()
    {
        var backoff = new OutOfMemoryBackoff(Buckets);
        var calls = 0;

        Assert.Throws<InvalidOperationException>(() => OutOfMemoryRetry.Run(
            [1, 2], _ => 2, Buckets, backoff, (_, _) => { calls++; throw new InvalidOperationException("shape mismatch"); }, (_, _) => { }));
        Assert.Equal(1, calls);
        Assert.Equal(32, backoff.Capacity);
    }

    [Fact]
    public void Backoff_ClimbsBackOneBucketAfterEnoughSuccesses()
    {
        var backoff = new OutOfMemoryBackoff(Buckets, recoverAfter: 3);
        backoff.Failed(32);
        backoff.Failed(16);
        Assert.Equal(8, backoff.Capacity);

        backoff.Succeeded();
        backoff.Succeeded();
        Assert.Equal(8, backoff.Capacity);
        backoff.Succeeded();
        Assert.Equal(16, backoff.Capacity);
    }

    [Theory]
    [InlineData("[ErrorCode:RuntimeException] Non-zero status code returned while running Conv node. Name:'/conv_in/Conv' Status Message: /onnxruntime/core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, onnxruntime::Stream*, bool, onnxruntime::WaitNotificationFn) Failed to allocate memory for requested buffer of size 2147483648", true)]
    [InlineData("CUDA failure 2: out of memory ; GPU=0 ; hostname=x ; file=cuda_allocator.cc ; line=47", true)]
    [InlineData("CUDNN failure 4: CUDNN_STATUS_ALLOC_FAILED ; GPU=0", true)]
    [InlineData("[ErrorCode:InvalidArgument] Got invalid dimensions for input: sample", false)]
    [InlineData("Exiting due to terminate flag being set to true.", false)]
    public void IsOutOfMemory_ReadsOrtsErrorText(string message, bool expected) =>
        Assert.Equal(expected, OutOfMemoryErrors.IsOutOfMemory(new InvalidOperationException("run failed", new InvalidOperationException(message))));

    private sealed class FakeDevice(int limit)
    {
        public List<int> Calls { get; } = [];

        public List<int> Ran { get; } = [];

        public List<(int Id, Exception Error)> Failed { get; } = [];

        public void Run(IReadOnlyList<(int Id, int Samples)> jobs, int bucket)
        {
            Calls.Add(bucket);
            if (bucket > limit)
            {
                throw new InvalidOperationException($"CUDA failure 2: out of memory (bucket {bucket})");
            }

            Ran.AddRange(jobs.Select(j => j.Id));
        }

        public void Fail((int Id, int Samples) job, Exception error) => Failed.Add((job.Id, error));
    }
}
