using Microsoft.AspNetCore.Authorization;

namespace OpenApim.Identity.Access;

/// <summary>The caller must hold a role that allows the ARM action of the request over its scope.</summary>
internal sealed class ArmActionRequirement : IAuthorizationRequirement;
