using System.Diagnostics;
using System.Text.Json;
using VoSpec.Testing;

namespace VoSpec.Server.Tests.Web;

/// <summary>
/// A real SAMP hub for the browser tests: astropy's SAMPHubServer (Debian's python3-astropy) with the Web Profile on
/// at its fixed address (localhost:21012), consenting to every web registration (the dialog a user would answer), and
/// a listening SAMP client subscribed to spectrum.load.ssa-generic and table.load.votable that records each message it
/// receives. Its lock file is in a temporary directory (not ~/.samp). Stopped by closing its input, then by its PID.
/// </summary>
public sealed class AstropySampHub : IDisposable
{
    private const string Script = """
        import json, queue, sys, threading, time
        from astropy.samp import SAMPHubServer, SAMPIntegratedClient

        class Consent:
            queue_request = None
            queue_result = None

        dialog = Consent()
        hub = SAMPHubServer(web_profile=True, web_profile_dialog=dialog, lockfile=sys.argv[2], label='vospec-tests')
        hub.start(wait=False)

        def consent():
            while True:
                try:
                    dialog.queue_request.get(timeout=0.1)
                except (queue.Empty, AttributeError):
                    time.sleep(0.05)
                    continue
                dialog.queue_result.put(True)
        threading.Thread(target=consent, daemon=True).start()

        out = open(sys.argv[1], 'a')
        def receive(private_key, sender_id, msg_id, mtype, params, extra):
            out.write(json.dumps({'sender': sender_id, 'mtype': mtype, 'params': params}) + '\n')
            out.flush()
        client = SAMPIntegratedClient(name='vospec-test-listener')
        client.connect(hub=hub)
        client.bind_receive_notification('spectrum.load.ssa-generic', receive)
        client.bind_receive_notification('table.load.votable', receive)
        print('ready', flush=True)
        sys.stdin.read()
        client.disconnect()
        hub.stop()
        """;

    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-samp");
    private readonly Process _process;
    private readonly string _messages;
    private readonly List<string> _log = [];

    public AstropySampHub()
    {
        ExternalTool.Require(ExternalTool.Python);
        _messages = Path.Combine(_dir.Path, "messages.jsonl");
        File.WriteAllText(_messages, "");
        var start = new ProcessStartInfo(ExternalTool.Python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "-c", Script, _messages, Path.Combine(_dir.Path, "samp.lock") }) start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.Add(e.Data); };
        _process.BeginErrorReadLine();
        // astropy's log lines come first on standard output; "ready" once the client listens.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var line = _process.StandardOutput.ReadLineAsync();
            if (!line.Wait(deadline - DateTime.UtcNow) || line.Result is null)
            {
                string log; lock (_log) log = string.Join("\n", _log);
                Dispose();
                throw new InvalidOperationException("astropy's SAMP hub did not start: " + log);
            }
            if (line.Result == "ready") break;
        }
        // The hub's later log lines are drained, so that a full pipe never stops it.
        _ = _process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>The messages the listening client received so far: (mtype, params).</summary>
    public IReadOnlyList<(string MType, JsonElement Params)> Messages() =>
        File.ReadAllLines(_messages).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("mtype").GetString()!, e.GetProperty("params").Clone())).ToList();

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        _dir.Dispose();
    }
}
