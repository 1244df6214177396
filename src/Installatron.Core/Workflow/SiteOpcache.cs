using System.Text;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow;

/// <summary>
/// Makes the site's own PHP drop its compiled copies of the site's scripts once an update replaced them, as
/// WordPress's own updater does with <c>opcache_invalidate</c>: a one-off script (named after the task) written into
/// the site's folder, requested at the site's URL, and removed at once. Only the site's PHP can do this: its OPcache
/// lives in that PHP's shared memory. When the site answers that it did (or that it has no OPcache), the new files
/// run on the next request; otherwise the caller waits until OPcache revalidates by itself.
/// </summary>
public sealed partial class SiteOpcache(IHttpClientFactory clients, ILogger<SiteOpcache> logger)
{
    private const string Marker = "installatron-opcache: ";

    // PHP 7.0 and later. Only scripts under this folder, as OPcache names them (their real paths, as __DIR__ is).
    private const string Script = """
        <?php
        // Installatron: drops this site's compiled scripts from PHP's OPcache after an update. Removed right after.
        header('Content-Type: text/plain');
        header('Cache-Control: no-store');
        if (!function_exists('opcache_get_status') || !function_exists('opcache_invalidate')) { echo 'installatron-opcache: off'; return; }
        $status = @opcache_get_status(true);
        if ($status === false && !filter_var(ini_get('opcache.enable'), FILTER_VALIDATE_BOOLEAN)) { echo 'installatron-opcache: off'; return; }
        if (!is_array($status) || empty($status['opcache_enabled'])) { echo 'installatron-opcache: unavailable'; return; }
        $dir = __DIR__ . DIRECTORY_SEPARATOR;
        $count = 0;
        foreach (array_keys(isset($status['scripts']) ? $status['scripts'] : array()) as $script) {
            if (strncmp($script, $dir, strlen($dir)) === 0) {
                if (!opcache_invalidate($script, true)) { echo 'installatron-opcache: unavailable'; return; }
                $count++;
            }
        }
        echo 'installatron-opcache: invalidated ' . $count;

        """;

    /// <summary>The one-off script's name in the site's folder: the task's, so a retried step finds and replaces its own.</summary>
    public static string ScriptName(string taskId) => $"installatron-opcache-{taskId}.php";

    /// <summary>True when the site's PHP now runs the files on disk (its compiled copies of the site dropped, or no OPcache); false when that is not known.</summary>
    public async Task<bool> RefreshAsync(ISiteFileSystem files, string root, Install install, string taskId, CancellationToken cancellationToken)
    {
        var name = ScriptName(taskId);
        var path = Path.Join(root, name);
        try
        {
            Remove(files, path);
            await using (var content = new MemoryStream(Encoding.UTF8.GetBytes(Script)))
            {
                await files.WriteNewAsync(path, content, cancellationToken);
            }

            files.SetMode(path, 0b110_100_100); // 0644: the web server's PHP reads it
            using var response = await clients.CreateClient(SiteHealth.ClientName).GetAsync(install.Url.TrimEnd('/') + "/" + name, cancellationToken);
            var body = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            var answer = body.StartsWith(Marker, StringComparison.Ordinal) ? body[Marker.Length..] : "";
            var refreshed = response.IsSuccessStatusCode && (answer == "off" || answer.StartsWith("invalidated ", StringComparison.Ordinal));
            LogAnswer(logger, install.Id, (int)response.StatusCode, body.Length > 80 ? body[..80] : body, refreshed);
            return refreshed;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever kept the site from answering (a folder not writable, an SFTP error, a timeout), the caller's
            // wait for OPcache to revalidate by itself still holds: this is only a shortcut.
            LogFailed(logger, install.Id, e.GetType().Name);
            return false;
        }
        finally
        {
            Remove(files, path);
        }
    }

    private static void Remove(ISiteFileSystem files, string path)
    {
        if (files.Stat(path).Kind != EntryKind.Missing)
        {
            files.DeleteFile(path);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OPcache of install {InstallId}: the site answered {Status} \"{Answer}\"; refreshed: {Refreshed}")]
    private static partial void LogAnswer(ILogger logger, string installId, int status, string answer, bool refreshed);

    [LoggerMessage(Level = LogLevel.Information, Message = "OPcache of install {InstallId}: the one-off script could not be written or requested ({Error}); waiting for OPcache to revalidate instead")]
    private static partial void LogFailed(ILogger logger, string installId, string error);
}
