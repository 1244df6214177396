using Installatron.Databases.Tests.Support;
using Installatron.Sites.Tests.Support;

namespace Installatron.Integration.Tests.Remote;

/// <summary>
/// The remote-site tests share one isolated sshd (the sites' homes exist only inside its mount namespace: nothing
/// reaches them here but SSH) and one MariaDB; they run one after the other, since the fault tests stop and restart
/// that sshd.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RemoteSitesCollection : ICollectionFixture<IsolatedSshServer>, ICollectionFixture<MariaDbServer>
{
    public const string Name = "remote-sites";
}
