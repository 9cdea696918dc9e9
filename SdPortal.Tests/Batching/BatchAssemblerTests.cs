using SdPortal.Inference.Batching;

namespace SdPortal.Tests.Batching;

public sealed class BatchAssemblerTests
{
    private static readonly object ModelA = new(), ModelB = new();
    private static readonly BatchKey Key = new(ModelA, 8, 8, SharedTimestep: false);

    [Fact]
    public void Select_TakesTheLeastRecentlyServedFirstThenFillsInThatOrder()
    {
        var fresh = Job(1, samples: 2, lastServed: -1, arrival: 9);
        var old = Job(2, samples: 2, lastServed: 3, arrival: 1);
        var older = Job(3, samples: 2, lastServed: 1, arrival: 5);

        var members = BatchAssembler.Select([old, older, fresh], capacity: 4);

        Assert.Equal([1, 3], members.Select(m => m.Id));
    }

    [Fact]
    public void Select_SkipsAJobThatDoesNotFitButKeepsFillingWithSmallerOnes()
    {
        var leader = Job(1, samples: 4, lastServed: 0);
        var big = Job(2, samples: 16, lastServed: 1);
        var small = Job(3, samples: 2, lastServed: 2);

        Assert.Equal([1, 3], BatchAssembler.Select([leader, big, small], capacity: 8).Select(m => m.Id));
    }

    [Fact]
    public void Select_ALeaderLargerThanTheCapacityRunsAlone()
    {
        var members = BatchAssembler.Select([Job(1, samples: 16, lastServed: 0), Job(2, samples: 1, lastServed: 1)], capacity: 8);

        Assert.Equal([1], members.Select(m => m.Id));
    }

    [Fact]
    public void Select_OnlyTakesJobsOfTheLeadersModelAndLatentSize()
    {
        var leader = Job(1, samples: 2, lastServed: 0);
        var otherModel = Job(2, samples: 2, lastServed: 1) with { Key = Key with { Model = ModelB } };
        var otherSize = Job(3, samples: 2, lastServed: 1) with { Key = Key with { LatentWidth = 16 } };
        var same = Job(4, samples: 2, lastServed: 2);

        Assert.Equal([1, 4], BatchAssembler.Select([leader, otherModel, otherSize, same], capacity: 32).Select(m => m.Id));
    }

    [Fact]
    public void Select_WithABroadcastTimestep_OnlyTakesJobsAtTheLeadersTimestep()
    {
        var shared = Key with { SharedTimestep = true };
        var leader = Job(1, samples: 2, lastServed: 0, timestep: 999) with { Key = shared };
        var later = Job(2, samples: 2, lastServed: 1, timestep: 950) with { Key = shared };
        var same = Job(3, samples: 2, lastServed: 2, timestep: 999) with { Key = shared };

        Assert.Equal([1, 3], BatchAssembler.Select([leader, later, same], capacity: 32).Select(m => m.Id));
    }

    [Fact]
    public void Select_WithAPerSampleTimestep_MixesTimesteps()
    {
        var members = BatchAssembler.Select([Job(1, 2, 0, timestep: 999), Job(2, 2, 1, timestep: 10)], capacity: 32);

        Assert.Equal(2, members.Count);
    }

    [Fact]
    public void Select_RepeatedOverMoreWorkThanOneCallHolds_ServesEveryJobInTurn()
    {
        // 20 jobs of 2 samples, 16 per call: every job must advance once in every ⌈40 ÷ 16⌉ = 3 calls.
        var jobs = Enumerable.Range(0, 20).Select(i => Job(i, samples: 2, lastServed: -1, arrival: i)).ToList();
        var served = new int[jobs.Count];
        var servings = 0L;
        for (var call = 0; call < 30; call++)
        {
            foreach (var member in BatchAssembler.Select(jobs, capacity: 16))
            {
                served[member.Id]++;
                jobs[member.Id] = member with { LastServed = servings++ };
            }
        }

        // 30 calls × 8 jobs = 240 steps over 20 jobs: exactly 12 each, no job ahead or behind.
        Assert.All(served, count => Assert.Equal(12, count));
    }

    private static Candidate Job(int id, int samples, long lastServed, long arrival = 0, double timestep = 500) =>
        new(id, Key, samples, timestep, lastServed, arrival);

    private sealed record Candidate(int Id, BatchKey Key, int Samples, double Timestep, long LastServed, long Arrival) : IStepCandidate;
}
