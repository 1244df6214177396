namespace Installatron.Core.Catalog;

/// <summary>What became of one release the sync looked at.</summary>
public static class SyncOutcomes
{
    /// <summary>Downloaded, verified and published.</summary>
    public const string Added = "added";

    /// <summary>Already in the catalog: nothing downloaded.</summary>
    public const string Present = "present";

    /// <summary>Its package did not match the source's checksums (or the publisher refused it): nothing published.</summary>
    public const string Rejected = "rejected";

    /// <summary>The source does not know the plugin or theme.</summary>
    public const string NotFound = "not_found";

    /// <summary>The source could not be read for it this time; the next sync tries again.</summary>
    public const string Failed = "failed";
}

/// <summary>One release (or slug) the sync looked at: <c>application</c> is a catalog application (<c>wordpress</c>, <c>wp-plugin-akismet</c>).</summary>
public sealed record CatalogSyncItem(string Application, string? Version, string Outcome, string Message);

/// <summary>What one sync did: every release it looked at, and the core versions whose checksums it stored.</summary>
public sealed record CatalogSyncRun(
    string Source,
    long TimeStarted,
    long TimeFinished,
    IReadOnlyList<CatalogSyncItem> Items,
    IReadOnlyList<string> ChecksumsStored)
{
    public int Count(string outcome) => Items.Count(i => i.Outcome == outcome);

    public string Summary =>
        $"Catalog sync from {Source}: {Count(SyncOutcomes.Added)} version(s) added, {Count(SyncOutcomes.Present)} already present, " +
        $"{Count(SyncOutcomes.Rejected)} rejected, {Count(SyncOutcomes.NotFound)} not found, {Count(SyncOutcomes.Failed)} failed; " +
        $"checksums stored for {ChecksumsStored.Count} core version(s).\n";
}

/// <summary>Collects what one sync does, step by step.</summary>
public sealed class CatalogSyncLog
{
    public List<CatalogSyncItem> Items { get; } = [];

    /// <summary>"wordpress 6.7.2" for every core version whose checksums this sync stored.</summary>
    public List<string> ChecksumsStored { get; } = [];

    public void Add(CatalogSyncItem item) => Items.Add(item);
}
