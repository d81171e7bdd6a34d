using VoSpec.Server.Access;
using VoSpec.Server.Hosting;
using Xunit;

namespace VoSpec.Server.Tests.Access;

/// <summary>The access policy on its own: configuration, token forms, and what each token opens.</summary>
public class AccessPolicyTests
{
    /// <summary>A policy from configuration keys (below "VoSpec:"), read the way the server reads them.</summary>
    private static AccessPolicy Policy(params (string Key, string Value)[] settings)
    {
        var loaded = VoSpecHost.LoadSettings(settings.ToDictionary(s => "VoSpec:" + s.Key, s => (string?)s.Value));
        return new AccessPolicy(loaded.Access, loaded.Admin);
    }

    [Fact]
    public void Without_proprietary_collections_everything_is_visible_and_admin_is_off()
    {
        var policy = Policy();
        Assert.Empty(policy.RightsOf([]).Hidden);
        Assert.True(policy.RightsOf(["anything"]).CanSee("demo"));
        Assert.False(policy.AdminEnabled);
        Assert.Equal(AdminCheck.Disabled, policy.CheckAdmin(["anything"]));
    }

    [Fact]
    public void Each_token_opens_its_own_collections_plain_or_hashed_and_names_ignore_case()
    {
        var policy = Policy(
            ("Access:Collections:alpha:Tokens:0", "tok-a"),
            ("Access:Collections:Beta:Tokens:0", TokenDigest.Hashed("tok-b")),
            ("Access:Collections:Beta:Tokens:1", "tok-a"),
            ("Access:Collections:gamma:Tokens:0", " "),
            ("Admin:Token", TokenDigest.Hashed("root")));
        Assert.Equal(["alpha", "Beta", "gamma"], policy.RightsOf([]).Hidden);
        Assert.Equal(["alpha", "Beta"], policy.RightsOf(["tok-a"]).Granted);
        var b = policy.RightsOf(["tok-b"]);
        Assert.True(b.CanSee("beta") && b.CanSee("BETA") && !b.CanSee("alpha") && b.CanSee("demo"));
        // Tokens are exact: no trimming inside, no case folding, a hash is not the token.
        Assert.Equal(3, policy.RightsOf(["TOK-A"]).Hidden.Count);
        Assert.Equal(3, policy.RightsOf([TokenDigest.Hashed("tok-b")]).Hidden.Count);
        // gamma has no token: only the admin opens it.
        Assert.Empty(policy.RightsOf(["root"]).Hidden);
        Assert.Equal(AdminCheck.Granted, policy.CheckAdmin(["anonymous", "root"]));
        Assert.Equal(AdminCheck.Wrong, policy.CheckAdmin(["tok-a"]));
        Assert.Equal(AdminCheck.Missing, policy.CheckAdmin([]));
    }

    [Fact]
    public void Job_grants_are_re_read_against_the_configuration()
    {
        var policy = Policy(("Access:Collections:alpha:Tokens:0", "tok-a"), ("Access:Collections:beta:Tokens:0", "tok-b"));
        var rights = policy.RightsOfGrants(["ALPHA", "removed"]);
        Assert.True(rights.CanSee("alpha"));
        Assert.False(rights.CanSee("beta"));
        Assert.True(rights.CanSee("removed"));
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("sha256:zz00000000000000000000000000000000000000000000000000000000000000")]
    public void A_malformed_hash_in_the_configuration_is_an_error_naming_the_setting(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Policy(("Access:Collections:alpha:Tokens:0", value)));
        Assert.Contains("VoSpec:Access:Collections:alpha:Tokens:0", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => Policy(("Admin:Token", value)));
        Assert.Contains("VoSpec:Admin:Token", e.Message);
    }

    [Fact]
    public void Tokens_come_from_the_data_lab_header_and_bearer_authorization()
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.Headers["X-DL-AuthToken"] = " dl-token ";
        http.Request.Headers.Authorization = new(["bearer  b-token", "Basic dXNlcjpwYXNz", "Bearer", "Bearer   "]);
        Assert.Equal(["dl-token", "b-token"], RequestTokens.Of(http.Request));
    }
}
