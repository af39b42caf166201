using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenApim.Drills;

/// <summary>The drill's result as one self-contained HTML page (no scripts, no external resources): verdict, figures, timeline, findings.</summary>
public static class DrillReport
{
    public static string Html(JsonObject result)
    {
        static string E(object? value) => WebUtility.HtmlEncode(value?.ToString() ?? "");
        var passed = result["passed"]!.GetValue<bool>();
        var total = Math.Max(0.001, result["recoveryTimeSeconds"]?.GetValue<double>() ?? 0);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>OpenApim DR drill: {{E(result["primary"])}}</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2rem;color:#222} h1{font-size:1.4rem} table{border-collapse:collapse;margin:1rem 0}
            td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top} .ok{color:#17702a} .bad{color:#b00020}
            .bar{background:#3b6fd4;height:.9rem} .lane{width:32rem;background:#eef}
            </style></head><body>
            <h1>DR drill: <span class="{{(passed ? "ok" : "bad")}}">{{(passed ? "passed" : "FAILED")}}</span></h1>
            <table>
            <tr><th>Primary</th><td>{{E(result["primary"])}}</td></tr>
            <tr><th>Standby</th><td>{{E(result["standby"])}}</td></tr>
            <tr><th>Backup</th><td>{{E(result["backupName"])}} (snapshot {{E(result["snapshotTakenAt"])}})</td></tr>
            <tr><th>Recovery point</th><td>{{E(result["recoveryPointSeconds"])}} s</td></tr>
            <tr><th>Recovery time</th><td>{{E(result["recoveryTimeSeconds"])}} s</td></tr>
            </table>
            <h2>Timeline</h2><table><tr><th>Step</th><th>Start (s)</th><th>Duration (s)</th><th></th></tr>
            """);
        foreach (var step in result["timeline"]!.AsArray())
        {
            var start = step!["startSeconds"]!.GetValue<double>();
            var seconds = step["seconds"]!.GetValue<double>();
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(step["step"])}</td><td>{start:F3}</td><td>{seconds:F3}</td><td class=\"lane\"><div class=\"bar\" style=\"margin-left:{100 * start / total:F1}%;width:{Math.Max(0.5, 100 * seconds / total):F1}%\"></div></td></tr>\n");
        }

        html.Append("</table>");
        if (result["error"] is { } error)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>Failed step</h2><p class=\"bad\">{E(error["code"])}: {E(error["message"])}</p>");
        }

        html.Append("<h2>Differences</h2>");
        var differences = result["differences"]!.AsArray();
        html.Append(differences.Count == 0 ? "<p class=\"ok\">None: every entity of the primary is on the standby, the same.</p>" : "<ul>" + string.Concat(differences.Select(d => $"<li class=\"bad\">{E(d)}</li>")) + "</ul>");
        html.Append("<h2>Smoke requests</h2>");
        var smoke = result["smoke"]!.AsArray();
        html.Append(smoke.Count == 0
            ? $"<p>{E(result["smokeNote"])}</p>"
            : "<table><tr><th>API</th><th>Request</th><th>Primary</th><th>Standby</th><th>Result</th></tr>" + string.Concat(smoke.Select(s =>
                $"<tr><td>{E(s!["api"])}</td><td>GET {E(s["path"])}</td><td>{E(s["primaryStatus"])}</td><td>{E(s["standbyStatus"])}</td><td class=\"{(s["passed"]!.GetValue<bool>() ? "ok" : "bad")}\">{E(s["detail"])}</td></tr>")) + "</table>");
        html.Append("</body></html>\n");
        return html.ToString();
    }
}
