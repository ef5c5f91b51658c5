package dev.goldsmith.artifacts.web;

import dev.goldsmith.api.ArtifactUpload;
import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.ArtifactUploadRequest;
import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.artifacts.ArtifactUploads;
import dev.goldsmith.security.Caller;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The STORE stage of the worker protocol: presigned multipart uploads under the caller's own lease. */
@RestController
class ArtifactController {

    private final ArtifactUploads uploads;

    ArtifactController(ArtifactUploads uploads) {
        this.uploads = uploads;
    }

    @PostMapping("/api/v1/leases/{leaseId}/artifacts")
    ArtifactUpload start(@PathVariable UUID leaseId, @RequestBody ArtifactUploadRequest request) {
        return uploads.start(leaseId, Caller.current().workerId(), request);
    }

    @PostMapping("/api/v1/leases/{leaseId}/artifacts/{format}/complete")
    ArtifactView complete(@PathVariable UUID leaseId, @PathVariable String format,
            @RequestBody ArtifactUploadComplete report) {
        return uploads.complete(leaseId, Caller.current().workerId(), format, report);
    }
}
