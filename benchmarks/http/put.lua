-- PUT /v2/<name>/manifests/<tag> of the manifest in $MANIFEST (a re-push of the same image to a mutable tag, the
-- commonest push in CI: both registries answer 201).
local file = assert(io.open(os.getenv("MANIFEST"), "rb"))
wrk.method = "PUT"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/vnd.oci.image.manifest.v1+json"
