using System.CommandLine;
using VoSpec.Archive;
using VoSpec.Archive.Postgres;

namespace VoSpec.Cli.Commands;

/// <summary>
/// vospec migrate: moves an archive's SQLite catalogue (and its UWS jobs) into an empty PostgreSQL database; the pixel
/// stores and job results stay in the archive directory, which is then served with --database.
/// Exit code 0 on success, 2 on a fatal error (nothing is committed then).
/// </summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var archive = new Option<string>("--archive") { Description = "Archive directory whose catalogue.sqlite to migrate", DefaultValueFactory = _ => ArchiveOptions.DefaultDirectory };
        var database = ServeCommand.DatabaseOption();
        database.Required = true;
        var command = new Command("migrate", "Copy an archive's SQLite catalogue into an empty PostgreSQL database (pgSphere), to serve it with --database") { archive, database };
        command.SetAction(parse =>
        {
            try
            {
                PostgresMigration.Run(parse.GetValue(archive)!, parse.GetValue(database)!, Console.WriteLine);
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException || VoSpec.Archive.Queries.CatalogueFault.Of(e) is not null)
            {
                Console.Error.WriteLine($"vospec migrate: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
