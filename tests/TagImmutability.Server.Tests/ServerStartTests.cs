using System.Net;
using System.Net.Sockets;

namespace TagImmutability.Server.Tests;

public sealed class ServerStartTests
{
    [Fact]
    public async Task Binds_loopback_on_a_free_port_and_releases_it_on_dispose()
    {
        Uri address;
        await using (RegistryServer server = await RegistryServer.StartAsync(new RegistryServerOptions(), null, CancellationToken.None))
        {
            address = server.BaseAddress;
            Assert.Equal("127.0.0.1", address.Host);
            Assert.NotEqual(0, address.Port);
        }

        using var listener = new TcpListener(IPAddress.Loopback, address.Port);
        listener.Start();
        listener.Stop();
    }

    [Fact]
    public async Task A_port_in_use_fails_the_start_with_an_IOException()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        await Assert.ThrowsAnyAsync<IOException>(() => RegistryServer.StartAsync(new RegistryServerOptions { Port = port }, null, CancellationToken.None));
    }
}
