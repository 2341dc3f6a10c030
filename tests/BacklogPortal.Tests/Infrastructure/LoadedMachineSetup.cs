using System.Runtime.CompilerServices;

namespace BacklogPortal.Tests.Infrastructure;

/// <summary>
/// CI runs this assembly on a loaded 2-core machine beside real servers (SQLite, SMTP, the portal):
/// the thread pool starts with two threads and grows slowly, and bUnit's default one-second wait then
/// times out before the renderer even runs its check. More threads from the start and a longer bUnit
/// wait make the suite's outcome depend on the code, not on the machine's load.
/// </summary>
internal static class LoadedMachineSetup
{
    [ModuleInitializer]
    internal static void Initialize()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
        Bunit.BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(30);
    }
}
