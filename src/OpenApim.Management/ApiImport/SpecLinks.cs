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
                    uri = Check(new Uri(uri, location).ToString());
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
            throw Failed(link, e.HttpRequestError.ToString());
        }
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
