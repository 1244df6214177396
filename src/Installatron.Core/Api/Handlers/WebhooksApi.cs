using Installatron.Core.Domain;
using Installatron.Core.Outbound;
using Installatron.Core.Outbound.Email;
using Installatron.Core.Outbound.Webhooks;
using Installatron.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Api.Handlers;

/// <summary>
/// Webhook endpoints (administration: the API key is enough): <c>POST /webhooks</c> registers one and answers its signing
/// secret, the only time it is shown; <c>GET /webhooks</c>, <c>GET /webhooks/{id}</c>; <c>POST /webhooks/{id}</c> changes
/// it (<c>rotate_secret</c> answers a new secret once, <c>enabled</c> turns it back on); <c>DELETE /webhooks/{id}</c>;
/// <c>GET /webhooks/{id}/deliveries</c> is its delivery log. A URL must pass <see cref="WebhookAddressPolicy"/>.
/// </summary>
public sealed class WebhooksApi(
    ApiGuard guard, WebhookEndpointStore endpoints, OutboxStore outbox, UserStore users, IOptionsMonitor<NotificationOptions> options, TimeProvider time)
{
    public const int MaxDescription = 200;

    private static readonly IReadOnlyList<string> EditableFields = ["url", "events", "user", "email", "description"];

    public Task<ApiResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = await RequestFields.ReadAsync(request, cancellationToken);
            fields.RejectUnknown(EditableFields);
            fields.RequiredString("url");
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var draft = new WebhookEndpoint { Id = Ids.NewInstallId(), Url = "", Secret = WebhookSignature.NewSecret(), TimeCreated = now, TimeUpdated = now };
            var endpoint = await ApplyAsync(draft, fields, cancellationToken);
            await endpoints.AddAsync(endpoint, cancellationToken);
            return ApiResult.Success(endpoint.View(revealSecret: true),
                $"The webhook {endpoint.Id} was created. Keep its secret now: it is not shown again (rotate it with rotate_secret).\n", 201);
        });

    public Task<ApiResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = RequestFields.FromQuery(request);
            fields.RejectUnknown(["user"]);
            var user = fields.String("user");
            var all = (await endpoints.ListAsync(cancellationToken)).Where(e => user is null || e.User == user).Select(e => e.View()).ToList();
            return ApiResult.Success(all, $"{all.Count} webhook(s).\n");
        });

    public Task<ApiResult> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            RequestFields.FromQuery(request).RejectUnknown([]);
            var endpoint = (await RequireAsync(id, cancellationToken)).Value;
            return ApiResult.Success(endpoint.View(), $"Webhook {id} is {(endpoint.Enabled ? "enabled" : "disabled")}.\n");
        });

    public Task<ApiResult> EditAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = await RequestFields.ReadAsync(request, cancellationToken);
            fields.RejectUnknown([.. EditableFields, "enabled", "rotate_secret"]);
            var stored = await RequireAsync(id, cancellationToken);
            var rotate = fields.Bool("rotate_secret", false);
            var enabled = fields.Bool("enabled", stored.Value.Enabled);
            var edited = await ApplyAsync(stored.Value, fields, cancellationToken) with
            {
                Secret = rotate ? WebhookSignature.NewSecret() : stored.Value.Secret,
                Enabled = enabled,
                DisabledReason = enabled ? "" : stored.Value.DisabledReason,
                TimeDisabled = enabled ? 0 : stored.Value.TimeDisabled,
                TimeUpdated = time.GetUtcNow().ToUnixTimeSeconds(),
            };
            await endpoints.ReplaceAsync(edited, stored.ETag, cancellationToken);
            return ApiResult.Success(edited.View(revealSecret: rotate), rotate
                ? $"The webhook {id} was updated and has a new secret. Keep it now: it is not shown again.\n"
                : $"The webhook {id} was updated.\n");
        });

    public Task<ApiResult> DeleteAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            RequestFields.FromQuery(request).RejectUnknown([]);
            var stored = await RequireAsync(id, cancellationToken);
            await endpoints.DeleteAsync(id, stored.ETag, cancellationToken);
            return ApiResult.Success(stored.Value.View(), $"The webhook {id} was deleted; deliveries still pending for it are skipped.\n");
        });

    public Task<ApiResult> ListDeliveriesAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = RequestFields.FromQuery(request);
            fields.RejectUnknown(["offset", "limit"]);
            var offset = (int)fields.Long("offset", 0, 0, int.MaxValue);
            var limit = (int)fields.Long("limit", TasksApi.DefaultLimit, 1, TasksApi.MaxLimit);
            await RequireAsync(id, cancellationToken);
            var all = await outbox.ListForEndpointAsync(id, cancellationToken);
            var page = all.Skip(offset).Take(limit).Select(WebhookDeliveryView.From).ToList();
            return ApiResult.Success(new WebhookDeliveryPage(all.Count, offset, limit, page), $"{page.Count} of {all.Count} deliveries.\n");
        });

    private async Task<Stored<WebhookEndpoint>> RequireAsync(string id, CancellationToken cancellationToken) =>
        (Ids.IsValidInstallId(id) ? await endpoints.GetAsync(id, cancellationToken) : null)
        ?? throw new Refusal(ErrorCodes.WebhookNotFound, null, $"The webhook '{id}' was not found.");

    /// <summary>The endpoint with the given fields changed; every value is checked first, the URL against the address policy.</summary>
    private async Task<WebhookEndpoint> ApplyAsync(WebhookEndpoint endpoint, RequestFields fields, CancellationToken cancellationToken)
    {
        var url = fields.String("url")?.Trim() ?? endpoint.Url;
        if (fields.Has("url"))
        {
            await CheckUrlAsync(url, cancellationToken);
        }

        var events = fields.StringList("events")?.Select(e => e.Trim().ToLowerInvariant()).Distinct().ToList() ?? [.. endpoint.Events];
        if (events.Count == 0 || events.Any(e => !NotificationEvents.All.Contains(e)))
        {
            throw RequestFields.Invalid("events", $"must list one or more of {string.Join(", ", NotificationEvents.All)}");
        }

        var user = fields.String("user")?.Trim() ?? endpoint.User;
        if (user.Length > 0 && user != endpoint.User && (!Ids.IsValidUserName(user) || await users.GetAsync(user, cancellationToken) is null))
        {
            throw new Refusal(ErrorCodes.UserNotFound, "user", $"The user '{user}' is not in the Installatron Server database.");
        }

        var email = fields.String("email")?.Trim() ?? endpoint.Email;
        if (email.Length > 0 && !SmtpMailer.IsValidAddress(email))
        {
            throw RequestFields.Invalid("email", "must be an email address");
        }

        var description = fields.String("description")?.Trim() ?? endpoint.Description;
        if (description.Length > MaxDescription)
        {
            throw RequestFields.Invalid("description", $"must be at most {MaxDescription} characters");
        }

        return endpoint with { Url = url, Events = events, User = user, Email = email, Description = description };
    }

    private async Task CheckUrlAsync(string url, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (WebhookAddressPolicy.CheckUrl(url, settings) is { } problem)
        {
            throw RequestFields.Invalid("url", problem);
        }

        try
        {
            await WebhookAddressPolicy.ResolveAsync(new Uri(url).IdnHost, settings, cancellationToken);
        }
        catch (WebhookAddressRefused refused)
        {
            throw RequestFields.Invalid("url", $"is refused: {refused.Message}");
        }
    }
}

public sealed record WebhookDeliveryPage(int Total, int Offset, int Limit, IReadOnlyList<WebhookDeliveryView> Deliveries);
