using System.Threading.RateLimiting;

namespace OpenApim.Identity.Clients;

/// <summary>
/// Makes guessing client secrets expensive: after <see cref="IdentityOptions.FailureLimit"/> failed
/// authentications for one registered client id from one address within the window, that pair is refused
/// until failures age out of the window, whether or not the next secret is right. Failures naming clients
/// that do not exist count against the address alone, so made-up client ids cannot grow the table, and that
/// address limit refuses only unknown ids: nobody locks a registered client (or the bootstrap administrator)
/// out by sending made-up ids from its address. Requests already in flight when the limit is reached still
/// finish, so a parallel burst can exceed the limit by its width once per window.
/// </summary>
internal sealed class ClientLockout(IdentityOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = options.FailureLimit,
            Window = options.FailureWindow,
            SegmentsPerWindow = 10,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public TimeSpan Window => options.FailureWindow;

    /// <summary>True when this client id (registered or not, as <paramref name="knownClient"/> says) is refused from this address for now.</summary>
    public bool IsLockedOut(string clientId, string address, bool knownClient) =>
        _failures.GetStatistics(knownClient ? Key(clientId, address) : UnknownClientKey(address))?.CurrentAvailablePermits == 0;

    /// <summary>
    /// Whether sign-in as this user name is refused from this address for now. Failures count per user name and address,
    /// for names that exist and names that do not alike, so the answers (401, then 429) never tell them apart; made-up
    /// names share 64 buckets per address, so they cannot grow the table.
    /// </summary>
    public bool IsUserLockedOut(string userName, bool known, string address) => IsLockedOut(UserKey(userName, known), address, knownClient: true);

    public void RecordUserFailure(string userName, bool known, string address) => RecordFailure(UserKey(userName, known), address, unknownClient: false);

    public void RecordFailure(string clientId, string address, bool unknownClient)
    {
        using var lease = _failures.AttemptAcquire(unknownClient ? UnknownClientKey(address) : Key(clientId, address));
    }

    public void Dispose() => _failures.Dispose();

    private static string Key(string clientId, string address) => $"{clientId.ToLowerInvariant()}|{address}";

    private static string UserKey(string userName, bool known) =>
        known ? "user:" + userName : $"user?{(uint)StringComparer.OrdinalIgnoreCase.GetHashCode(userName) % 64}";

    private static string UnknownClientKey(string address) => $"?|{address}";
}
