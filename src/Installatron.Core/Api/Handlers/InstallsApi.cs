using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Api.Handlers;

/// <summary>The install routes: the seed's update (and its <c>upgrade</c> alias), reading installs, importing one.</summary>
public sealed class InstallsApi(
    ApiGuard guard, InstallAccess access, InstallView view, UpdateValidator validator, InstallImporter importer, UpdateStarter starter, UpdateAnswers answers,
    RestoreStarter restores)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary><c>POST /installs/{id}/update</c> and <c>POST /installs/{id}/upgrade</c>.</summary>
    public Task<ApiResult> UpdateAsync(HttpRequest request, string id, DurableTaskClient client, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var update = UpdateRequestReader.Read(await RequestFields.ReadAsync(request, cancellationToken));
            var key = IdempotencyKeyOf(request);
            if (await RepeatedAsync(id, key, update.User, cancellationToken) is { } repeated)
            {
                return repeated;
            }

            var validated = await validator.ValidateAsync(id, update, cancellationToken);
            if (update.Dryrun == DryrunMode.Input)
            {
                return ApiResult.SuccessWithCode(ErrorCodes.CompleteDryrun, InstallView.Present(validated.Context.Install.Value, validated.Versions),
                    $"The dry run is complete: the input is valid and {DescribeTarget(validated)}.\n");
            }

            if (update.Dryrun == DryrunMode.All)
            {
                return await answers.DryRunAsync(await starter.DryRunAsync(validated, cancellationToken), cancellationToken);
            }

            var started = await starter.StartAsync(validated, key, client, cancellationToken);
            return await answers.StartedAsync(started, update.Background, client, cancellationToken);
        });

    /// <summary>
    /// <c>POST /installs/{id}/restore</c> with <c>backup</c> (an ID from <c>GET /backups</c>): the site and its tables made
    /// what that backup holds, as a task (<c>kind = restore</c>); answered like an update (the install, or 202 with the task),
    /// and a repeated <c>Idempotency-Key</c> like an update's (the first request's task).
    /// </summary>
    public Task<ApiResult> RestoreAsync(HttpRequest request, string id, DurableTaskClient client, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = await RequestFields.ReadAsync(request, cancellationToken);
            fields.RejectUnknown(["backup", "user", "background"]);
            var backup = fields.RequiredString("backup");
            var background = fields.Bool("background", false);
            var key = IdempotencyKeyOf(request);
            if (await RepeatedAsync(id, key, fields.String("user"), cancellationToken) is { } repeated)
            {
                return repeated;
            }

            var context = await access.ResolveAsync(id, fields.String("user"), cancellationToken);
            var started = await restores.StartAsync(context, backup, background, key, client, cancellationToken);
            return await answers.StartedAsync(started, background, client, cancellationToken);
        });

    /// <summary>The request's <c>Idempotency-Key</c>; null without one.</summary>
    private static string? IdempotencyKeyOf(HttpRequest request)
    {
        var key = request.Headers[IdempotencyKeyHeader].ToString();
        return key.Length switch
        {
            > 200 => throw new Refusal(ErrorCodes.InvalidArgument("idempotency_key"), IdempotencyKeyHeader, "The Idempotency-Key header is longer than 200 characters."),
            0 => null,
            _ => key,
        };
    }

    /// <summary>The same request again (its key already used for this install): the first one's task, whatever the install looks like now.</summary>
    private async Task<ApiResult?> RepeatedAsync(string id, string? key, string? user, CancellationToken cancellationToken)
    {
        if (key is null || await starter.FindRepeatAsync(id, key, cancellationToken) is not { } earlier)
        {
            return null;
        }

        await access.ResolveAsync(id, user, cancellationToken);
        return await answers.RepeatedAsync(earlier, cancellationToken);
    }

    /// <summary><c>GET /installs/{id}</c>.</summary>
    public Task<ApiResult> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = RequestFields.FromQuery(request);
            fields.RejectUnknown(["user"]);
            var context = await access.ResolveAsync(id, fields.String("user"), cancellationToken);
            return ApiResult.Success(await PresentAsync(context.Install.Value, cancellationToken));
        });

    /// <summary><c>GET /installs?user=</c>: the installs a user may act for; all without <c>user</c>; never those of suspended owners.</summary>
    public Task<ApiResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = RequestFields.FromQuery(request);
            fields.RejectUnknown(["user"]);
            var user = fields.String("user");
            var acting = user is null ? null : await access.RequireUserAsync(user, cancellationToken);
            var list = await access.VisibleInstallsAsync(acting, cancellationToken);

            var presented = new List<Install>();
            foreach (var install in list.OrderBy(i => i.Id, StringComparer.Ordinal))
            {
                presented.Add(await PresentAsync(install, cancellationToken));
            }

            return ApiResult.Success(presented);
        });

    /// <summary><c>POST /installs</c>: registers an application already installed at <c>path</c>.</summary>
    public Task<ApiResult> ImportAsync(HttpRequest request, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var install = await importer.ImportAsync(await RequestFields.ReadAsync(request, cancellationToken), cancellationToken);
            return ApiResult.Success(await PresentAsync(install, cancellationToken), "The install was imported.\n", 201);
        });

    private Task<Install> PresentAsync(Install install, CancellationToken cancellationToken) => view.PresentAsync(install, cancellationToken);

    private static string DescribeTarget(ValidatedUpdate update)
    {
        var core = update.Target is null
            ? "the core stays at " + update.Context.Install.Value.Version
            : $"the core would be updated from {update.Context.Install.Value.Version} to {update.Target.Version}";
        var extras = new List<string>();
        if (update.Request.Plugins is not null)
        {
            extras.Add($"{update.Plugins.Count} plugin(s)");
        }

        if (update.Request.Themes is not null)
        {
            extras.Add($"{update.Themes.Count} theme(s)");
        }

        return extras.Count == 0 ? core : $"{core}, with {string.Join(" and ", extras)}";
    }
}
