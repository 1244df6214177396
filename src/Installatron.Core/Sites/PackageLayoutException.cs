namespace Installatron.Core.Sites;

/// <summary>A package whose layout does not fit its application; <see cref="Problem"/> says what was found where.</summary>
public sealed class PackageLayoutException(string problem) : SiteFilesException($"The package {problem}.")
{
    public string Problem { get; } = problem;
}
