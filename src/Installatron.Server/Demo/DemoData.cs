using Installatron.Core.Api;
using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;

namespace Installatron.Server.Demo;

/// <summary>
/// The seed's own example, made real on a fresh server: user <c>useraccountname</c> owning <c>website.com</c>,
/// WordPress 6.7.2 installed as <c>1234567890abcdefghij12345</c> at <c>http://website.com/staging</c>, and a catalog
/// with 6.7.2, 6.7.3 and 7.0.0 (a new major branch that needs a manual update). Safe to run on every start.
/// </summary>
public sealed class DemoData(UserStore users, InstallStore installs, CatalogStore catalog, VersionPublisher publisher, TimeProvider time)
{
    public const string User = "useraccountname";
    public const string InstallId = "1234567890abcdefghij12345";
    public const string Domain = "website.com";
    public const string SiteUrl = "http://website.com/staging";

    public async Task EnsureAsync(string dataPath, CancellationToken cancellationToken)
    {
        var home = Path.Combine(dataPath, "demo", "home", User);
        var sitePath = Path.Combine(home, "public_html", "staging");
        if (!Directory.Exists(sitePath))
        {
            DemoWordPress.WriteSite(sitePath, "6.7.2", SiteUrl);
        }

        foreach (var (version, rules, requirements) in CatalogVersions())
        {
            if (await catalog.GetVersionAsync(Applications.WordPress, version, cancellationToken) is null)
            {
                using var package = DemoWordPress.Package(version);
                await publisher.PublishAsync(
                    new VersionDraft(Applications.WordPress, AppVersion.Parse(version), null, rules, requirements), package, cancellationToken);
            }
        }

        foreach (var (application, folder, version, header) in ComponentVersions())
        {
            if (await catalog.GetVersionAsync(application, version, cancellationToken) is null)
            {
                using var package = DemoWordPress.ComponentPackage(folder, header, version);
                await publisher.PublishAsync(
                    new VersionDraft(application, AppVersion.Parse(version), null, [UpgradeRule.AutoFromAnything], new Requirements()), package, cancellationToken);
            }
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (await users.GetAsync(User, cancellationToken) is null)
        {
            await users.AddAsync(new HostingUser
            {
                User = User,
                Email = "username@website.com",
                Home = home,
                Vhosts = [Domain],
                QuotaDiskBytes = 10L * 1024 * 1024 * 1024,
                QuotaInodes = 500_000,
                PhpVersion = "8.2",
                DbServer = DbServers.MariaDb,
                DbVersion = "10.11",
                TimeCreated = now,
                TimeUpdated = now,
            }, cancellationToken);
        }

        if (await installs.GetAsync(InstallId, cancellationToken) is null)
        {
            await installs.AddAsync(SeedInstall(sitePath, home, now), cancellationToken);
        }
    }

    private static IEnumerable<(string Version, IReadOnlyList<UpgradeRule> Rules, Requirements Requirements)> CatalogVersions()
    {
        var wordpress67 = new Requirements { PhpMin = "7.2.24", MysqlMin = "5.5.5", MariadbMin = "10.1" };
        yield return ("6.7.2", [UpgradeRule.AutoFromAnything], wordpress67);
        yield return ("6.7.3", [UpgradeRule.AutoFromAnything], wordpress67);
        yield return ("7.0.0", [new UpgradeRule("6.*", UpgradeModes.Manual)],
            new Requirements { PhpMin = "7.4", MysqlMin = "5.7", MariadbMin = "10.4" });
    }

    /// <summary>Newer packages of one bundled plugin and one theme, so the seed's second example has something to update.</summary>
    private static IEnumerable<(string Application, string Folder, string Version, string Header)> ComponentVersions()
    {
        yield return (ApplicationRecipes.WordPress.Component("plugin")!.ApplicationPrefix + "akismet", "akismet", "5.3.7", "Plugin Name: Akismet Anti-spam");
        yield return (ApplicationRecipes.WordPress.Component("theme")!.ApplicationPrefix + "twentytwentyfive", "twentytwentyfive", "1.2", "Theme Name: Twenty Twenty-Five");
    }

    /// <summary>The install of the seed's examples, with the seed's values where they describe the site.</summary>
    private static Install SeedInstall(string sitePath, string home, long now) => new()
    {
        Id = InstallId,
        Application = Applications.WordPress,
        User = User,
        Version = "6.7.2",
        Path = sitePath,
        Url = SiteUrl,
        Title = "My blog stage",
        Autobk = "schedule",
        AutobkSchedule = "1234567890abcdefghij1234567890ab",
        Autoup = "minor",
        AutoupBackup = "all",
        AutoupPlugins = "none",
        AutoupThemes = "none",
        Bkloc = "local",
        DbHost = "localhost",
        DbType = "mysql",
        DbName = "databasename",
        DbUser = "databaseusername",
        DbPass = "dAtAbAsEpAs5//0rD",
        DbPrefix = "wp_",
        Login = "admin123",
        Email = "admin@website.com",
        Language = "en",
        Sitetitle = "My blog",
        Sitetagline = "Just another WordPress site",
        Limitloginattempts = "yes",
        Twofactor = "no",
        File = Path.Combine(home, ".appdata", "current", InstallId),
        Files =
        [
            "index.php", "license.txt", ".htaccess", ".maintenance", "readme.html", "wp-activate.php", "wp-admin",
            "wp-app.php", "wp-blog-header.php", "wp-comments-post.php", "wp-config.php", "wp-config-local.php",
            "wp-config-sample.php", "wp-content", "wp-cron.php", "wp-includes", "wp-links-opml.php", "wp-load.php",
            "wp-login.php", "wp-mail.php", "wp-settings.php", "wp-signup.php", "wp-trackback.php", "xmlrpc.php",
        ],
        ExcludeFiles = ["wp-content/cache"],
        LinkAdmin = "wp-admin",
        Notification = [],
        Plugins =
        [
            new PluginInfo("akismet", "5.3.6", false, "all"),
            new PluginInfo("limit-login-attempts-reloaded", "2.26.18", true, "all"),
        ],
        Themes =
        [
            new ThemeInfo("twentytwentythree", "1.6", false, "all"),
            new ThemeInfo("twentytwentyfive", "1.1", false, "all"),
        ],
        // The seed lists twelve wp_ tables; the demo site is files only (no database server runs for it), and a
        // backup of tables that cannot be reached would rightly stop every update.
        Tables = [],
        TimeCreated = 1611356510,
        TimeUpdated = now,
    };
}
