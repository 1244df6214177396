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
    public static PackageLayout Check(VersionDraft draft, PackageShape shape, string zipPath)
    {
        PackageLayout layout;
        try
        {
            layout = PackageLayoutReader.Read(zipPath, shape);
        }
        catch (PackageLayoutException e)
        {
            throw Refusal($"The {draft.Application} {draft.Version.Text} package {e.Problem}.");
        }

        if (layout.Version.Length > 0 && !(AppVersion.TryParse(layout.Version, out var found) && found.Equals(draft.Version)))
        {
            throw Refusal(
                $"The {draft.Application} {draft.Version.Text} package says it is version {layout.Version} ('{layout.VersionFile}'); publish it as {layout.Version} or fix the package.");
        }

        if (layout.Version.Length == 0 && shape.Version is not null)
        {
            throw Refusal($"The {draft.Application} {draft.Version.Text} package does not say its version.");
        }

        return layout;
    }

    private static Refusal Refusal(string message) => new(ErrorCodes.InvalidArgument("package"), "package", message);
}
