namespace TagImmutability;

/// <summary>The registry whose error a denial is turned into (<see cref="PolicyDecision.ToRegistryError"/>).</summary>
public enum RegistryErrorDialect
{
    /// <summary>Registry-neutral OCI distribution error: <c>DENIED</c>, HTTP 403 (OCI distribution spec, error code-12).</summary>
    Oci = 0,

    /// <summary>Amazon ECR API (JSON 1.1): <c>ImageTagAlreadyExistsException</c>, HTTP 400 (ECR API reference).</summary>
    EcrApi = 1,

    /// <summary>Amazon ECR's registry (OCI distribution) endpoint: <c>TAG_INVALID</c>, HTTP 400, ECR's sentence.</summary>
    EcrDistribution = 2,

    /// <summary>Harbor: <c>PRECONDITION</c>, HTTP 412 (goharbor/harbor <c>src/lib/http/error.go</c>).</summary>
    Harbor = 3,

    /// <summary>Quay: <c>TAG_IMMUTABLE</c>, HTTP 409 (quay/quay <c>endpoints/v2/errors.py</c>).</summary>
    Quay = 4,

    /// <summary>GitLab container registry: immutable tag, HTTP 401 (gitlab container-registry API tests).</summary>
    GitLab = 5,

    /// <summary>zot: <c>DENIED</c>, HTTP 403, with the reason as detail (project-zot/zot <c>pkg/common/http_server.go</c>).</summary>
    Zot = 6,
}
