using System.CommandLine;
using VoSpec.Cli.Commands;

// vospec: serve the archive, ingest survey files, write demo files, query the archive in ADQL, move a catalogue to PostgreSQL.
var root = new RootCommand("VoSpec: a Virtual Observatory server for 1-D spectra")
{
    ServeCommand.Create(),
    IngestCommand.Create(),
    DemoCommand.Create(),
    QueryCommand.Create(),
    MigrateCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
