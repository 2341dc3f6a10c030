using System.Diagnostics;

namespace BacklogPortal.CrashHarness;

/// <summary>
/// The real portal as a separate process (<c>dotnet BacklogPortal.dll</c>), its console output
/// appended to one log file with the life number in front of every line.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private readonly Process process;

    private AppProcess(Process process, int life)
    {
        this.process = process;
        Life = life;
        StartedAt = DateTimeOffset.UtcNow;
    }

    public int Life { get; }

    public DateTimeOffset StartedAt { get; }

    public bool HasExited => process.HasExited;

    public static AppProcess Start(string appDll, IReadOnlyDictionary<string, string> environment, AppLog log, int life)
    {
        var start = new ProcessStartInfo
        {
            // The dotnet host that runs this harness (set by the CLI for the processes it starts).
            FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            WorkingDirectory = Path.GetDirectoryName(appDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(appDll);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => log.Write(life, e.Data);
        process.ErrorDataReceived += (_, e) => log.Write(life, e.Data);
        log.Write(life, "---- harness: starting the portal");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AppProcess(process, life);
    }

    /// <summary>SIGKILL to the whole tree; returns the instant just before the signal and the instant the process was gone.</summary>
    public async Task<(DateTimeOffset Signalled, DateTimeOffset Dead)> KillAsync()
    {
        var signalled = DateTimeOffset.UtcNow;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        return (signalled, DateTimeOffset.UtcNow);
    }

    /// <summary>SIGTERM, as a service manager or container runtime stops the app; the host shuts down gracefully.</summary>
    public async Task<int?> StopAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
            if (signal.ExitCode != 0)
            {
                throw new InvalidOperationException($"kill -TERM {process.Id} failed with exit code {signal.ExitCode}.");
            }
        }
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return null;
        }
    }

    public void Dispose() => process.Dispose();
}

/// <summary>The portal's console output of every life, in one file.</summary>
public sealed class AppLog(string path) : IDisposable
{
    private readonly StreamWriter file = new(path, append: false) { AutoFlush = true };
    private readonly object gate = new();
    private readonly Dictionary<int, int> errors = [];
    private readonly List<(int Life, string Text, TaskCompletionSource Seen)> watches = [];

    /// <summary>Completes when life <paramref name="life"/> writes a line containing <paramref name="text"/>; register before the start.</summary>
    public Task WatchFor(int life, string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            watches.Add((life, text, seen));
        }
        return seen.Task;
    }

    public void Write(int life, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (gate)
        {
            foreach (var watch in watches.Where(w => w.Life == life && line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                watch.Seen.TrySetResult();
                watches.Remove(watch);
            }
            file.WriteLine($"[{life,3}] {line}");
            // The single-line console format puts the level after the timestamp: "fail:" for Error, "crit:" for Critical.
            if (line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal))
            {
                errors[life] = errors.GetValueOrDefault(life) + 1;
            }
        }
    }

    /// <summary>Error and critical log entries per life.</summary>
    public IReadOnlyDictionary<int, int> Errors
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<int, int>(errors);
            }
        }
    }

    public void Dispose() => file.Dispose();
}
