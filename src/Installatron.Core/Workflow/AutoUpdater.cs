using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Workflow;

/// <summary>What one automatic-update sweep did.</summary>
public sealed record AutoUpdateRun(int Checked, IReadOnlyList<string> Started, IReadOnlyList<string> Skipped);

/// <summary>
/// Installatron's automatic updates: every install whose <c>autoup</c> allows it (<c>all</c>: the newest version it can be
/// updated to; <c>minor</c>: the newest of its branch) is updated in the background, with a backup and revert when its
/// <c>autoup_backup</c> is <c>all</c>. After <see cref="MaxFailedAttempts"/> failed automatic updates
/// (<c>version_autouped_attempts</c>) an install is left alone until a successful update resets the count.
/// </summary>
public sealed class AutoUpdater(InstallStore installs, InstallView view, UpdateValidator validator, UpdateStarter starter)
{
    public const int MaxFailedAttempts = 3;

    public async Task<AutoUpdateRun> RunOnceAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var all = await installs.ListAsync(null, cancellationToken);
        var started = new List<string>();
        var skipped = new List<string>();
        foreach (var stored in all)
        {
            var install = await view.PresentAsync(stored, cancellationToken);
            var target = AutomaticTarget(install);
            if (target is null)
            {
                skipped.Add(install.Id);
                continue;
            }

            var request = new UpdateRequest { Version = target, Background = true, Revert = install.AutoupBackup == "all" };
            try
            {
                var validated = await validator.ValidateAsync(install.Id, request, cancellationToken);
                // One key per install, target and attempt (every failed attempt adds a failure): a second sweep never
                // starts the same attempt twice, and a failed attempt never blocks the next one.
                var key = $"autoupdate:{target}:{install.Failures.Count}";
                var result = await starter.StartAsync(validated, key, client, cancellationToken, automatic: true);
                (result.Repeated ? skipped : started).Add(install.Id);
            }
            catch (Refusal)
            {
                // Suspended owner, unmet requirements, an update already running: not this time.
                skipped.Add(install.Id);
            }
        }

        return new AutoUpdateRun(all.Count, started, skipped);
    }

    /// <summary>The version a sweep updates the (presented) install to, or <c>null</c>.</summary>
    public static string? AutomaticTarget(Install install) => install.VersionAutoupedAttempts >= MaxFailedAttempts ? null : install.Autoup switch
    {
        "all" => install.VersionAvailable,
        "minor" => install.VersionAvailableMinor,
        _ => null,
    };
}
