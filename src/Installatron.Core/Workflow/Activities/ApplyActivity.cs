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
public sealed class ApplyActivity(UpdateWork work, CatalogStore catalog, PackageCache packages, PackageApplier applier, UpdateFaults faults, ILogger<ApplyActivity> logger)
    : UpdateActivity<ApplyOutcome>(work, logger)
{
    protected override UpdateStep Step => UpdateSteps.Apply;

    protected override async Task<ApplyOutcome> RunStepAsync(UpdateState state, UpdateInput input, CancellationToken ct)
    {
        var install = state.Install.Value;
        var site = await state.SiteAsync(ct);
        var root = site.Root;
        try
        {
            await faults.AtAsync(UpdateFaults.BeforeApply, input.TaskId, ct);
            var applied = new List<AppliedComponent>();
            if (state.Target is { } target)
            {
                var newPackage = await packages.PathAsync(target, ct);
                var oldPackage = state.Installed is { } installed ? await packages.PathAsync(installed, ct) : null;

                var result = await applier.ApplyAsync(site.Files, new ApplyRequest(root, newPackage, oldPackage, state.FilesFor(target),
                    Path.Combine(site.StagingDirectory, "core"), state.Installed?.Package.Root), ct);
                applied.AddRange(await BundledComponentsAsync(state.Recipe, site, root, result.FoldersAdded ?? [], ct));
            }

            await faults.AtAsync(UpdateFaults.AfterCoreApplied, input.TaskId, ct);
            var selected = install.Plugins.Where(p => state.Task.Value.Plugins?.Contains(p.Id) == true).Select(p => ("plugin", p.Id, p.Version))
                .Concat(install.Themes.Where(t => state.Task.Value.Themes?.Contains(t.Id) == true).Select(t => ("theme", t.Id, t.Version)));
            foreach (var (kind, id, installed) in selected)
            {
                if (state.Recipe.Component(kind) is { } component
                    && await ApplyComponentAsync(site, root, component.ApplicationPrefix + id, $"{component.Folder}/{id}", installed, ct) is { } version)
                {
                    applied.Add(new AppliedComponent(kind, id, installed, version));
                }
            }

            return new ApplyOutcome(applied);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or SiteFilesException && !SiteFailures.IsTransient(e))
        {
            throw new UpdateStepException(ErrorCodes.FailedUpdate, $"Applying the update to {site.Connection.Describe(root)} failed: {e.Message}");
        }
    }

    protected override UpdateTask Show(UpdateTask task, ApplyOutcome result) =>
        task with { Applied = result.Applied, Progress = Math.Max(task.Progress, 75) };

    /// <summary>Plugins and themes the core's release added because the site lacked them (a new default theme): from nothing to their header's version.</summary>
    private static async Task<IReadOnlyList<AppliedComponent>> BundledComponentsAsync(
        ApplicationRecipe recipe, UpdateSite site, string root, IReadOnlyList<string> folders, CancellationToken ct)
    {
        var added = new List<AppliedComponent>();
        foreach (var folder in folders)
        {
            var id = folder[(folder.LastIndexOf('/') + 1)..];
            if (recipe.Components.FirstOrDefault(c => folder.StartsWith(c.Folder + "/", StringComparison.Ordinal)) is { } component)
            {
                var found = (await ComponentInventory.FindAsync(site.Files, root, component, ct)).FirstOrDefault(c => c.Id == id);
                added.Add(new AppliedComponent(component.Kind, id, "", found?.Version ?? ""));
            }
        }

        return added;
    }

    /// <summary>Replaces one plugin/theme folder from its newest package, if that is newer than the installed one; returns the version applied.</summary>
    private async Task<string?> ApplyComponentAsync(UpdateSite site, string root, string application, string directory, string installedVersion, CancellationToken ct)
    {
        var newest = (await catalog.ListVersionsAsync(application, ct)).FirstOrDefault();
        if (newest is null || (AppVersion.TryParse(installedVersion, out var current) && newest.ParsedVersion <= current))
        {
            return null;
        }

        var package = await packages.PathAsync(newest, ct);
        await applier.ApplyComponentAsync(site.Files, root, directory, package,
            Path.Combine(site.StagingDirectory, "components", application), ct);
        return newest.Version;
    }
}
