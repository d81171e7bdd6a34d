using Npgsql;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// The role ADQL runs as (<see cref="PostgresDdl.QueryRole"/>): it may log in nowhere and read only the published
/// tables, so that whatever SQL reached the database from a query, PostgreSQL itself refuses writes, the bookkeeping
/// tables, the jobs and everything else. The server's own user is made a member, to SET ROLE to it per query.
/// Creating a role needs CREATEROLE; without it the operator creates the role once (docs/postgresql.md) and this only grants.
/// </summary>
internal static class PostgresRoles
{
    public static void Grant(NpgsqlConnection conn, NpgsqlTransaction tx, Action<string>? log)
    {
        var role = PostgresDdl.QueryRole;
        bool exists = PostgresCatalogue.Scalar<bool>(conn, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @r)", tx, ("r", role));
        if (!exists)
        {
            PostgresCatalogue.Execute(conn, "SAVEPOINT vospec_role", tx);
            try
            {
                PostgresCatalogue.Execute(conn, $"CREATE ROLE {role} NOLOGIN", tx);
                PostgresCatalogue.Execute(conn, "RELEASE SAVEPOINT vospec_role", tx);
            }
            // Another server creating it at the same moment: DuplicateObject, or UniqueViolation on pg_authid when both passed the check.
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
            {
                PostgresCatalogue.Execute(conn, "ROLLBACK TO SAVEPOINT vospec_role", tx);
                if (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                    throw new InvalidOperationException($"the role {role} does not exist and this user may not create it: run CREATE ROLE {role} NOLOGIN as a superuser (docs/postgresql.md)", e);
            }
        }
        bool member = PostgresCatalogue.Scalar<bool>(conn, "SELECT pg_has_role(current_user, @r, 'MEMBER')", tx, ("r", role));
        if (!member) PostgresCatalogue.Execute(conn, $"GRANT {role} TO current_user", tx);
        PostgresCatalogue.Execute(conn, $"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}", tx);
        PostgresCatalogue.Execute(conn, $"GRANT USAGE ON SCHEMA public TO {role}", tx);
        foreach (var t in SchemaCatalog.Published)
            PostgresCatalogue.Execute(conn, $"GRANT SELECT ON {PostgresDdl.Quote(t.SqlName)} TO {role}", tx);
        log?.Invoke($"ADQL runs as {role}: SELECT on {SchemaCatalog.Published.Count} published tables");
    }
}
