using System.Globalization;

namespace BacklogPortal.CrashHarness;

/// <summary>Command-line settings of the crash harness (<c>--name value</c>).</summary>
public sealed record HarnessOptions
{
    /// <summary>Customers in the database; every wave of ETA changes gives each of them one email.</summary>
    public int Customers { get; init; } = 2_000;

    /// <summary>Kills that must land while the portal is dispatching (emails arrived in that life before the kill).</summary>
    public int Kills { get; init; } = 50;

    /// <summary>Share of lives killed a random delay after start instead of after the first arrival (start-up, composing, lease take-over).</summary>
    public double EarlyKillShare { get; init; } = 0.2;

    /// <summary>
    /// Kills aimed at the start-up's database migration step before the main run (EF Core holds a
    /// migration lock there that SQLite keeps as a row); each one that leaves the lock behind is
    /// followed by a restart that shows whether the portal still comes up.
    /// </summary>
    public int StartupKills { get; init; } = 3;

    /// <summary>How long a restart after a start-up kill may take to get past the migration step (a normal start needs about a second).</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public int MinDelayMs { get; init; } = 50;

    public int MaxDelayMs { get; init; } = 1_500;

    /// <summary><c>Notifications:LeaseDuration</c> of the portal: a dead life's claims are taken over after it.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A duplicate is explained only when its first copy was accepted at most this long before the
    /// kill; 0 means one lease: the dispatcher starts an email only while its claim has time left,
    /// and keeps trying to record the outcome until the claim runs out.
    /// </summary>
    public int MaxDuplicateGapMs { get; init; }

    /// <summary>How long a life may take from start to its first accepted email before the harness calls it stuck.</summary>
    public TimeSpan ArrivalTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int Seed { get; init; } = Environment.TickCount & 0x7fff_ffff;

    public string Directory { get; init; } = Path.Combine("artifacts", "crash");

    /// <summary>The built portal; <c>dotnet run -c Release</c> of this harness builds it there.</summary>
    public string App { get; init; } = Path.Combine("bin", "Release", "net10.0", "BacklogPortal.dll");

    public static HarnessOptions Parse(string[] args)
    {
        var options = new HarnessOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--customers" => options with { Customers = int.Parse(value, CultureInfo.InvariantCulture) },
                "--kills" => options with { Kills = int.Parse(value, CultureInfo.InvariantCulture) },
                "--startup-kills" => options with { StartupKills = int.Parse(value, CultureInfo.InvariantCulture) },
                "--startup-timeout" => options with { StartupTimeout = TimeSpan.Parse(value, CultureInfo.InvariantCulture) },
                "--early-share" => options with { EarlyKillShare = double.Parse(value, CultureInfo.InvariantCulture) },
                "--min-delay-ms" => options with { MinDelayMs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--max-delay-ms" => options with { MaxDelayMs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--lease" => options with { Lease = TimeSpan.Parse(value, CultureInfo.InvariantCulture) },
                "--poll" => options with { PollInterval = TimeSpan.Parse(value, CultureInfo.InvariantCulture) },
                "--max-duplicate-gap-ms" => options with { MaxDuplicateGapMs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--arrival-timeout" => options with { ArrivalTimeout = TimeSpan.Parse(value, CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--dir" => options with { Directory = value },
                "--app" => options with { App = value },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
            i++;
        }
        return options with
        {
            Directory = Path.GetFullPath(options.Directory),
            App = Path.GetFullPath(options.App),
            MaxDuplicateGapMs = options.MaxDuplicateGapMs > 0 ? options.MaxDuplicateGapMs : (int)options.Lease.TotalMilliseconds,
        };
    }
}
