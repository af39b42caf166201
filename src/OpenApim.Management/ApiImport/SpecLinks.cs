using System.Net;
using System.Text;
using OpenApim.Resources.Arm;

namespace OpenApim.Management.ApiImport;

/// <summary>Fetches a specification by link, only from allowed hosts (redirects included), within size and time limits.</summary>
internal sealed class SpecLinks(ApiImportOptions options, IHttpClientFactory clients)
{
    public const string ClientName = "openapim-spec-links";

    private const int MaxRedirects = 3;

    public async Task<string> FetchAsync(string link, CancellationToken ct)
    {
        if (options.LinkHosts.Count == 0)
        {
            throw ArmErrors.Validation("properties.value", "Importing from a link is turned off on this server; send the specification itself (format 'openapi', 'openapi+json' or 'swagger-json'), or list the hosts allowed in OPENAPIM_IMPORT_LINK_HOSTS.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.LinkTimeout);
        var uri = Check(link);
        var client = clients.CreateClient(ClientName);
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.StatusCode is HttpStatusCode.Moved or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect
                    && response.Headers.Location is { } location && hop < MaxRedirects)
                {
                    var next = Check(new Uri(uri, location).ToString());
                    if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps)
                    {
                        throw Failed(link, "it redirected from https to http");
                    }

                    uri = next;
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw Failed(link, $"it answered {(int)response.StatusCode}");
                }

                if (response.Content.Headers.ContentLength > options.MaxSpecificationBytes)
                {
                    throw TooLarge(link);
                }

                return await ReadLimitedAsync(response, link, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Failed(link, $"it did not answer within {options.LinkTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            throw Failed(link, e.Message);
        }
    }

    /// <summary>
    /// Connects only to addresses the allow-list permits: a name that resolves to a loopback, private, link-local or
    /// otherwise internal address is refused unless that address itself is listed (DNS must not turn an allowed name
    /// into a request to the metadata endpoint or a local service).
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(ApiImportOptions options) => async (context, ct) =>
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(a => !IsInternal(a) || options.LinkHosts.Contains(a.ToString(), StringComparer.OrdinalIgnoreCase)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"'{host}' resolves only to internal addresses.");
        }

        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };

    private static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast)
        {
            return true;
        }

        var b = address.GetAddressBytes();
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? b[0] is 10 or 0 or >= 224 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127)
            : (b[0] & 0xfe) == 0xfc;
    }

    private Uri Check(string link)
    {
        if (!Uri.TryCreate(link, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw ArmErrors.Validation("properties.value", "A link import takes an absolute http or https URL (without user information) in 'value'.");
        }

        return options.Allows(uri)
            ? uri
            : throw ArmErrors.Validation("properties.value", $"Host '{uri.Host}' is not one this server may fetch specifications from (OPENAPIM_IMPORT_LINK_HOSTS).");
    }

    private async Task<string> ReadLimitedAsync(HttpResponseMessage response, string link, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > options.MaxSpecificationBytes)
            {
                throw TooLarge(link);
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private ArmException TooLarge(string link) =>
        ArmErrors.Validation("properties.value", $"The specification at '{Redact(link)}' is larger than {options.MaxSpecificationBytes} bytes.");

    private static ArmException Failed(string link, string why) =>
        ArmErrors.Validation("properties.value", $"The specification could not be fetched from '{Redact(link)}': {why}.");

    /// <summary>The link without its query: a SAS token or other secret in a link must not reach an error message.</summary>
    private static string Redact(string link) => link.Split('?')[0];
}
