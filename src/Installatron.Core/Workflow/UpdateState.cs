using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>
/// Everything a step knows about its update, read once when the step begins (<see cref="UpdateWork.BeginAsync"/>).
/// The site is reached through <see cref="SiteAsync"/>: one connection for the step (this machine's disk, or the
/// account's remote location over SSH), opened when the step first needs it and closed when the step ends.
/// </summary>
public sealed record UpdateState(
    Stored<UpdateTask> Task,
    Stored<Install> Install,
    HostingUser Owner,
    CatalogVersion? Target,
    CatalogVersion? Installed,
    ApplicationRecipe Recipe) : IAsyncDisposable
{
    /// <summary>Whether this update still holds its install's lease (only finalize runs without it).</summary>
    public bool LeaseHeld { get; init; } = true;

    private UpdateSite? _site;

    /// <summary>Opens the site's file system for this step (set by <see cref="UpdateWork.BeginAsync"/>).</summary>
    internal SiteAccess? Access { get; init; }

    /// <summary>What the file engine needs of the application's recipe to apply or check <paramref name="version"/>'s package: its files sit in the root found when it was published.</summary>
    public SiteRecipe FilesFor(CatalogVersion version) => SiteRecipe.Of(Recipe) with { PackageRoot = version.Package.Root };

    /// <summary>The site for this step; the connection is made on the first call and reused after it.</summary>
    public async Task<UpdateSite> SiteAsync(CancellationToken cancellationToken)
    {
        if (_site is null)
        {
            var access = Access ?? throw new InvalidOperationException("The update's state was not loaded by UpdateWork.");
            _site = new UpdateSite(this, await access.OpenAsync(Owner, cancellationToken));
        }

        return _site;
    }

    /// <summary>Closes the step's connection when the step ends instead of keeping it for the next step (after a failure nothing explains).</summary>
    public void DiscardConnection() => _site?.Connection.Discard();

    public async ValueTask DisposeAsync()
    {
        if (_site is not null)
        {
            await _site.Connection.DisposeAsync();
            _site = null;
        }
    }
}
