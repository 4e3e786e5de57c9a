using System.Net;
using System.Net.Sockets;

namespace TagImmutability.Cli.Tests.Serve;

/// <summary>
/// <c>tagimm serve --postgres</c> refuses to start, with exit code 2 and the reason, when it cannot use the database.
/// (Serving on a real database is tested with several processes in TagImmutability.PostgreSql.Tests.)
/// </summary>
public sealed class ServePostgresOptionTests
{
    [Fact]
    public void A_database_that_cannot_be_reached_stops_the_start()
    {
        int port = ClosedPort();
        CliRun run = CliHarness.Tagimm("serve", "--port", "0", "--postgres", $"Host=127.0.0.1;Port={port};Username=nobody;Timeout=5");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("tagimm: --postgres: cannot use the database: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("serving", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_connection_string_stops_the_start()
    {
        CliRun run = CliHarness.Tagimm("serve", "--port", "0", "--postgres", "Host=127.0.0.1;NoSuchKeyword=1");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("tagimm: --postgres: the connection string is malformed: ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bad")]
    [InlineData("1schema")]
    [InlineData("semi;colon")]
    public void A_schema_name_outside_the_safe_grammar_stops_the_start_before_connecting(string schema)
    {
        CliRun run = CliHarness.Tagimm("serve", "--port", "0", "--postgres", "Host=127.0.0.1", "--postgres-schema", schema);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"tagimm: --postgres-schema '{schema}' is not a schema name (1..63 characters of [a-z0-9_], not starting with a digit)\n", run.Error);
    }

    // A loopback port nothing listens on (bound, then released).
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
