using Installatron.Core.Domain;
using Installatron.Core.Sites;

namespace Installatron.Core.Catalog;

/// <summary>
/// Checks, at publish time, that a package is shaped as its application is shipped (<see cref="PackageLayoutReader"/>)
/// and says the version being published: a package that does not fit is refused with <c>invalid_argument_package</c>,
/// the message saying what was found where.
/// </summary>
public static class PackageLayoutCheck
{
    public static PackageLayout Check(VersionDraft draft, string zipPath)
    {
        var (kind, slug) = Applications.PackageKindOf(draft.Application);
        PackageLayout layout;
        try
        {
            layout = PackageLayoutReader.Read(zipPath, kind, slug);
        }
        catch (PackageLayoutException e)
        {
            throw Refusal($"The {draft.Application} {draft.Version.Text} package {e.Problem}.");
        }

        if (kind != PackageKinds.Files && !(AppVersion.TryParse(layout.Version, out var found) && found.Equals(draft.Version)))
        {
            throw Refusal(
                $"The {draft.Application} {draft.Version.Text} package says it is version {layout.Version} ('{layout.VersionFile}'); publish it as {layout.Version} or fix the package.");
        }

        return layout;
    }

    private static Refusal Refusal(string message) => new(ErrorCodes.InvalidArgument("package"), "package", message);
}
