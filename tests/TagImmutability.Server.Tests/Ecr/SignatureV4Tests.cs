using System.Globalization;
using System.Text;
using System.Text.Json;
using TagImmutability.Server.Ecr;

namespace TagImmutability.Server.Tests.Ecr;

/// <summary>
/// The Signature Version 4 computation and its verification, checked against two independent implementations: a
/// vector computed once with Python's standard library (hashlib, hmac) from the AWS General Reference's description,
/// and the AWS SDK for JavaScript's own signer (@smithy/signature-v4) run live on requests these tests choose.
/// </summary>
public sealed class SignatureV4Tests
{
    private const string Secret = "local-test-secret-0001";
    private const string KeyId = "AKIDLOCALTEST0001";
    private static readonly DateTimeOffset SigningTime = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // The request of the Python vector: POST / to 127.0.0.1:5000, body {"repositoryName":"team/app"}.
    private static readonly Dictionary<string, string[]> VectorHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["content-type"] = ["application/x-amz-json-1.1"],
        ["host"] = ["127.0.0.1:5000"],
        ["x-amz-date"] = ["20260301T120000Z"],
        ["x-amz-target"] = ["AmazonEC2ContainerRegistry_V20150921.ListImages"],
    };

    private static readonly byte[] VectorBody = """{"repositoryName":"team/app"}"""u8.ToArray();

    [Fact]
    public void The_canonical_request_has_the_documented_layout()
    {
        string canonical = SignatureV4.CanonicalRequest(
            "POST", "/", string.Empty, ["content-type", "host", "x-amz-date", "x-amz-target"], Lookup(VectorHeaders), SignatureV4.HexSha256(VectorBody));

        Assert.Equal(
            "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:127.0.0.1:5000\nx-amz-date:20260301T120000Z\n"
            + "x-amz-target:AmazonEC2ContainerRegistry_V20150921.ListImages\n\ncontent-type;host;x-amz-date;x-amz-target\n"
            + "7044bc5104f9ea3d5ceccdc019ee73945d4c2f36bc8118c4df9586c70ecc643a",
            canonical);
    }

    /// <remarks>
    /// Expected values computed independently with Python 3's hashlib and hmac:
    /// <code>
    /// cr = "\n".join(["POST", "/", "", "content-type:application/x-amz-json-1.1", "host:127.0.0.1:5000",
    ///        "x-amz-date:20260301T120000Z", "x-amz-target:AmazonEC2ContainerRegistry_V20150921.ListImages", "",
    ///        "content-type;host;x-amz-date;x-amz-target", sha256(body).hexdigest()])
    /// sts = "\n".join(["AWS4-HMAC-SHA256", "20260301T120000Z", "20260301/us-east-1/ecr/aws4_request", sha256(cr).hexdigest()])
    /// k = hmac("AWS4" + secret, "20260301"); k = hmac(k, "us-east-1"); k = hmac(k, "ecr"); k = hmac(k, "aws4_request")
    /// hmac(k, sts).hexdigest()
    /// </code>
    /// </remarks>
    [Fact]
    public void The_signature_matches_an_independently_computed_vector()
    {
        string canonical = SignatureV4.CanonicalRequest(
            "POST", "/", string.Empty, ["content-type", "host", "x-amz-date", "x-amz-target"], Lookup(VectorHeaders), SignatureV4.HexSha256(VectorBody));
        string stringToSign = SignatureV4.StringToSign("20260301T120000Z", "20260301/us-east-1/ecr/aws4_request", canonical);

        string signature = SignatureV4.Signature(SignatureV4.SigningKey(Secret, "20260301", "us-east-1", "ecr"), stringToSign);

        Assert.EndsWith("3c3544df02a54d09c4c75f739c4714431ccf7b39c2a169967c9571bacd564cae", stringToSign, StringComparison.Ordinal);
        Assert.Equal("bf6d77b632ba9649b02171abe20020890c2dad934ca2957718714ae584f9775d", signature);
    }

    [Fact]
    public void The_verifier_accepts_the_vector_request()
    {
        var headers = new Dictionary<string, string[]>(VectorHeaders, StringComparer.OrdinalIgnoreCase)
        {
            ["authorization"] = [$"AWS4-HMAC-SHA256 Credential={KeyId}/20260301/us-east-1/ecr/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=bf6d77b632ba9649b02171abe20020890c2dad934ca2957718714ae584f9775d"],
        };

        EcrError? error = Verifier().Verify("POST", "/", Lookup(headers), VectorBody);

        Assert.Null(error);
    }

    public static TheoryData<string, string, string, string> JavaScriptRequests => new()
    {
        // path, query (JSON object), extra headers (JSON object), body
        { "/", "{}", "{}", """{"repositoryName":"team/app"}""" },
        { "/", "{}", "{}", string.Empty },
        { "/", """{"b":"2","a":"1 2","c":"x/y~z"}""", "{}", "{}" },
        { "/some path/with%/and ü", "{}", "{}", "{}" },
        { "/", "{}", """{"x-custom":"  several   spaces  inside ","x-amz-security-token":"token/with+chars="}""", """{"imageManifest":"{\"a\":\"ü ∑\"}"}""" },
    };

    [Theory]
    [MemberData(nameof(JavaScriptRequests))]
    public async Task The_verifier_accepts_what_the_JavaScript_SDK_signer_signs_and_rejects_a_changed_body(string path, string query, string extraHeaders, string body)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = "127.0.0.1:5000",
            ["content-type"] = "application/x-amz-json-1.1",
            ["x-amz-target"] = "AmazonEC2ContainerRegistry_V20150921.ListImages",
        };
        foreach ((string name, string value) in JsonSerializer.Deserialize<Dictionary<string, string>>(extraHeaders)!)
        {
            headers[name] = value;
        }

        Dictionary<string, string> queryParameters = JsonSerializer.Deserialize<Dictionary<string, string>>(query)!;
        // The SDK's serializers hand the signer the path already percent-encoded, as it goes on the wire.
        JsonElement signed = await SignWithJavaScriptAsync(EncodePath(path), queryParameters, headers, body);

        // The request as it arrives: the path and query percent-encoded once, the signed headers as sent.
        string rawTarget = EncodePath(path) + (queryParameters.Count == 0 ? string.Empty : "?" + string.Join('&', queryParameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))));
        var received = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonProperty header in signed.GetProperty("headers").EnumerateObject())
        {
            received[header.Name] = [header.Value.GetString()!];
        }

        byte[] bytes = Encoding.UTF8.GetBytes(body);
        Assert.Null(Verifier().Verify("POST", rawTarget, Lookup(received), bytes));

        byte[] changed = Encoding.UTF8.GetBytes(body + " ");
        EcrError? error = Verifier().Verify("POST", rawTarget, Lookup(received), changed);
        Assert.Equal("InvalidSignatureException", error?.Type);
        Assert.Equal(403, error?.StatusCode);
    }

    [Fact]
    public void No_Authorization_header_is_MissingAuthenticationTokenException()
    {
        EcrError? error = Verifier().Verify("POST", "/", Lookup(VectorHeaders), VectorBody);

        Assert.Equal(new EcrError(403, "MissingAuthenticationTokenException", error?.Message ?? string.Empty), error);
    }

    [Theory]
    [InlineData("Bearer abc")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST0001/20260301/us-east-1/ecr/aws4_request, SignedHeaders=host;x-amz-date")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST0001/20260301/us-east-1/ecr, SignedHeaders=host;x-amz-date, Signature=bf6d77b632ba9649b02171abe20020890c2dad934ca2957718714ae584f9775d")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST0001/20260301/us-east-1/ecr/aws4_request, SignedHeaders=x-amz-date, Signature=bf6d77b632ba9649b02171abe20020890c2dad934ca2957718714ae584f9775d")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST0001/20260301/us-east-1/ecr/aws4_request, SignedHeaders=host;x-amz-date, Signature=BF6D")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST0001/20260301/us-east-1/ecr/aws4_request, SignedHeaders=Host;x-amz-date, Signature=bf6d77b632ba9649b02171abe20020890c2dad934ca2957718714ae584f9775d")]
    public void A_malformed_Authorization_header_is_IncompleteSignatureException(string authorization)
    {
        var headers = new Dictionary<string, string[]>(VectorHeaders, StringComparer.OrdinalIgnoreCase) { ["authorization"] = [authorization] };

        EcrError? error = Verifier().Verify("POST", "/", Lookup(headers), VectorBody);

        Assert.Equal("IncompleteSignatureException", error?.Type);
        Assert.Equal(400, error?.StatusCode);
    }

    [Fact]
    public void Another_access_key_id_is_UnrecognizedClientException()
    {
        EcrError? error = Verifier().Verify("POST", "/", Lookup(Signed(keyId: "AKIDSOMEONEELSE")), VectorBody);

        Assert.Equal(new EcrError(400, "UnrecognizedClientException", "The security token included in the request is invalid."), error);
    }

    [Fact]
    public void Another_secret_is_InvalidSignatureException_showing_the_string_to_sign()
    {
        EcrError? error = Verifier().Verify("POST", "/", Lookup(Signed(secret: "not-the-secret")), VectorBody);

        Assert.Equal("InvalidSignatureException", error?.Type);
        Assert.Equal(403, error?.StatusCode);
        Assert.Contains("20260301/us-east-1/ecr/aws4_request", error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us-west-2", "ecr", "20260301", "region")]
    [InlineData("us-east-1", "s3", "20260301", "service")]
    [InlineData("us-east-1", "ecr", "20260302", "date")]
    public void A_scope_for_another_region_service_or_date_is_InvalidSignatureException(string region, string service, string date, string named)
    {
        EcrError? error = Verifier().Verify("POST", "/", Lookup(Signed(region: region, service: service, scopeDate: date)), VectorBody);

        Assert.Equal("InvalidSignatureException", error?.Type);
        Assert.Contains(named, error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-16, false)]
    [InlineData(-14, true)]
    [InlineData(14, true)]
    [InlineData(16, false)]
    public void A_request_time_more_than_15_minutes_off_is_refused(int minutesOff, bool accepted)
    {
        var verifier = new SignatureV4Verifier(KeyId, Secret, "us-east-1", new FixedClock(SigningTime.AddMinutes(-minutesOff)));

        EcrError? error = verifier.Verify("POST", "/", Lookup(Signed()), VectorBody);

        if (accepted)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Equal("InvalidSignatureException", error?.Type);
            Assert.StartsWith("Signature expired", error!.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_x_amz_content_sha256_header_that_lies_about_the_body_does_not_help()
    {
        // Signed over the header's claimed hash of the original body; the body that arrives is another one.
        byte[] tampered = """{"repositoryName":"team/evil"}"""u8.ToArray();
        Dictionary<string, string[]> headers = Signed(extra: ("x-amz-content-sha256", SignatureV4.HexSha256(VectorBody)));

        EcrError? error = Verifier().Verify("POST", "/", Lookup(headers), tampered);

        Assert.Equal("InvalidSignatureException", error?.Type);
    }

    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("/a/./b/../c//d/", "/a/c/d/")]
    [InlineData("/a%20b", "/a%2520b")]
    [InlineData("/~user/x-y_z.w", "/~user/x-y_z.w")]
    public void The_canonical_uri_normalises_and_encodes_the_path_again(string rawPath, string expected)
    {
        Assert.Equal(expected, SignatureV4.CanonicalUri(rawPath));
    }

    [Fact]
    public void The_canonical_query_is_sorted_and_encoded_with_the_unreserved_set()
    {
        Assert.Equal("a=1%202&a=1%2A&b=&c=x%2Fy~z", SignatureV4.CanonicalQuery("c=x/y~z&b&a=1%202&a=1*"));
    }

    [Fact]
    public void Header_values_are_trimmed_with_inner_spaces_collapsed_and_joined_by_comma()
    {
        Assert.Equal("a b c,d", SignatureV4.CanonicalHeaderValue(["  a   b c ", "d"]));
    }

    private static SignatureV4Verifier Verifier() => new(KeyId, Secret, "us-east-1", new FixedClock(SigningTime));

    private static Func<string, IReadOnlyList<string>> Lookup(Dictionary<string, string[]> headers) =>
        name => headers.TryGetValue(name, out string[]? values) ? values : [];

    // The vector request signed with the code under test, varying one input (for the verifier's decisions).
    private static Dictionary<string, string[]> Signed(
        string keyId = KeyId, string secret = Secret, string region = "us-east-1", string service = "ecr", string scopeDate = "20260301", (string Name, string Value)? extra = null)
    {
        var headers = new Dictionary<string, string[]>(VectorHeaders, StringComparer.OrdinalIgnoreCase);
        List<string> signedHeaders = ["content-type", "host", "x-amz-date", "x-amz-target"];
        string payloadHash = SignatureV4.HexSha256(VectorBody);
        if (extra is { } header)
        {
            headers[header.Name] = [header.Value];
            signedHeaders.Add(header.Name);
            signedHeaders.Sort(StringComparer.Ordinal);
            payloadHash = header.Value;
        }

        string canonical = SignatureV4.CanonicalRequest("POST", "/", string.Empty, signedHeaders, Lookup(headers), payloadHash);
        string scope = $"{scopeDate}/{region}/{service}/aws4_request";
        string signature = SignatureV4.Signature(
            SignatureV4.SigningKey(secret, scopeDate, region, service),
            SignatureV4.StringToSign(SigningTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), scope, canonical));
        headers["authorization"] = [$"AWS4-HMAC-SHA256 Credential={keyId}/{scope}, SignedHeaders={string.Join(';', signedHeaders)}, Signature={signature}"];
        return headers;
    }

    private static async Task<JsonElement> SignWithJavaScriptAsync(string path, Dictionary<string, string> query, Dictionary<string, string> headers, string body)
    {
        string input = JsonSerializer.Serialize(new
        {
            accessKeyId = KeyId,
            secretAccessKey = Secret,
            region = "us-east-1",
            service = "ecr",
            signingDate = SigningTime.ToString("O", CultureInfo.InvariantCulture),
            method = "POST",
            hostname = "127.0.0.1",
            port = 5000,
            path,
            query,
            headers,
            body,
        });
        NodeResult result = await NodeScript.RunAsync("sign.mjs", [], stdin: input);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Json();
    }

    // How the SDK's HTTP handler puts a path on the wire: each segment percent-encoded once (unreserved kept).
    private static string EncodePath(string path) => string.Join('/', path.Split('/').Select(SignatureV4.UriEncode));
}
