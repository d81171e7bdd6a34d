using System.Net;
using Microsoft.AspNetCore.Http;
using VoSpec.Server.Limits;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>
/// Who a request counts as for the per-client limits behind a proxy: X-Forwarded-For is believed only from the
/// trusted proxies, read right to left, so a client cannot name itself someone else by sending the header.
/// </summary>
public class ClientKeyTests
{
    private static IPAddress? Client(string remote, string? forwarded, string proxies = "127.0.0.1, ::1")
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwarded is not null) http.Request.Headers["X-Forwarded-For"] = forwarded;
        return ClientKey.Address(http, proxies);
    }

    [Theory]
    [InlineData("127.0.0.1", null, "127.0.0.1")]                           // a local client (benchmarks): itself
    [InlineData("127.0.0.1", "203.0.113.7", "203.0.113.7")]               // through the proxy
    [InlineData("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7")] // a forged first entry is not believed
    [InlineData("::ffff:127.0.0.1", "203.0.113.7", "203.0.113.7")]         // IPv4 on an IPv6 socket
    [InlineData("203.0.113.9", "198.51.100.1", "203.0.113.9")]            // not a proxy: the header is ignored
    [InlineData("127.0.0.1", "not-an-address", "127.0.0.1")]
    public void The_client_is_the_rightmost_address_not_a_trusted_proxy(string remote, string? forwarded, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), Client(remote, forwarded));

    [Fact]
    public void Without_trusted_proxies_the_header_is_never_read() =>
        Assert.Equal(IPAddress.Loopback, Client("127.0.0.1", "203.0.113.7", proxies: ""));

    [Fact]
    public void A_chain_of_trusted_proxies_is_walked() =>
        Assert.Equal(IPAddress.Parse("203.0.113.7"), Client("127.0.0.1", "203.0.113.7, 10.0.0.2", proxies: "127.0.0.1, 10.0.0.2"));
}
