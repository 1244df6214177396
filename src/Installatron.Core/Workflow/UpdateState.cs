using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>
/// Everything an activity knows about its update, read fresh from the tables each time. The folders on disk are
/// resolved again on every read (<see cref="AccountFolder"/>): a symbolic link swapped in between two steps cannot
/// lead a step outside the owner's home; such a folder fails the step with <c>failed_filesystem_permission</c>.
/// </summary>
public sealed record UpdateState(
    Stored<UpdateTask> Task,
    Stored<Install> Install,
    HostingUser Owner,
    CatalogVersion? Target,
    CatalogVersion? Installed)
{
    /// <summary>The real path of the site; read it once per step and work on that.</summary>
    public string SiteRoot => Resolve(account => account.Resolve(Install.Value.Path, "The install's folder"));

    public string StagingDirectory => Resolve(account => BackupLocations.StagingDirectory(account, Task.Value.Id));

    public string ArchivePath => Resolve(account => BackupLocations.ArchivePath(account, Install.Value.Id, Task.Value.Id));

    public string PackagePath(CatalogVersion version) => Path.Combine(StagingDirectory, "packages", $"{version.Application}-{version.Version}.zip");

    public SiteRecipe Recipe => Recipes.For(Install.Value.Application);

    /// <summary>The recipe for applying or checking <paramref name="version"/>'s package: its files sit in the root found when it was published.</summary>
    public SiteRecipe RecipeFor(CatalogVersion version) => Recipe with { PackageRoot = version.Package.Root };

    private string Resolve(Func<AccountFolder, string> path)
    {
        try
        {
            return path(AccountFolder.Open(Owner.Home));
        }
        catch (UnsafePathException e)
        {
            throw new UpdateStepException(ErrorCodes.FailedFilesystemPermission, e.Message);
        }
    }
}

/// <summary>Loads an update's state and records its progress on the task row.</summary>
public sealed class UpdateWork(TaskStore tasks, InstallStore installs, UserStore users, CatalogStore catalog, TimeProvider time)
{
    public async Task<UpdateState> LoadAsync(UpdateInput input, CancellationToken cancellationToken)
    {
        var task = await tasks.GetAsync(input.TaskId, cancellationToken) ?? throw new InvalidOperationException($"Task {input.TaskId} is missing.");
        var install = await installs.GetAsync(input.InstallId, cancellationToken)
            ?? throw new UpdateStepException(ErrorCodes.InstallNotFound, $"The install {input.InstallId} was removed during the update.");
        var owner = (await users.GetAsync(install.Value.User, cancellationToken))?.Value
            ?? throw new UpdateStepException(ErrorCodes.UserNotFound, $"The owner '{install.Value.User}' of install {input.InstallId} was removed.");
        var versions = await catalog.ListVersionsAsync(install.Value.Application, cancellationToken);
        var target = task.Value.VersionTo == UpdatePolicy.CurrentVersion ? null : versions.FirstOrDefault(v => v.Version == task.Value.VersionTo);
        var installed = versions.FirstOrDefault(v => v.Version == task.Value.VersionFrom);
        return new UpdateState(task, install, owner, target, installed);
    }

    public Task StepAsync(string taskId, string step, int progress, CancellationToken cancellationToken) =>
        tasks.UpdateAsync(taskId, t => t.IsFinished ? t : t with
        {
            Status = TaskStatuses.Running,
            Step = step,
            Progress = Math.Max(t.Progress, progress),
            TimeStarted = t.TimeStarted == 0 ? Now : t.TimeStarted,
            TimeUpdated = Now,
        }, cancellationToken);

    public Task<UpdateTask> ChangeTaskAsync(string taskId, Func<UpdateTask, UpdateTask> change, CancellationToken cancellationToken) =>
        tasks.UpdateAsync(taskId, t => change(t) with { TimeUpdated = Now }, cancellationToken);

    public long Now => time.GetUtcNow().ToUnixTimeSeconds();
}

/// <summary>What each application keeps, and how it signals maintenance. WordPress is the first recipe.</summary>
public static class Recipes
{
    public static SiteRecipe For(string application) =>
        application == Applications.WordPress ? SiteRecipe.WordPress : new SiteRecipe(".maintenance", []);

    public static string PluginDirectory(string id) => $"wp-content/plugins/{id}";

    public static string ThemeDirectory(string id) => $"wp-content/themes/{id}";

    /// <summary>Catalog application of a WordPress plugin's or theme's packages: <c>wp-plugin-akismet</c>, <c>wp-theme-twentytwentyfive</c>.</summary>
    public static string PluginApplication(string id) => Applications.WordPressPluginPrefix + id;

    public static string ThemeApplication(string id) => Applications.WordPressThemePrefix + id;
}
