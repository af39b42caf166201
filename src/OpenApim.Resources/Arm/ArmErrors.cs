using System.Net;

namespace OpenApim.Resources.Arm;

/// <summary>
/// The catalogue of every ARM error the service returns: one factory per code, so a code is never
/// spelled twice and messages stay consistent. Codes follow Azure Resource Manager / API Management
/// where Azure has one (see docs/differences-from-azure.md for the few that are ours).
/// </summary>
public static class ArmErrors
{
    public static ArmException MissingApiVersion() => new(HttpStatusCode.BadRequest, "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.");

    public static ArmException InvalidApiVersion(string version, IReadOnlyList<string>? supported = null) => new(HttpStatusCode.BadRequest, "InvalidApiVersionParameter",
        $"The api-version '{version}' is invalid. The supported versions are '{string.Join(",", supported ?? ApiVersions.Supported)}'.");

    public static ArmException MissingToken() => new(HttpStatusCode.Unauthorized, "AuthenticationFailed",
        "Authentication failed. The 'Authorization' header is missing.");

    public static ArmException InvalidToken(string reason) => new(HttpStatusCode.Unauthorized, "InvalidAuthenticationToken",
        $"The access token is invalid: {reason}");

    public static ArmException AuthorizationFailed(string client, string objectId, string action, string scope) => new(HttpStatusCode.Forbidden, "AuthorizationFailed",
        $"The client '{client}' with object id '{objectId}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. " +
        "If access was recently granted, please refresh your credentials.");

    public static ArmException ApplicationNotFound(string appId) => new(HttpStatusCode.NotFound, "ApplicationNotFound",
        $"The application '{appId}' was not found in the directory.");

    public static ArmException BootstrapApplicationProtected(string appId) => new(HttpStatusCode.Conflict, "BootstrapApplicationProtected",
        $"The application '{appId}' is the bootstrap administrator; its secret and Owner role come from the server's settings " +
        "(OPENAPIM_BOOTSTRAP_CLIENT_ID/OPENAPIM_BOOTSTRAP_CLIENT_SECRET) and are re-applied at start. Change them there.");

    public static ArmException HostnameReserved(string host) => new(HttpStatusCode.BadRequest, "HostnameReserved",
        $"The host name '{host}' is the management API's (or loopback), where the console and the token issuer are served; a service cannot serve it.");

    public static ArmException UserNotFound(string userName) => new(HttpStatusCode.NotFound, "UserNotFound",
        $"The user '{userName}' was not found in the directory.");

    public static ArmException BootstrapUserProtected(string userName) => new(HttpStatusCode.Conflict, "BootstrapUserProtected",
        $"The user '{userName}' is the bootstrap administrator; its password and Owner role come from the server's settings " +
        "(OPENAPIM_BOOTSTRAP_USER_NAME/OPENAPIM_BOOTSTRAP_USER_PASSWORD or the generated bootstrap-user.json) and are re-applied at start. Change them there.");

    public static ArmException PasswordCredentialNotFound(string appId, string keyId) => new(HttpStatusCode.NotFound, "PasswordCredentialNotFound",
        $"The application '{appId}' has no password credential with keyId '{keyId}'.");

    public static ArmException RoleAssignmentNotFound(string name) => new(HttpStatusCode.NotFound, "RoleAssignmentNotFound",
        $"The role assignment '{name}' is not found.");

    public static ArmException RoleAssignmentExists(string existingId) => new(HttpStatusCode.Conflict, "RoleAssignmentExists",
        $"The role assignment already exists. The ID of the existing role assignment is {existingId}.");

    public static ArmException RoleAssignmentUpdateNotPermitted() => new(HttpStatusCode.Conflict, "RoleAssignmentUpdateNotPermitted",
        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");

    public static ArmException RoleDefinitionDoesNotExist(string id) => new(HttpStatusCode.BadRequest, "RoleDefinitionDoesNotExist",
        $"The specified role definition with ID '{id}' does not exist.");

    public static ArmException RoleDefinitionNotFound(string id) => new(HttpStatusCode.NotFound, "RoleDefinitionDoesNotExist",
        $"The role definition '{id}' could not be found.");

    public static ArmException InvalidScope(string scope) => new(HttpStatusCode.BadRequest, "InvalidScope",
        $"The scope '{scope}' is not valid: use '/', '/subscriptions/{{id}}', a resource group or a resource (or a child resource) below one.");

    public static ArmException SigningKeyNotRetirable(string keyId) => new(HttpStatusCode.Conflict, "SigningKeyNotRetirable",
        $"The signing key '{keyId}' cannot be retired: it does not exist, or it is the key new tokens are signed with (rotate first).");

    public static ArmException InvalidSubscriptionId(string value) => new(HttpStatusCode.BadRequest, "InvalidSubscriptionId",
        $"The provided subscription identifier '{value}' is malformed or invalid.");

    public static ArmException InvalidResourceType(string type, string apiVersion) => new(HttpStatusCode.NotFound, "InvalidResourceType",
        $"The resource type '{type}' could not be found in the namespace 'Microsoft.ApiManagement' for api version '{apiVersion}'.");

    public static ArmException ResourceGroupNotFound(string name) => new(HttpStatusCode.NotFound, "ResourceGroupNotFound",
        $"Resource group '{name}' could not be found.");

    public static ArmException SubscriptionNotFound(string subscriptionId) => new(HttpStatusCode.NotFound, "SubscriptionNotFound",
        $"The subscription '{subscriptionId}' could not be found.");

    public static ArmException ServiceNotFound(string name, string resourceGroup) => new(HttpStatusCode.NotFound, "ResourceNotFound",
        $"The Resource 'Microsoft.ApiManagement/service/{name}' under resource group '{resourceGroup}' was not found.");

    public static ArmException EntityNotFound(string entityPath) => new(HttpStatusCode.NotFound, "ResourceNotFound",
        $"The entity '{entityPath}' was not found.");

    public static ArmException ParentNotFound(string parentPath) => new(HttpStatusCode.NotFound, "ParentResourceNotFound",
        $"Can not perform requested operation on nested resource. Parent resource '{parentPath}' not found.");

    public static ArmException OperationNotFound(string id) => new(HttpStatusCode.NotFound, "ResourceNotFound",
        $"The operation '{id}' was not found.");

    public static ArmException ChangesCompacted(long from, long trimmed) => new(HttpStatusCode.Gone, "ChangesCompacted",
        $"The journal no longer holds the records after sequence {from}: it keeps those after {trimmed} (see OPENAPIM_JOURNAL_RETENTION). Read the service again and follow its changes from the lastSequence of an empty page.");

    public static ArmException MethodNotAllowed(string method, string path) => new(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed",
        $"The method '{method}' is not allowed on '{path}'.");

    public static ArmException Validation(IReadOnlyList<ArmErrorDetail> details) => new(HttpStatusCode.BadRequest, "ValidationError",
        details.Count == 1 ? details[0].Message : "One or more fields contain incorrect values:", details);

    public static ArmException Validation(string target, string message) => Validation([new ArmErrorDetail("ValidationError", message, target)]);

    public static ArmException InvalidRequestContent(string message) => new(HttpStatusCode.BadRequest, "InvalidRequestContent",
        $"The request content was invalid and could not be deserialized: {message}");

    public static ArmException UnsupportedMediaType(string contentType) => new(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType",
        $"The content media type '{(contentType.Length > 100 ? contentType[..100] : contentType)}' is not supported. Only 'application/json' is supported.");

    public static ArmException UriTooLong(int limit) => new(HttpStatusCode.RequestUriTooLong, "RequestUriTooLong",
        $"The request URI is longer than the limit of {limit} characters.");

    public static ArmException DotSegment() => new(HttpStatusCode.BadRequest, "InvalidRequestUri",
        "The request path has a '.' or '..' segment (possibly percent-encoded); ARM resource ids have none, and no name may be '.' or '..'.");

    public static ArmException RouteNotFound(string method, string path) => new(HttpStatusCode.NotFound, "NotFound",
        $"No route matches '{method} {(path.Length > 200 ? path[..200] + "..." : path)}' (an ARM resource id below /subscriptions/{{id}}, /providers/... or the token issuer's /{{tenant}}/...).");

    public static ArmException HostnameInUse(string host, string? owner) => new(HttpStatusCode.Conflict, "HostnameAlreadyInUse",
        owner is null
            ? $"The host name '{host}' is already served by another service of this deployment; a host name belongs to one service."
            : $"The host name '{host}' is already served by the service '{owner}'; a host name belongs to one service.",
        target: "properties.hostnameConfigurations");

    public static ArmException SubscriptionKeyInUse(string property) => new(HttpStatusCode.Conflict, "SubscriptionKeyConflict",
        $"The {property} is already the primary or secondary key of another subscription of this service; keys are unique per service.",
        target: $"properties.{property}");

    public static ArmException RequestTooLarge(long limit) => new(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge",
        $"The request body is larger than the limit of {limit} bytes.");

    public static ArmException IfMatchRequired() => new(HttpStatusCode.BadRequest, "IfMatchHeaderRequired",
        "The If-Match header is required for this operation. Use the ETag from a GET of the entity, or '*' for an unconditional change.");

    public static ArmException PreconditionFailed() => new(HttpStatusCode.PreconditionFailed, "PreconditionFailed",
        "The entity has been modified since it was read (the If-Match ETag does not match). Get the entity again and retry.");

    public static ArmException AlreadyExists(string entityPath) => new(HttpStatusCode.PreconditionFailed, "PreconditionFailed",
        $"The entity '{entityPath}' already exists (If-None-Match: *).");

    public static ArmException Conflict(string message) => new(HttpStatusCode.Conflict, "Conflict", message);

    public static ArmException ServiceBusy(string serviceName, string operationKind, string operationId) => new(HttpStatusCode.Conflict, "ServiceBusy",
        $"The service '{serviceName}' is busy with a {operationKind} operation ({operationId}); retry when it has finished.");

    public static ArmException ServiceFollowing(string serviceName, string replication) => new(HttpStatusCode.Conflict, "ServiceIsFollowingReplication",
        $"The service '{serviceName}' is a standby following replication '{replication}' and accepts no management writes; " +
        $"promote it (POST .../service/{serviceName}/promote) or delete the replication to make it writable.");

    public static ArmException NotSupported(string feature) => new(HttpStatusCode.NotImplemented, "FeatureNotSupported",
        $"{feature} is not supported by OpenApim (see docs/differences-from-azure.md).");


    /// <summary>A backup that failed; <paramref name="problem"/> is the specific reason code (e.g. <c>ContainerNotFound</c>).</summary>
    public static ArmException BackupFailed(string problem, string message, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        new(status, "BackupFailed", message, [new ArmErrorDetail(problem, message)]);

    /// <summary>
    /// A restore that failed, with Azure's messages where Azure has them (e.g. <c>Cannot restore: backup expired</c>);
    /// the detail carries the specific reason code and, when given, a longer explanation.
    /// </summary>
    public static ArmException RestoreFailed(string problem, string message, string? detail = null, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        new(status, "RestoreFailed", message, [new ArmErrorDetail(problem, detail ?? message)]);

    public static ArmException IdentityNotEnabled(string serviceName, string what) => new(HttpStatusCode.BadRequest, "ManagedIdentityNotEnabled",
        $"The service '{serviceName}' has no {what}; enable it on the service (PATCH identity) before using it for backup or restore.", target: "accessType");

    /// <summary>A backup whose content the API would refuse (crafted or damaged): every problem, nothing changed.</summary>
    public static ArmException BackupInvalid(IReadOnlyList<ArmErrorDetail> problems) => new(HttpStatusCode.BadRequest, "RestoreFailed",
        $"Cannot restore: the backup holds content the management API would refuse ({problems.Count}{(problems.Count >= 50 ? " or more" : "")} problem(s), listed in details); nothing was changed.",
        problems);

    public static ArmException BackupExpired(DateTimeOffset createdAt, TimeSpan lifetime) =>
        RestoreFailed("BackupExpired", "Cannot restore: backup expired",
            $"The backup was created at {createdAt:yyyy-MM-dd'T'HH:mm:ss'Z'}; backups can be restored for {Describe(lifetime)} after creation.");

    public static ArmException SkuMismatch(string current, string backup) =>
        RestoreFailed("SkuMismatch", $"Cannot restore: current SKU is '{current}', backup SKU is '{backup}'");

    public static ArmException Internal(string requestId) => new(HttpStatusCode.InternalServerError, "InternalServerError",
        $"An unexpected error occurred while processing the request (x-ms-request-id {requestId}).");

    private static string Describe(TimeSpan t) =>
        t.TotalDays >= 1 && t.TotalDays == Math.Floor(t.TotalDays) ? $"{t.TotalDays:0} days" : t.ToString();
}
