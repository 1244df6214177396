namespace Installatron.Core.Sites;

public enum SiteDifferenceKind
{
    /// <summary>Expected but absent.</summary>
    Missing,

    /// <summary>Present but not expected.</summary>
    Extra,

    /// <summary>A file whose size or content differs.</summary>
    ContentChanged,

    /// <summary>Permission bits differ.</summary>
    ModeChanged,

    /// <summary>A file where a directory should be, a symbolic link where a file should be, and so on.</summary>
    TypeChanged,

    /// <summary>A symbolic link that points somewhere else.</summary>
    LinkTargetChanged,

    /// <summary>The path goes through a symbolic link that leads outside the site; it was not followed.</summary>
    Unsafe,
}

/// <summary>One way a site tree differs from what it should be; <paramref name="Path"/> is relative to the site root.</summary>
public sealed record SiteDifference(string Path, SiteDifferenceKind Kind, string Detail)
{
    public override string ToString() => $"{Kind} {Path}: {Detail}";
}
