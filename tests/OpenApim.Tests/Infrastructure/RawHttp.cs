using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenApim.Tests.Infrastructure;

/// <summary>A response read off the wire.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonNode? Json
    {
        get
        {
            try
            {
                return Body.Length == 0 ? null : JsonNode.Parse(Body);
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }
    }

    public override string ToString() => $"{Status} {Body}";
}

/// <summary>
/// HTTP/1.1 requests written byte for byte on a socket, for inputs HttpClient would normalise or refuse
/// (backslashes, dot segments, raw percent-encodings, bad UTF-8, odd headers).
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="requestLine"/> (e.g. <c>GET /a/../b HTTP/1.1</c>) with the headers and body, and reads the whole response.</summary>
    public static async Task<RawResponse> SendAsync(Uri server, string requestLine, IEnumerable<(string Name, string Value)> headers, byte[]? body = null, X509Certificate2? trust = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        Stream stream = tcp.GetStream();
        if (server.Scheme == Uri.UriSchemeHttps)
        {
            var ssl = new SslStream(stream, false, (_, cert, _, _) => trust is null || (cert is not null && new X509Certificate2(cert).Thumbprint == trust.Thumbprint));
            await ssl.AuthenticateAsClientAsync(server.Host);
            stream = ssl;
        }

        var head = new StringBuilder(requestLine).Append("\r\n");
        var all = headers.ToList();
        if (!all.Any(h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Host: ").Append(server.Authority).Append("\r\n");
        }

        foreach (var (name, value) in all)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (body is not null)
        {
            head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()));
            if (body is not null)
            {
                await stream.WriteAsync(body);
            }

            await stream.FlushAsync();
        }
        catch (IOException)
        {
            // The server answered (and closed) before reading everything, e.g. a body over its limit.
        }
        using var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer);
        }
        catch (IOException)
        {
            // The server may reset the connection after answering.
        }

        return Parse(buffer.ToArray());
    }

    private static RawResponse Parse(byte[] bytes)
    {
        // Latin-1 keeps one char per byte, so chunk sizes (in bytes) line up; the body is decoded as UTF-8 at the end.
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return new RawResponse(0, new Dictionary<string, string>(), Encoding.UTF8.GetString(bytes));
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                headers[name] = headers.TryGetValue(name, out var existing) ? $"{existing},{value}" : value;
            }
        }

        var body = text[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(body)));
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var at = 0;
        while (at < body.Length)
        {
            var eol = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (eol < 0)
            {
                break;
            }

            var size = Convert.ToInt32(body[at..eol].Split(';')[0].Trim(), 16);
            if (size == 0)
            {
                break;
            }

            result.Append(body, eol + 2, Math.Min(size, body.Length - eol - 2));
            at = eol + 2 + size + 2;
        }

        return result.ToString();
    }
}
