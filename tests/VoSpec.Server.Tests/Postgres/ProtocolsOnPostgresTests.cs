using VoSpec.Server.Tests.Access;
using VoSpec.Server.Tests.DataLink;
using VoSpec.Server.Tests.Interop;
using VoSpec.Server.Tests.Security;
using VoSpec.Server.Tests.SpecService;
using VoSpec.Server.Tests.Web;
using Xunit;

namespace VoSpec.Server.Tests.Postgres;

// The protocol test classes again, every test of each, against a server whose catalogue is in PostgreSQL with pgSphere
// (a new database of the run's private cluster): TAP and its real clients (taplint, pyVO --strict, STILTS), SSA,
// DataLink and SODA (with datalinklint), the /spec service, VOSI, hostile and corner-case ADQL, and access rights
// (proprietary collections and tokens in every protocol), and the web pages. (Each class also gets
// its SQLite fixture from the base class; only the PostgreSQL one is used.)

public sealed class TapOnPostgresTests(PostgresRunningServer server) : TapTests(server), IClassFixture<PostgresRunningServer>;
public sealed class TapInteropOnPostgresTests(PostgresRunningServer server) : TapInteropTests(server), IClassFixture<PostgresRunningServer>;
public sealed class SsaOnPostgresTests(PostgresRunningServer server) : SsaTests(server), IClassFixture<PostgresRunningServer>;
public sealed class LinksOnPostgresTests(PostgresRunningServer server) : LinksTests(server), IClassFixture<PostgresRunningServer>;
public sealed class SodaOnPostgresTests(PostgresRunningServer server) : SodaTests(server), IClassFixture<PostgresRunningServer>;
public sealed class DataLinkInteropOnPostgresTests(PostgresRunningServer server) : DataLinkInteropTests(server), IClassFixture<PostgresRunningServer>;
public sealed class SpecServiceCallOnPostgresTests(PostgresRunningServer server) : SpecServiceCallTests(server), IClassFixture<PostgresRunningServer>;
public sealed class GetSpecOnPostgresTests(PostgresRunningServer server) : GetSpecTests(server), IClassFixture<PostgresRunningServer>;
public sealed class VosiOnPostgresTests(PostgresRunningServer server) : VosiTests(server), IClassFixture<PostgresRunningServer>;
public sealed class HostileQueryOnPostgresTests(PostgresRunningServer server) : HostileQueryTests(server), IClassFixture<PostgresRunningServer>;
public sealed class AdqlCornersOnPostgresTests(PostgresRunningServer server) : AdqlCornersHttpTests(server), IClassFixture<PostgresRunningServer>;
public sealed class ProtocolAccessOnPostgresTests(PostgresProprietaryServer server) : ProtocolAccessTests(server), IClassFixture<PostgresProprietaryServer>;
public sealed class SpecServiceAccessOnPostgresTests(PostgresProprietaryServer server) : SpecServiceAccessTests(server), IClassFixture<PostgresProprietaryServer>;
public sealed class ProprietaryLeakOnPostgresTests(PostgresProprietaryServer server) : ProprietaryLeakTests(server), IClassFixture<PostgresProprietaryServer>;
public sealed class AdminOnPostgresTests(PostgresProprietaryServer server) : AdminTests(server), IClassFixture<PostgresProprietaryServer>;
public sealed class WebPagesOnPostgresTests(PostgresRunningServer server) : WebPagesTests(server), IClassFixture<PostgresRunningServer>;
