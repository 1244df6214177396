using Installatron.Databases.Tests.Support;
using Installatron.Sites.Tests.Support;

namespace Installatron.Integration.Tests.Remote;

/// <summary>
/// The remote-site tests of one collection share one isolated sshd (the sites' homes exist only inside its mount
/// namespace: nothing reaches them here but SSH) and one MariaDB, and run one after the other. The slow live and
/// fault tests have collections (and servers) of their own so that the three run side by side; the fault tests stop
/// and restart their sshd, which no other test uses.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RemoteSitesCollection : ICollectionFixture<IsolatedSshServer>, ICollectionFixture<MariaDbServer>
{
    public const string Name = "remote-sites";
}

/// <summary>The live WordPress sites reached only over SSH (see <see cref="RemoteSitesCollection"/>).</summary>
[CollectionDefinition(Name)]
public sealed class RemoteLiveSitesCollection : ICollectionFixture<IsolatedSshServer>, ICollectionFixture<MariaDbServer>
{
    public const string Name = "remote-live-sites";
}

/// <summary>The tests that kill their sshd mid-step (see <see cref="RemoteSitesCollection"/>).</summary>
[CollectionDefinition(Name)]
public sealed class RemoteFaultsCollection : ICollectionFixture<IsolatedSshServer>, ICollectionFixture<MariaDbServer>
{
    public const string Name = "remote-faults";
}
