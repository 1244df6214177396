using System.Reflection;
using Installatron.Core.Sites.Access;

namespace Installatron.Integration.Tests.Remote;

/// <summary>
/// A real site file system seen through a proxy that counts the files opened for reading (what crosses the connection
/// as file contents); every call goes to the real one.
/// </summary>
public class CountingFileSystem : DispatchProxy
{
    private ISiteFileSystem _inner = null!;

    public int Reads { get; private set; }

    public static (ISiteFileSystem Files, CountingFileSystem Counter) Over(ISiteFileSystem inner)
    {
        var files = Create<ISiteFileSystem, CountingFileSystem>();
        var counter = (CountingFileSystem)(object)files;
        counter._inner = inner;
        return (files, counter);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(ISiteFileSystem.OpenReadAsync))
        {
            Reads++;
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
