using Microsoft.Extensions.Logging;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Gpu;

namespace SdPortal.Tests.Gpu;

/// <summary>GPU figures for the pool page: NVML's answers mapped, and a machine without NVML getting nulls and one log line.</summary>
public sealed class NvmlDeviceTelemetryTests
{
    private const int NotSupported = 3;

    [Fact]
    public void Read_WithoutNvidiaDrivers_GivesNullsAndOneLogLine_NeverAnException()
    {
        var logger = new CollectingLogger();
        using var telemetry = new NvmlDeviceTelemetry(LoadWithoutDriver, null, logger);

        Assert.Null(telemetry.Read(0));
        Assert.Null(telemetry.Read(1));
        var line = Assert.Single(logger.Lines);
        Assert.Contains("NVML is unavailable", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OnThisMachinesOwnNvml_NeitherThrowsNorInventsFigures()
    {
        var logger = new CollectingLogger();
        using var telemetry = new NvmlDeviceTelemetry(NvmlLibrary.TryLoad, null, logger);

        var reading = telemetry.Read(0);

        // Without an NVIDIA driver (as on the project's CI) there is no reading and one line says why; with one, GPU 0
        // reports its memory.
        if (reading is null)
        {
            Assert.Single(logger.Lines);
        }
        else
        {
            Assert.True(reading.MemoryTotalBytes > 0);
        }
    }

    [Fact]
    public void Read_MapsNvmlsMemoryUtilisationAndTemperature()
    {
        var nvml = new FakeNvml { Total = 80UL << 30, Used = 12UL << 30, Gpu = 87, Celsius = 64 };
        using var telemetry = new NvmlDeviceTelemetry(nvml.Load, null, new CollectingLogger());

        var reading = telemetry.Read(0);

        Assert.Equal(new GpuReading(12L << 30, 80L << 30, 87, 64), reading);
        Assert.Equal(1, nvml.Inits);
    }

    [Fact]
    public void Read_ACallTheGpuDoesNotSupport_LeavesOnlyThatFieldNull()
    {
        var nvml = new FakeNvml { Total = 16UL << 30, Used = 1UL << 30, UtilizationStatus = NotSupported, TemperatureStatus = NotSupported };
        using var telemetry = new NvmlDeviceTelemetry(nvml.Load, null, new CollectingLogger());

        Assert.Equal(new GpuReading(1L << 30, 16L << 30, null, null), telemetry.Read(0));
    }

    [Fact]
    public void Read_InitFailure_GivesNullsAndOneLogLine()
    {
        var logger = new CollectingLogger();
        var nvml = new FakeNvml { InitStatus = 9 }; // NVML_ERROR_DRIVER_NOT_LOADED
        using var telemetry = new NvmlDeviceTelemetry(nvml.Load, null, logger);

        Assert.Null(telemetry.Read(0));
        Assert.Null(telemetry.Read(0));
        Assert.Contains("nvmlInit_v2 returned 9", Assert.Single(logger.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AnUnknownDevice_GivesNull()
    {
        var nvml = new FakeNvml { Devices = 1 };
        using var telemetry = new NvmlDeviceTelemetry(nvml.Load, null, new CollectingLogger());

        Assert.NotNull(telemetry.Read(0));
        Assert.Null(telemetry.Read(1));
    }

    [Fact]
    public void Read_MapsCudaOrdinalsThroughCudaVisibleDevices()
    {
        var nvml = new FakeNvml { Devices = 4 };
        using var telemetry = new NvmlDeviceTelemetry(nvml.Load, "2,3", new CollectingLogger());

        telemetry.Read(1);

        Assert.Equal(3u, nvml.LastIndex);
    }

    [Theory]
    [InlineData(0, null, 0u)]
    [InlineData(1, "", 1u)]
    [InlineData(0, "3,1", 3u)]
    [InlineData(1, " 3, 1 ", 1u)]
    [InlineData(2, "3,1", null)]
    [InlineData(0, "GPU-8f2c1a4e-0000-0000-0000-000000000000", null)]
    public void NvmlIndex_FollowsCudaVisibleDevices(int ordinal, string? visible, uint? expected) =>
        Assert.Equal(expected, NvmlDeviceTelemetry.NvmlIndex(ordinal, visible));

    [Fact]
    public void Dispose_ShutsNvmlDownOnlyIfItWasStarted()
    {
        var used = new FakeNvml();
        var unused = new FakeNvml();
        using (var telemetry = new NvmlDeviceTelemetry(used.Load, null, new CollectingLogger()))
        {
            telemetry.Read(0);
        }

        new NvmlDeviceTelemetry(unused.Load, null, new CollectingLogger()).Dispose();

        Assert.Equal(1, used.Shutdowns);
        Assert.Equal(0, unused.Inits + unused.Shutdowns);
    }

    [Fact]
    public void DeviceActivity_DescribesACudaDeviceWithItsReading_AndTheCpuWithoutIt()
    {
        var nvml = new FakeNvml { Total = 141UL << 30, Used = 20UL << 30, Gpu = 55, Celsius = 41, Devices = 2 };
        using var telemetry = new NvmlDeviceTelemetry(nvml.Load, null, new CollectingLogger());
        var activity = new DeviceActivity(TimeProvider.System, telemetry);

        var gpu = activity.Describe("cuda:1");
        var cpu = activity.Describe("cpu");

        Assert.Equal((20L << 30, 141L << 30, 55.0, 41.0), (gpu.MemoryUsedBytes, gpu.MemoryTotalBytes, gpu.UtilizationPercent, gpu.TemperatureCelsius));
        Assert.Equal(1u, nvml.LastIndex);
        Assert.Null(cpu.UtilizationPercent);
        Assert.Equal(Environment.WorkingSet, cpu.MemoryUsedBytes!.Value, tolerance: 1L << 30);
        Assert.Null(new DeviceActivity(TimeProvider.System).Describe("cuda:0").MemoryTotalBytes);
    }

    private static INvml? LoadWithoutDriver(out string? failure)
    {
        failure = "libnvidia-ml.so.1 could not be loaded (no NVIDIA driver on this machine)";
        return null;
    }

    private sealed class FakeNvml : INvml
    {
        public ulong Total { get; init; } = 8UL << 30;

        public ulong Used { get; init; }

        public uint Gpu { get; init; }

        public uint Celsius { get; init; }

        public int Devices { get; init; } = 1;

        public int InitStatus { get; init; }

        public int UtilizationStatus { get; init; }

        public int TemperatureStatus { get; init; }

        public int Inits { get; private set; }

        public int Shutdowns { get; private set; }

        public uint? LastIndex { get; private set; }

        public FakeNvml? Load(out string? failure)
        {
            failure = null;
            return this;
        }

        public int Init()
        {
            Inits++;
            return InitStatus;
        }

        public int Shutdown()
        {
            Shutdowns++;
            return 0;
        }

        public int DeviceHandle(uint index, out nint device)
        {
            LastIndex = index;
            device = (nint)(index + 1);
            return index < Devices ? 0 : 2; // NVML_ERROR_INVALID_ARGUMENT
        }

        public int Memory(nint device, out NvmlMemory memory)
        {
            memory = new NvmlMemory { Total = Total, Used = Used, Free = Total - Used };
            return 0;
        }

        public int Utilization(nint device, out NvmlUtilization utilization)
        {
            utilization = new NvmlUtilization { Gpu = Gpu, Memory = Gpu / 2 };
            return UtilizationStatus;
        }

        public int Temperature(nint device, out uint celsius)
        {
            celsius = Celsius;
            return TemperatureStatus;
        }
    }

    private sealed class CollectingLogger : ILogger
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines => _lines;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Add(formatter(state, exception));
    }
}
