namespace Installatron.Core.Domain;

/// <summary>
/// Everything the updater knows about an application, as data kept in the catalog beside its versions: which files
/// an update never touches, how the site says it is under maintenance, what a package must hold and where it writes
/// its version, how the site shows it works, its components (WordPress: plugins and themes), where its database
/// settings are written, and which of its files are the core a release's checksums cover. The code asks the recipe,
/// never which application it is; a new application needs a recipe, not code (<see cref="ApplicationRecipes"/>).
/// </summary>
public sealed record ApplicationRecipe
{
    /// <summary>How messages name the application ("WordPress"); its ID when empty.</summary>
    public string Name { get; init; } = "";

    /// <summary>Paths relative to the site that an update never reads or writes (the owner's content and settings).</summary>
    public IReadOnlyList<string> PreservedPaths { get; init; } = [];

    /// <summary>The file whose presence tells the application it is being updated; empty for none.</summary>
    public string MaintenanceFile { get; init; } = "";

    /// <summary>What the maintenance file holds; <c>{unixtime}</c> becomes the time it was written.</summary>
    public string MaintenanceContent { get; init; } = "";

    /// <summary>Preserved folders a release may add new subfolders to (a new default theme), never overwriting any.</summary>
    public IReadOnlyList<string> BundledFolders { get; init; } = [];

    /// <summary>What a package of the application must hold, at its top or in its only top folder (folders end in '/').</summary>
    public IReadOnlyList<string> PackageHolds { get; init; } = [];

    /// <summary>Where the application writes its version (in a package and on the site); <c>null</c>: it does not say.</summary>
    public VersionSource? Version { get; init; }

    /// <summary>The pages that show the site works (relative to its URL; "" is the front page).</summary>
    public IReadOnlyList<string> HealthPaths { get; init; } = [""];

    /// <summary>Text on a page that means the site is broken although it answered 2xx.</summary>
    public IReadOnlyList<string> FatalMarkers { get; init; } = ["Fatal error", "Parse error"];

    /// <summary>The page that runs the application's own upgrade after new files (WordPress: its database upgrade); <c>null</c>: none.</summary>
    public string? UpgradePath { get; init; }

    /// <summary>The application's components, each updated from its own packages.</summary>
    public IReadOnlyList<ComponentRecipe> Components { get; init; } = [];

    /// <summary>The file the site's database settings are read from at import (never executed); <c>null</c>: none.</summary>
    public ConfigRecipe? Config { get; init; }

    /// <summary>What the application keeps in its database that the updater reads; <c>null</c>: nothing.</summary>
    public DatabaseRecipe? Database { get; init; }

    /// <summary>The files a release's checksums cover, for the core integrity check; <c>null</c>: no such check.</summary>
    public CoreRecipe? Core { get; init; }

    /// <summary>The admin page relative to the site (<c>link_admin</c> of an imported install).</summary>
    public string LinkAdmin { get; init; } = "";

    public ComponentRecipe? Component(string kind) => Components.FirstOrDefault(c => c.Kind == kind);
}

/// <summary>
/// Where a version is written: the <paramref name="File"/> (relative to the site, or to the package's root) and either
/// a PHP variable it assigns (<paramref name="PhpVariable"/>, read statically, never run) or a regular expression whose
/// group <c>version</c> holds it (<paramref name="Pattern"/>). <paramref name="DbPhpVariable"/>: the database schema
/// version the same file names, which the database must reach after the upgrade step.
/// </summary>
public sealed record VersionSource(string File, string? PhpVariable = null, string? Pattern = null, string? DbPhpVariable = null);

/// <summary>
/// A kind of component (<paramref name="Kind"/>: <c>plugin</c>, <c>theme</c>), each in a folder of
/// <paramref name="Folder"/>, published in the catalog as <paramref name="ApplicationPrefix"/> + its folder's name.
/// Its header file is <paramref name="MainFile"/> in that folder (<c>*.php</c>: any PHP file there, as WordPress looks
/// for a plugin; a loose file in <paramref name="Folder"/> counts when <paramref name="LooseFiles"/>), recognised by the
/// header field <paramref name="NameHeader"/>, with its version in <paramref name="VersionHeader"/>.
/// <paramref name="ActivationOption"/>: the database option naming the active ones (a serialized list of main files,
/// or one folder name when <paramref name="SingleActive"/>).
/// </summary>
public sealed record ComponentRecipe(
    string Kind,
    string Folder,
    string ApplicationPrefix,
    string MainFile,
    string NameHeader,
    string VersionHeader = "Version",
    bool LooseFiles = false,
    string? ActivationOption = null,
    bool SingleActive = false);

/// <summary>
/// The site's configuration file (<paramref name="File"/>, also looked for one folder up when <paramref
/// name="AlsoInParent"/> unless that folder holds <paramref name="ParentUnless"/>), and which PHP constants
/// (<c>define</c>) and variables give the install's fields (<c>db_name</c>, <c>db_user</c>, <c>db_pass</c>, <c>db_host</c>,
/// <c>db_prefix</c>).
/// </summary>
public sealed record ConfigRecipe(
    string File,
    IReadOnlyDictionary<string, string> Constants,
    IReadOnlyDictionary<string, string> Variables,
    bool AlsoInParent = false,
    string? ParentUnless = null);

/// <summary>The options table (after the install's prefix) and the option holding the database schema version.</summary>
public sealed record DatabaseRecipe(string OptionsTable, string OptionName, string OptionValue, string? VersionOption = null);

/// <summary>
/// The files a release's checksums cover: all but <paramref name="UserContent"/>; a file in <paramref name="Folders"/>
/// or a <c>.php</c> file at the root (but <paramref name="RootFilesNotCore"/>) that the release does not ship is injected.
/// </summary>
public sealed record CoreRecipe(IReadOnlyList<string> Folders, string UserContent, IReadOnlyList<string> RootFilesNotCore);
