using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>
/// Everything a step knows about its update, read once when the step begins (<see cref="UpdateWork.BeginAsync"/>). The folders on disk are
/// resolved again on every read (<see cref="AccountFolder"/>): a symbolic link swapped in between two steps cannot
/// lead a step outside the owner's home; such a folder fails the step with <c>failed_filesystem_permission</c>.
/// </summary>
public sealed record UpdateState(
    Stored<UpdateTask> Task,
    Stored<Install> Install,
    HostingUser Owner,
    CatalogVersion? Target,
    CatalogVersion? Installed,
    ApplicationRecipe Recipe)
{
    /// <summary>Whether this update still holds its install's lease (only finalize runs without it).</summary>
    public bool LeaseHeld { get; init; } = true;

    /// <summary>The real path of the site; read it once per step and work on that.</summary>
    public string SiteRoot => Resolve(account => account.Resolve(Install.Value.Path, "The install's folder"));

    public string StagingDirectory => Resolve(account => BackupLocations.StagingDirectory(account, Task.Value.Id));

    public string ArchivePath => Resolve(account => BackupLocations.ArchivePath(account, Install.Value.Id, Task.Value.Id));

    public string PackagePath(CatalogVersion version) => Path.Combine(StagingDirectory, "packages", $"{version.Application}-{version.Version}.zip");

    /// <summary>What the file engine needs of the application's recipe to apply or check <paramref name="version"/>'s package: its files sit in the root found when it was published.</summary>
    public SiteRecipe FilesFor(CatalogVersion version) => SiteRecipe.Of(Recipe) with { PackageRoot = version.Package.Root };

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
