using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Kinds;

/// <summary>Diagnostics (logging settings), declared once for service and API scope.</summary>
internal static class Diagnostics
{
    public static ResourceKind At(string path) => new()
    {
        Path = path,
        Names = NameRule.Max(80),
        Properties =
        [
            P.Ref("loggerId", "loggers").Req(),
            P.Enum("alwaysLog", "allErrors"),
            P.Obj("sampling", P.Enum("samplingType", "fixed"), P.Num("percentage").Range(0, 100)),
            P.Obj("frontend"),
            P.Obj("backend"),
            P.Bool("logClientIp"),
            P.Enum("httpCorrelationProtocol", "None", "Legacy", "W3C"),
            P.Enum("verbosity", "verbose", "information", "error"),
            P.Enum("operationNameFormat", "Name", "Url"),
            P.Bool("metrics"),
        ],
    };
}
