using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>An install as <c>data</c> shows it: the stored row plus the availability fields computed from the catalog.</summary>
public sealed class InstallView(CatalogStore catalog)
{
    public async Task<Install> PresentAsync(Install install, CancellationToken cancellationToken) =>
        UpdatePolicy.WithAvailability(install, await catalog.ListVersionsAsync(install.Application, cancellationToken));

    /// <summary>The install shown with the catalog already read for the request.</summary>
    public static Install Present(Install install, IReadOnlyCollection<CatalogVersion> versions) => UpdatePolicy.WithAvailability(install, versions);
}
