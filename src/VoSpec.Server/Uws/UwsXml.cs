using System.Xml;
using VoSpec.Server.Vosi;
using VoSpec.VOTable;

namespace VoSpec.Server.Uws;

/// <summary>UWS 1.1 documents: the job list, a job, its parameters and its results (element order per the schema).</summary>
public static class UwsXml
{
    public const string Ns = "http://www.ivoa.net/xml/UWS/v1.0";
    public const string XLink = "http://www.w3.org/1999/xlink";

    public static void WriteJobList(Stream output, IEnumerable<UwsJob> jobs, Func<UwsJob, string> jobUrl)
    {
        using var w = Start(output, "jobs");
        foreach (var j in jobs)
        {
            w.WriteStartElement("uws", "jobref", Ns);
            w.WriteAttributeString("id", j.Id);
            w.WriteAttributeString("xlink", "href", XLink, jobUrl(j));
            w.WriteElementString("uws", "phase", Ns, j.Phase.ToString());
            if (j.RunId is not null) w.WriteElementString("uws", "runId", Ns, Lexical.XmlSafe(j.RunId));
            if (j.OwnerId is not null) w.WriteElementString("uws", "ownerId", Ns, Lexical.XmlSafe(j.OwnerId));
            w.WriteElementString("uws", "creationTime", Ns, UwsJob.Time(j.CreationTime));
            w.WriteEndElement();
        }
        End(w);
    }

    public static void WriteJob(Stream output, UwsJob j, string jobUrl)
    {
        using var w = Start(output, "job");
        w.WriteElementString("uws", "jobId", Ns, j.Id);
        if (j.RunId is not null) w.WriteElementString("uws", "runId", Ns, Lexical.XmlSafe(j.RunId));
        Nillable(w, "ownerId", j.OwnerId);
        w.WriteElementString("uws", "phase", Ns, j.Phase.ToString());
        Nillable(w, "quote", null);
        w.WriteElementString("uws", "creationTime", Ns, UwsJob.Time(j.CreationTime));
        Nillable(w, "startTime", j.StartTime is null ? null : UwsJob.Time(j.StartTime.Value));
        Nillable(w, "endTime", j.EndTime is null ? null : UwsJob.Time(j.EndTime.Value));
        w.WriteElementString("uws", "executionDuration", Ns, j.ExecutionDuration.ToString());
        w.WriteElementString("uws", "destruction", Ns, UwsJob.Time(j.Destruction));
        ParametersElement(w, j, jobUrl);
        ResultsElement(w, j, jobUrl);
        if (j.Phase == ExecutionPhase.ERROR)
        {
            w.WriteStartElement("uws", "errorSummary", Ns);
            w.WriteAttributeString("type", "fatal");
            w.WriteAttributeString("hasDetail", "true");
            w.WriteElementString("uws", "message", Ns, Lexical.XmlSafe(j.ErrorMessage ?? "the job failed"));
            w.WriteEndElement();
        }
        End(w);
    }

    public static void WriteParameters(Stream output, UwsJob j, string jobUrl)
    {
        using var w = VosiXml.Create(output);
        w.WriteStartDocument();
        ParametersElement(w, j, jobUrl, root: true);
        w.WriteEndDocument();
    }

    public static void WriteResults(Stream output, UwsJob j, string jobUrl)
    {
        using var w = VosiXml.Create(output);
        w.WriteStartDocument();
        ResultsElement(w, j, jobUrl, root: true);
        w.WriteEndDocument();
    }

    private static void ParametersElement(XmlWriter w, UwsJob j, string jobUrl, bool root = false)
    {
        w.WriteStartElement("uws", "parameters", Ns);
        if (root) Namespaces(w);
        foreach (var p in j.Parameters)
        {
            w.WriteStartElement("uws", "parameter", Ns);
            w.WriteAttributeString("id", Lexical.XmlSafe(p.Name));
            if (p.ByReference) w.WriteAttributeString("byReference", "true");
            // Parameters are the client's text: XML cannot carry its control characters.
            w.WriteString(Lexical.XmlSafe(p.Value));
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static void ResultsElement(XmlWriter w, UwsJob j, string jobUrl, bool root = false)
    {
        w.WriteStartElement("uws", "results", Ns);
        if (root) Namespaces(w);
        if (j.Phase == ExecutionPhase.COMPLETED)
        {
            w.WriteStartElement("uws", "result", Ns);
            w.WriteAttributeString("id", "result");
            w.WriteAttributeString("xlink", "href", XLink, jobUrl + "/results/result");
            if (j.ResultMime is not null) w.WriteAttributeString("mime-type", j.ResultMime);
            if (j.ResultSize is not null) w.WriteAttributeString("size", j.ResultSize.Value.ToString());
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static XmlWriter Start(Stream output, string root)
    {
        var w = VosiXml.Create(output);
        w.WriteStartDocument();
        w.WriteStartElement("uws", root, Ns);
        Namespaces(w);
        w.WriteAttributeString("version", "1.1");
        return w;
    }

    private static void Namespaces(XmlWriter w)
    {
        w.WriteAttributeString("xmlns", "uws", null, Ns);
        w.WriteAttributeString("xmlns", "xlink", null, XLink);
        w.WriteAttributeString("xmlns", "xsi", null, VosiXml.Xsi);
    }

    private static void End(XmlWriter w)
    {
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static void Nillable(XmlWriter w, string name, string? value)
    {
        w.WriteStartElement("uws", name, Ns);
        if (value is null) w.WriteAttributeString("xsi", "nil", VosiXml.Xsi, "true");
        else w.WriteString(Lexical.XmlSafe(value));
        w.WriteEndElement();
    }
}
