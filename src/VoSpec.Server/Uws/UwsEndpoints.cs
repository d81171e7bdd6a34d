using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoSpec.Core.Faults;
using VoSpec.Server.Dali;

namespace VoSpec.Server.Uws;

/// <summary>
/// UWS 1.1 resources under an async endpoint (e.g. /tap/async): the job list, each job and its
/// children. Scalar children answer text/plain, identical to the values in the job document.
/// A job created with grants (proprietary collections its submitter's token opened) exists only for callers
/// whose token opens all of them: for anyone else it is not listed and every resource of it is 404.
/// </summary>
public static class UwsEndpoints
{
    private const string Xml = "text/xml; charset=utf-8";
    private const string Text = "text/plain; charset=utf-8";
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    /// <param name="clientOf">Who a request counts as for the job queue's per-client bounds.</param>
    public static RouteGroupBuilder MapUws(this RouteGroupBuilder g, Func<HttpContext, JobManager> jobs, Func<HttpContext, IReadOnlyList<string>>? grantsOf = null,
        Func<HttpContext, string>? clientOf = null)
    {
        IReadOnlyList<string> Grants(HttpContext http) => grantsOf?.Invoke(http) ?? [];
        bool Sees(HttpContext http, UwsJob job) =>
            job.Grants.Count == 0 || job.Grants.All(c => Grants(http).Contains(c, StringComparer.OrdinalIgnoreCase));
        UwsJob? Find(HttpContext http, JobManager m, string id) => m.Get(id) is { } job && Sees(http, job) ? job : null;

        g.MapGet("", (HttpContext http) =>
        {
            var m = jobs(http);
            var q = DaliParameters.From(http.Request.Query.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string>(kv.Key, v ?? ""))));
            var phases = q.GetAll("PHASE").Select(p => Enum.TryParse<ExecutionPhase>(p, true, out var e) ? e : (ExecutionPhase?)null).ToList();
            if (phases.Any(p => p is null)) return Results.Text("UsageError: unknown PHASE", Text, statusCode: 400);
            IEnumerable<UwsJob> list = m.List().Where(j => Sees(http, j));
            list = phases.Count > 0 ? list.Where(j => phases.Contains(j.Phase)) : list.Where(j => j.Phase != ExecutionPhase.ARCHIVED);
            if (q.GetSingle("AFTER") is { } after)
            {
                if (!DateTimeOffset.TryParse(after, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                    return Results.Text("UsageError: AFTER must be an ISO 8601 time", Text, statusCode: 400);
                list = list.Where(j => j.CreationTime > t);
            }
            if (q.GetSingle("LAST") is { } last)
            {
                if (!int.TryParse(last, out var n) || n < 0) return Results.Text("UsageError: LAST must be a non-negative integer", Text, statusCode: 400);
                list = list.OrderByDescending(j => j.CreationTime).Take(n);
            }
            var items = list.ToList();
            return Write(s => UwsXml.WriteJobList(s, items, j => JobUrl(http, j.Id)));
        });

        g.MapPost("", async (HttpContext http) =>
        {
            var m = jobs(http);
            var p = await DaliParameters.ReadAsync(http.Request, http.RequestAborted);
            var client = clientOf?.Invoke(http);
            bool run = p.GetAll("PHASE").Any(v => v.Equals("RUN", StringComparison.OrdinalIgnoreCase));
            UwsJob job;
            try
            {
                // A job created to run at once is refused before it exists when it could not be queued.
                if (run) m.CheckCanQueue(client);
                job = m.Create(JobParameters(p), p.GetAll("RUNID").LastOrDefault(), Grants(http), client);
            }
            catch (JobLimitException e) { return TooMany(e); }
            await SaveUploads(m, job.Id, p);
            if (run)
            {
                try { m.Run(job.Id); }
                catch (JobLimitException e)
                {
                    m.Delete(job.Id);
                    return TooMany(e);
                }
            }
            return SeeOther(JobUrl(http, job.Id));
        });

        g.MapGet("/{id}", async (HttpContext http, string id) =>
        {
            var m = jobs(http);
            var q = http.Request.Query;
            UwsJob? job;
            // Checked before waiting: a job the caller may not see answers at once, as one that does not exist.
            if (Find(http, m, id) is null) return NotFound(id);
            if (q.Keys.FirstOrDefault(k => k.Equals("WAIT", StringComparison.OrdinalIgnoreCase)) is { } waitKey)
            {
                if (!int.TryParse(q[waitKey], out var secs)) return Results.Text("UsageError: WAIT must be an integer", Text, statusCode: 400);
                var limit = secs < 0 || secs > MaxWait.TotalSeconds ? MaxWait : TimeSpan.FromSeconds(secs);
                ExecutionPhase? only = null;
                if (q.Keys.FirstOrDefault(k => k.Equals("PHASE", StringComparison.OrdinalIgnoreCase)) is { } pk)
                    only = Enum.TryParse<ExecutionPhase>(q[pk], true, out var ph) ? ph : null;
                job = await m.WaitAsync(id, limit, only, http.RequestAborted);
                if (job is not null && !Sees(http, job)) job = null;
            }
            else job = Find(http, m, id);
            return job is null ? NotFound(id) : Write(s => UwsXml.WriteJob(s, job, JobUrl(http, id)));
        });

        g.MapDelete("/{id}", (HttpContext http, string id) =>
        {
            var m = jobs(http);
            if (Find(http, m, id) is null) return NotFound(id);
            m.Delete(id);
            return SeeOther(ListUrl(http));
        });

        g.MapPost("/{id}", async (HttpContext http, string id) =>
        {
            var m = jobs(http);
            if (Find(http, m, id) is null) return NotFound(id);
            var p = await DaliParameters.ReadAsync(http.Request, http.RequestAborted);
            if (p.GetAll("ACTION").Any(a => a.Equals("DELETE", StringComparison.OrdinalIgnoreCase)))
            {
                m.Delete(id);
                return SeeOther(ListUrl(http));
            }
            return Results.Text("UsageError: POST to a job accepts only ACTION=DELETE; parameters go to {job}/parameters", Text, statusCode: 400);
        });

        g.MapGet("/{id}/phase", (HttpContext http, string id) => Scalar(Find(http, jobs(http), id), id, j => j.Phase.ToString()));
        g.MapPost("/{id}/phase", async (HttpContext http, string id) =>
        {
            var m = jobs(http);
            if (Find(http, m, id) is null) return NotFound(id);
            var p = await DaliParameters.ReadAsync(http.Request, http.RequestAborted);
            switch (p.GetSingle("PHASE")?.ToUpperInvariant())
            {
                case "RUN":
                    try { m.Run(id); }
                    catch (JobLimitException e) { return TooMany(e); }
                    break;
                case "ABORT": m.Abort(id); break;
                default: return Results.Text("UsageError: PHASE must be RUN or ABORT", Text, statusCode: 400);
            }
            return SeeOther(JobUrl(http, id));
        });

        g.MapGet("/{id}/executionduration", (HttpContext http, string id) => Scalar(Find(http, jobs(http), id), id, j => j.ExecutionDuration.ToString()));
        g.MapPost("/{id}/executionduration", async (HttpContext http, string id) =>
        {
            var m = jobs(http);
            if (Find(http, m, id) is null) return NotFound(id);
            var p = await DaliParameters.ReadAsync(http.Request, http.RequestAborted);
            if (!int.TryParse(p.GetSingle("EXECUTIONDURATION"), out var secs))
                return Results.Text("UsageError: EXECUTIONDURATION must be an integer number of seconds", Text, statusCode: 400);
            return m.SetExecutionDuration(id, secs) ? SeeOther(JobUrl(http, id)) : Results.Text("the job has finished", Text, statusCode: 409);
        });

        g.MapGet("/{id}/destruction", (HttpContext http, string id) => Scalar(Find(http, jobs(http), id), id, j => UwsJob.Time(j.Destruction)));
        g.MapPost("/{id}/destruction", async (HttpContext http, string id) =>
        {
            var m = jobs(http);
            if (Find(http, m, id) is null) return NotFound(id);
            var p = await DaliParameters.ReadAsync(http.Request, http.RequestAborted);
            if (!DateTimeOffset.TryParse(p.GetSingle("DESTRUCTION"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                return Results.Text("UsageError: DESTRUCTION must be an ISO 8601 time", Text, statusCode: 400);
            m.SetDestruction(id, t);
            return SeeOther(JobUrl(http, id));
        });

        g.MapGet("/{id}/quote", (HttpContext http, string id) => Scalar(Find(http, jobs(http), id), id, _ => ""));
        g.MapGet("/{id}/owner", (HttpContext http, string id) => Scalar(Find(http, jobs(http), id), id, j => j.OwnerId ?? ""));

        g.MapGet("/{id}/error", (HttpContext http, string id) =>
        {
            var m = jobs(http);
            var job = Find(http, m, id);
            if (job is not { Phase: ExecutionPhase.ERROR }) return NotFound(id, "the job has no error");
            return Write(s => m.Executor.WriteError(s, job.ErrorMessage ?? "the job failed"), "application/x-votable+xml");
        });

        g.MapGet("/{id}/parameters", (HttpContext http, string id) =>
            Find(http, jobs(http), id) is { } job ? Write(s => UwsXml.WriteParameters(s, job, JobUrl(http, id))) : NotFound(id));
        g.MapPost("/{id}/parameters", async (HttpContext http, string id) =>
        {
            var m = jobs(http);
            if (Find(http, m, id) is null) return NotFound(id);
            var p = await DaliParameters.ReadAsync(http.Request, http.RequestAborted);
            if (!m.AddParameters(id, JobParameters(p), p.GetAll("RUNID").LastOrDefault()))
                return Results.Text("parameters can be changed only while the job is PENDING", Text, statusCode: 409);
            await SaveUploads(m, id, p);
            return SeeOther(JobUrl(http, id));
        });

        g.MapGet("/{id}/results", (HttpContext http, string id) =>
            Find(http, jobs(http), id) is { } job ? Write(s => UwsXml.WriteResults(s, job, JobUrl(http, id))) : NotFound(id));
        g.MapGet("/{id}/results/result", (HttpContext http, string id) =>
        {
            var m = jobs(http);
            if (Find(http, m, id) is not { Phase: ExecutionPhase.COMPLETED } job) return NotFound(id, "the job has no result");
            return Results.File(m.ResultPath(id), job.ResultMime ?? "application/octet-stream");
        });
        return g;
    }

    /// <summary>Everything but the UWS control parameters is a job parameter (TAP's REQUEST and RUNID included: taplint expects them echoed).</summary>
    private static IEnumerable<JobParameter> JobParameters(DaliParameters p) =>
        p.All.Where(kv => !kv.Key.Equals("PHASE", StringComparison.OrdinalIgnoreCase) && !kv.Key.Equals("ACTION", StringComparison.OrdinalIgnoreCase))
             .Select(kv => new JobParameter(kv.Key.ToUpperInvariant() is var up && IsStandard(up) ? up : kv.Key, kv.Value));

    private static bool IsStandard(string upper) => upper is "REQUEST" or "LANG" or "QUERY" or "RESPONSEFORMAT" or "FORMAT" or "MAXREC" or "UPLOAD" or "RUNID";

    /// <summary>Inline UPLOAD parts are kept with the job until it runs.</summary>
    private static async Task SaveUploads(JobManager m, string id, DaliParameters p)
    {
        foreach (var (name, file) in p.Files)
        {
            var path = Path.Combine(Path.GetDirectoryName(m.ResultPath(id))!, "upload-" + Uri.EscapeDataString(name));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var fs = File.Create(path);
            await file.CopyToAsync(fs);
        }
    }

    public static string ListUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{AsyncBase(http)}";

    public static string JobUrl(HttpContext http, string id) => $"{ListUrl(http)}/{id}";

    /// <summary>The async endpoint's path (everything before the job id).</summary>
    private static string AsyncBase(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        int i = path.IndexOf("/async", StringComparison.Ordinal);
        return i >= 0 ? path[..(i + "/async".Length)] : path.TrimEnd('/');
    }

    /// <summary>UWS answers state changes with 303 See Other (ASP.NET's redirects are 302/307).</summary>
    private static IResult SeeOther(string url) => new SeeOtherResult(url);

    private sealed class SeeOtherResult(string url) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = url;
            return Task.CompletedTask;
        }
    }

    private static IResult Write(Action<Stream> write, string contentType = Xml) =>
        Results.Stream(async s =>
        {
            // XmlWriter is synchronous: write to a buffer, then copy (UWS documents are small).
            using var buffer = new MemoryStream();
            write(buffer);
            buffer.Position = 0;
            await buffer.CopyToAsync(s);
        }, contentType);

    /// <summary>
    /// A job the queue cannot take now: 429 with Retry-After in the service's error form. A PHASE=RUN refused this way
    /// leaves the job PENDING, so a client (pyvo raises the message at once) can run it again later; ERROR would end it.
    /// </summary>
    private static IResult TooMany(JobLimitException e) => new LimitRefusal(e.Message);

    private sealed class LimitRefusal(string message) : IResult
    {
        public Task ExecuteAsync(HttpContext http) =>
            Limits.RequestLimits.Refuse(http, StatusCodes.Status429TooManyRequests,
                http.RequestServices.GetService(typeof(Limits.LimitSettings)) as Limits.LimitSettings ?? new Limits.LimitSettings(), message).AsTask();
    }

    private static IResult Scalar(UwsJob? job, string id, Func<UwsJob, string> value) =>
        job is null ? NotFound(id) : Results.Text(value(job), Text);

    private static IResult NotFound(string id, string? why = null) =>
        Results.Text($"NotFoundFault: no job {id}{(why is null ? "" : ": " + why)}", Text, statusCode: 404);
}
