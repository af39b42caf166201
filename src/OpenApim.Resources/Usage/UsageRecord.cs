namespace OpenApim.Resources.Usage;

/// <summary>
/// Calls aggregated per minute and per API, operation, product, subscription and user: what the
/// gateway records and the reports API reads. Usage is kept per service key and is never part of a
/// backup, so a restore leaves the target's usage as it is.
/// </summary>
public sealed record UsageRecord(
    string ServiceKey,
    long Minute,
    string Api,
    string Operation,
    string Product,
    string Subscription,
    string User,
    long Total,
    long Success,
    long Blocked,
    long Failed,
    long Other,
    long Bandwidth,
    double ApiTimeSum,
    double ApiTimeMin,
    double ApiTimeMax,
    double ServiceTimeSum,
    double ServiceTimeMin,
    double ServiceTimeMax);
