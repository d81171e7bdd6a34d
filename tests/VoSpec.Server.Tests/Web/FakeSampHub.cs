using System.Net;
using System.Xml.Linq;

namespace VoSpec.Server.Tests.Web;

/// <summary>
/// A stand-in SAMP hub's Web Profile at its fixed address (localhost:21012): answers CORS pre-flights and the
/// XML-RPC calls a page makes (register returns a key; the rest return nothing) and records each call.
/// </summary>
public sealed class FakeSampHub : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    public List<(string Method, XDocument Body)> Calls { get; } = [];

    public FakeSampHub()
    {
        _listener.Prefixes.Add("http://localhost:21012/");
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var response = context.Response;
            response.Headers["Access-Control-Allow-Origin"] = context.Request.Headers["Origin"] ?? "*";
            response.Headers["Access-Control-Allow-Methods"] = "POST";
            response.Headers["Access-Control-Allow-Headers"] = "Content-Type";
            response.Headers["Access-Control-Allow-Private-Network"] = "true";
            if (context.Request.HttpMethod == "POST")
            {
                using var reader = new StreamReader(context.Request.InputStream);
                var body = XDocument.Parse(await reader.ReadToEndAsync());
                string method = body.Root!.Element("methodName")!.Value;
                lock (Calls) Calls.Add((method, body));
                string value = method == "samp.webhub.register"
                    ? "<struct><member><name>samp.private-key</name><value><string>k-1</string></value></member><member><name>samp.hub-id</name><value>hub</value></member><member><name>samp.self-id</name><value>c1</value></member></struct>"
                    : "<string></string>";
                var bytes = System.Text.Encoding.UTF8.GetBytes($"<?xml version=\"1.0\"?><methodResponse><params><param><value>{value}</value></param></params></methodResponse>");
                response.ContentType = "text/xml";
                await response.OutputStream.WriteAsync(bytes);
            }
            response.Close();
        }
    }

    /// <summary>The string member <paramref name="name"/> anywhere in a call's parameters.</summary>
    public static string? Member(XDocument body, string name) =>
        body.Descendants("member").FirstOrDefault(m => m.Element("name")?.Value == name)?.Element("value")?.Value;

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
