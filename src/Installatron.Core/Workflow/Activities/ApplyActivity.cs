using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>What the apply step replaced: the plugins and themes (and bundled folders added), for the task and the verify step.</summary>
public sealed record ApplyOutcome(IReadOnlyList<AppliedComponent> Applied);

/// <summary>
/// Applies the update: the core from the target version's package (maintenance marker on, core files replaced,
/// files dropped by the new version removed, user content untouched), then the selected plugins and themes from
/// their newest packages. Idempotent: applying the same packages again gives the same tree.
/// </summary>
[DurableTask(TaskNames.Apply)]
public sealed class ApplyActivity(UpdateWork work, CatalogStore catalog, PackageApplier applier, UpdateFaults faults, ILogger<ApplyActivity> logger)
    : UpdateActivity<ApplyOutcome>(work, logger)
{
    protected override UpdateStep Step => UpdateSteps.Apply;

    protected override async Task<ApplyOutcome> RunStepAsync(UpdateState state, UpdateInput input, CancellationToken ct)
    {
        var install = state.Install.Value;
        var site = state.SiteRoot;
        try
        {
            await faults.AtAsync(UpdateFaults.BeforeApply, input.TaskId, ct);
            var applied = new List<AppliedComponent>();
            if (state.Target is { } target)
            {
                var newPackage = state.PackagePath(target);
                await catalog.DownloadPackageAsync(target, newPackage, ct);
                string? oldPackage = null;
                if (state.Installed is { } installed)
                {
                    oldPackage = state.PackagePath(installed);
                    await catalog.DownloadPackageAsync(installed, oldPackage, ct);
                }

                var result = await applier.ApplyAsync(new ApplyRequest(site, newPackage, oldPackage, state.FilesFor(target),
                    Path.Combine(state.StagingDirectory, "core"), state.Installed?.Package.Root), ct);
                applied.AddRange(BundledComponents(state.Recipe, site, result.FoldersAdded ?? []));
            }

            await faults.AtAsync(UpdateFaults.AfterCoreApplied, input.TaskId, ct);
            var selected = install.Plugins.Where(p => state.Task.Value.Plugins?.Contains(p.Id) == true).Select(p => ("plugin", p.Id, p.Version))
                .Concat(install.Themes.Where(t => state.Task.Value.Themes?.Contains(t.Id) == true).Select(t => ("theme", t.Id, t.Version)));
            foreach (var (kind, id, installed) in selected)
            {
                if (state.Recipe.Component(kind) is { } component
                    && await ApplyComponentAsync(state, site, component.ApplicationPrefix + id, $"{component.Folder}/{id}", installed, ct) is { } version)
                {
                    applied.Add(new AppliedComponent(kind, id, installed, version));
                }
            }

            return new ApplyOutcome(applied);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or SiteFilesException)
        {
            throw new UpdateStepException(ErrorCodes.FailedUpdate, $"Applying the update to {site} failed: {e.Message}");
        }
    }

    protected override UpdateTask Show(UpdateTask task, ApplyOutcome result) =>
        task with { Applied = result.Applied, Progress = Math.Max(task.Progress, 75) };

    /// <summary>Plugins and themes the core's release added because the site lacked them (a new default theme): from nothing to their header's version.</summary>
    private static IEnumerable<AppliedComponent> BundledComponents(ApplicationRecipe recipe, string siteRoot, IReadOnlyList<string> folders)
    {
        foreach (var folder in folders)
        {
            var id = folder[(folder.LastIndexOf('/') + 1)..];
            if (recipe.Components.FirstOrDefault(c => folder.StartsWith(c.Folder + "/", StringComparison.Ordinal)) is { } component)
            {
                var found = ComponentInventory.Find(siteRoot, component).FirstOrDefault(c => c.Id == id);
                yield return new AppliedComponent(component.Kind, id, "", found?.Version ?? "");
            }
        }
    }

    /// <summary>Replaces one plugin/theme folder from its newest package, if that is newer than the installed one; returns the version applied.</summary>
    private async Task<string?> ApplyComponentAsync(UpdateState state, string site, string application, string directory, string installedVersion, CancellationToken ct)
    {
        var newest = (await catalog.ListVersionsAsync(application, ct)).FirstOrDefault();
        if (newest is null || (AppVersion.TryParse(installedVersion, out var current) && newest.ParsedVersion <= current))
        {
            return null;
        }

        var package = state.PackagePath(newest);
        await catalog.DownloadPackageAsync(newest, package, ct);
        await applier.ApplyComponentAsync(site, directory, package,
            Path.Combine(state.StagingDirectory, "components", application), ct);
        return newest.Version;
    }
}
