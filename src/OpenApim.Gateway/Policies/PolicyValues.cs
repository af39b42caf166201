using OpenApim.Policies;

namespace OpenApim.Gateway.Policies;

/// <summary>A policy value: literal text, or one of the recognised expressions read from the request.</summary>
internal static class PolicyValues
{
    public static Func<GatewayContext, string> Compile(string text)
    {
        if (!PolicyExpressions.IsExpression(text))
        {
            return _ => text;
        }

        var source = PolicyExpressions.Parse(text) ?? throw new PolicyException(PolicyExpressions.Problem(text, 0));
        return source.Source switch
        {
            "subscription.id" => c => c.Subscription?.Name ?? source.Default,
            "subscription.key" => c => c.Subscription?.Key ?? source.Default,
            "user.id" => c => c.Subscription?.UserId ?? source.Default,
            "request.ip" => c => c.ClientIp,
            "api.id" => c => c.Api.Name,
            "operation.id" => c => c.Operation.Name,
            "product.id" => c => c.Product?.Name ?? source.Default,
            "request.id" => c => c.RequestId,
            "header" => c => c.Http.Request.Headers.TryGetValue(source.Name!, out var v) && v.Count > 0 ? v.ToString() : source.Default,
            _ => throw new PolicyException($"Unsupported expression source {source.Source}."),
        };
    }
}
