using System.Reflection;
using Renci.SshNet;
using Renci.SshNet.Sftp;

namespace Installatron.Core.Sites.Access.Sftp;

/// <summary>
/// SFTP requests sent on exactly the path given. SSH.NET's <see cref="SftpClient"/> passes every path through the
/// server's <c>realpath</c> first, which follows a symbolic link in the last component: its DeleteFile would delete a
/// link's target, its RenameFile would rename onto the target, its SymbolicLink rewrites relative targets as absolute
/// ones and its GetAttributes is a stat, not an lstat. The engine must act on links themselves, so these requests go
/// to the client's SFTP session directly (SSH.NET 2026.0.0 keeps it internal; the test fixture checks each request
/// against a real sshd, so an SSH.NET upgrade that changes it fails there, not in production).
/// </summary>
internal sealed class RawSftpSession
{
    private static readonly PropertyInfo SessionProperty = typeof(SftpClient).GetProperty("SftpSession", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingMemberException(nameof(SftpClient), "SftpSession");

    private readonly object _session;
    private readonly Type _type;

    public RawSftpSession(SftpClient client)
    {
        _session = SessionProperty.GetValue(client) ?? throw new InvalidOperationException("The SFTP client is not connected.");
        _type = _session.GetType();
    }

    public SftpFileAttributes LStat(string path) => (SftpFileAttributes)Call("RequestLStat", [typeof(string)], path)!;

    public void Remove(string path) => Call("RequestRemove", [typeof(string)], path);

    public void PosixRename(string from, string to) => Call("RequestPosixRename", [typeof(string), typeof(string)], from, to);

    public void MkDir(string path) => Call("RequestMkDir", [typeof(string)], path);

    public void RmDir(string path) => Call("RequestRmDir", [typeof(string)], path);

    public void SetStat(string path, SftpFileAttributes attributes) => Call("RequestSetStat", [typeof(string), typeof(SftpFileAttributes)], path, attributes);

    /// <summary>Creates the link <paramref name="linkPath"/> → <paramref name="target"/> (SSH.NET's argument order already makes up for OpenSSH's swapped one).</summary>
    public void SymLink(string linkPath, string target) => Call("RequestSymLink", [typeof(string), typeof(string)], target, linkPath);

    public string? ReadLink(string path) => First(Call("RequestReadLink", [typeof(string), typeof(bool)], path, true));

    public string? RealPath(string path) => First(Call("RequestRealPath", [typeof(string), typeof(bool)], path, true));

    public SftpFileSystemInformation StatVfs(string path) => (SftpFileSystemInformation)Call("RequestStatVfs", [typeof(string)], path)!;

    /// <summary>Every entry of a folder with its lstat attributes ("." and ".." left out).</summary>
    public List<KeyValuePair<string, SftpFileAttributes>> ReadDirectory(string path)
    {
        var handle = (byte[])Call("RequestOpenDir", [typeof(string)], path)!;
        var entries = new List<KeyValuePair<string, SftpFileAttributes>>();
        try
        {
            while (Call("RequestReadDir", [typeof(byte[])], handle) is KeyValuePair<string, SftpFileAttributes>[] batch)
            {
                entries.AddRange(batch.Where(e => e.Key is not ("." or "..")));
            }
        }
        finally
        {
            Call("RequestClose", [typeof(byte[])], handle);
        }

        return entries;
    }

    private static string? First(object? result) =>
        result is KeyValuePair<string, SftpFileAttributes>[] { Length: > 0 } found ? found[0].Key : null;

    private object? Call(string name, Type[] parameters, params object?[] arguments)
    {
        var method = _type.GetMethod(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, parameters)
            ?? throw new MissingMethodException(_type.FullName, name);
        try
        {
            return method.Invoke(_session, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
            throw;
        }
    }
}
