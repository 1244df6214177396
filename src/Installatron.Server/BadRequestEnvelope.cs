using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Installatron.Server;

/// <summary>
/// Kestrel answers a request it cannot parse — a NUL in the path, a broken header, a request line or headers too
/// large — itself, before any handler runs, with an empty body. This connection middleware gives those answers the
/// seed's envelope (400 <c>invalid_request_body</c>), so that every response of the API carries it. It only looks at
/// the bytes Kestrel writes; a response of the API (always with a Content-Type) passes through untouched.
/// </summary>
internal static class BadRequestEnvelope
{
    public static void UseBadRequestEnvelope(this ListenOptions listen) => listen.Use(next => connection =>
    {
        var transport = connection.Transport;
        connection.Transport = new Pipe(transport.Input, new RewritingWriter(transport.Output));
        return next(connection);
    });

    /// <summary>Kestrel's own refusal (a 4xx with no body that closes the connection) rewritten with the envelope; <c>null</c> for anything else.</summary>
    internal static byte[]? Rewrite(ReadOnlySpan<byte> written)
    {
        if (written.Length > 1024 || !written.StartsWith("HTTP/1.1 4"u8) || !written.EndsWith("\r\n\r\n"u8)
            || written.IndexOf("\r\nContent-Length: 0\r\n"u8) < 0)
        {
            return null;
        }

        var head = Encoding.ASCII.GetString(written);
        if (!head.Contains("\r\nContent-Length: 0\r\n", StringComparison.Ordinal) || !head.Contains("\r\nConnection: close\r\n", StringComparison.Ordinal)
            || head.Contains("\r\nContent-Type:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var statusLine = head[..head.IndexOf('\r')];
        var body = Encoding.UTF8.GetBytes(ApiResult.Failure(ErrorCodes.InvalidRequestBody, null,
            $"The request could not be read as HTTP (the web server's verdict: {statusLine[9..]}): a malformed request line, path or header, or one too large.").ToString());
        var kept = head[(head.IndexOf("\r\nConnection: close\r\n", StringComparison.Ordinal) + 2)..^2];
        return [.. Encoding.ASCII.GetBytes(
            $"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {body.Length}\r\n{kept}\r\n"), .. body];
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }

    /// <summary>Passes every write through, except Kestrel's own refusal, which it replaces before it is advanced.</summary>
    private sealed class RewritingWriter(PipeWriter inner) : PipeWriter
    {
        private Memory<byte> _last;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _last = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            if (Rewrite(_last.Span[..bytes]) is { } replacement)
            {
                // The refusal was never advanced: the replacement is written over it.
                inner.Write(replacement);
                return;
            }

            inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
