namespace OpenApim.Identity.Federation;

/// <summary>A sign-in through a trusted issuer that did not complete, with the reason the person is shown (never a token or secret).</summary>
public sealed class FederationException(string message) : Exception(message);
