package dev.goldsmith.installers;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.ArtifactUpload;
import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.InstallerRegistration;
import dev.goldsmith.api.InstallerUpload;
import dev.goldsmith.api.InstallerView;
import dev.goldsmith.artifacts.VerifiedUploads;
import dev.goldsmith.audit.AuditTrail;
import dev.goldsmith.installers.persistence.InstallerRecords;
import dev.goldsmith.installers.persistence.InstallerRecords.PendingInstaller;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.security.Caller;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry of installer media. A registration names a medium by its SHA-256; when the bucket already holds
 * {@code installers/<sha256>.<format>} with those bytes it is recorded at once, otherwise the caller gets a
 * presigned multipart upload and the medium is recorded only after the control plane has read back what landed
 * and found that it hashes to its name. The reference media at start-up take the same path, with the control
 * plane uploading the file itself. Media are readable by every team; a registration belongs to the team that
 * made it, and only that team's builders (or an admin) may delete it.
 */
@Service
public class InstallerRegistry {

    private static final Logger log = LoggerFactory.getLogger(InstallerRegistry.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final InstallerRecords records;
    private final VerifiedUploads uploads;
    private final AuditTrail audit;
    private final TransactionTemplate transactions;
    private final long partSize;
    private final long maxSize;

    InstallerRegistry(InstallerRecords records, VerifiedUploads uploads, AuditTrail audit,
            TransactionTemplate transactions, GoldsmithProperties properties) {
        this.records = records;
        this.uploads = uploads;
        this.audit = audit;
        this.transactions = transactions;
        this.partSize = properties.artifacts().partSize().toBytes();
        this.maxSize = properties.artifacts().maxSize().toBytes();
    }

    /** What a registration led to: the recorded installer, or the upload it waits for. */
    public sealed interface Outcome {
    }

    public record Registered(InstallerView installer) implements Outcome {
    }

    public record Uploading(InstallerUpload upload) implements Outcome {
    }

    public Outcome register(Caller caller, InstallerRegistration request) {
        Installer installer = RegistrationRules.check(request, maxSize, caller.team(), false);
        if (records.find(installer.name()).isPresent()) {
            throw taken(installer.name());
        }
        records.pending(installer.name()).filter(p -> !caller.canSee(p.team())).ifPresent(p -> {
            throw ApiException.conflict("An installer named '" + installer.name() + "' is being uploaded by team "
                    + p.team() + ".");
        });
        if (inBucket(installer)) {
            return new Registered(record(caller, installer));
        }
        ArtifactUpload upload = uploads.start(installer.objectKey(), installer.size(), partSize);
        PendingInstaller pending = new PendingInstaller(installer.name(), installer.sha256(), installer.size(),
                upload.uploadId(), installer.objectKey(), JSON.writeValueAsString(request), caller.team(), null);
        Optional<PendingInstaller> replaced = transactions.execute(status ->
                records.savePending(pending, caller.actor()));
        replaced.ifPresent(previous -> uploads.abortQuietly(previous.objectKey(), previous.uploadId()));
        log.info("Installer {} ({} bytes, sha256 {}) waits for its upload to {}", installer.name(), installer.size(),
                installer.sha256(), installer.objectKey());
        return new Uploading(new InstallerUpload(installer.name(), installer.sha256(), upload));
    }

    /** Assembles the uploaded parts, checks that the bytes hash to the medium's name, then records it. */
    public InstallerView complete(Caller caller, String name, ArtifactUploadComplete report) {
        VerifiedUploads.validate(report);
        Optional<PendingInstaller> found = records.pending(name);
        if (found.isEmpty() || !found.get().uploadId().equals(report.uploadId())) {
            // A completion sent again (its reply was lost) finds the installer recorded.
            Optional<Installer> recorded = records.find(name).filter(i -> i.sha256().equals(report.sha256()));
            if (recorded.isPresent() && caller.canSee(recorded.get().team())) {
                return recorded.get().view();
            }
            throw ApiException.invalid("uploadId", "is not an upload that registering '" + name + "' started");
        }
        PendingInstaller pending = found.get();
        if (!caller.canSee(pending.team())) {
            throw ApiException.forbidden("the upload of '" + name + "' was started by team " + pending.team());
        }
        if (!report.sha256().equals(pending.sha256())) {
            throw ApiException.invalid("sha256", "must be the sha256 given at registration (" + pending.sha256() + ")");
        }
        if (report.size() != pending.size()) {
            throw ApiException.invalid("size", "must be the size given at registration (" + pending.size() + ")");
        }
        uploads.assemble(pending.objectKey(), pending.uploadId(), report.parts(),
                () -> records.forgetPending(name, pending.uploadId()));
        uploads.verify(pending.objectKey(), pending.size(), pending.sha256(), () -> { });
        InstallerRegistration request = JSON.readValue(pending.registration(), InstallerRegistration.class);
        Installer installer = RegistrationRules.check(request, maxSize, pending.team(), false);
        if (records.find(name).isPresent()) {
            throw taken(name);
        }
        return record(caller, installer);
    }

    /**
     * Registers a reference medium from a file the control plane holds: uploaded content-addressed if the bucket
     * lacks it, verified, and recorded under its name with the darksite it carries (a recorded digest, or null),
     * replacing what the name stood for before. {@code registeredBy} says what registered it: {@code reference}
     * (the installer directory at start-up) or {@code refresh:<id>}.
     */
    public InstallerView registerReference(InstallerRegistration request, Path file, String darksite,
            String registeredBy) {
        Installer installer = RegistrationRules.check(request, Long.MAX_VALUE, Caller.FARM_TEAM, true)
                .withDarksite(darksite);
        if (!inBucket(installer)) {
            uploads.putFileVerified(installer.objectKey(), file, installer.size(), installer.sha256());
        }
        records.upsert(installer, registeredBy);
        return records.find(installer.name()).orElseThrow().view();
    }

    public List<InstallerView> list() {
        return records.list().stream().map(Installer::view).toList();
    }

    public InstallerView get(String name) {
        return records.find(name).map(Installer::view)
                .orElseThrow(() -> ApiException.notFound("No installer named '" + name + "'."));
    }

    /**
     * Deletes a registration no build was made from; the medium's object goes too unless another registration
     * shares it.
     */
    public void delete(Caller caller, String name) {
        Installer deleted = transactions.execute(status -> {
            Installer installer = records.findForUpdate(name)
                    .orElseThrow(() -> ApiException.notFound("No installer named '" + name + "'."));
            if (!caller.canSee(installer.team())) {
                throw ApiException.forbidden("installer '" + name + "' belongs to team " + installer.team());
            }
            long builds = records.buildsUsing(name, installer.sha256());
            if (builds > 0) {
                throw ApiException.conflict("Installer '" + name + "' is still referenced by " + builds
                        + " build(s); it cannot be deleted.");
            }
            records.delete(name);
            audit.record(caller.actor(), caller.team(), "installer.delete", "installer:" + name,
                    "sha256=" + installer.sha256());
            return installer;
        });
        if (!records.anyWithDigest(deleted.sha256())) {
            uploads.remove(deleted.objectKey());
        }
        log.info("Installer {} deleted by {}", name, caller.actor());
    }

    /**
     * Whether the bucket already holds the medium: an object of the right size under its key, whose bytes were
     * hashed when another registration recorded it, or are hashed now. An object there that does not hash to
     * its name is removed.
     */
    private boolean inBucket(Installer installer) {
        Optional<Installer> known = records.firstWithDigest(installer.sha256());
        if (known.isPresent() && known.get().size() != installer.size()) {
            throw ApiException.invalid("size", "must be the medium's size: the medium with this sha256 has "
                    + known.get().size() + " bytes");
        }
        boolean hashedBefore = known.isPresent() && known.get().format().equals(installer.format());
        VerifiedUploads.Held held = uploads.compare(installer.objectKey(), installer.size(), installer.sha256(),
                hashedBefore);
        if (held == VerifiedUploads.Held.OTHER && known.isEmpty()) {
            log.warn("Removing {}: it does not hash to its name", installer.objectKey());
            uploads.remove(installer.objectKey());
        }
        return held == VerifiedUploads.Held.SAME;
    }

    private InstallerView record(Caller caller, Installer installer) {
        return transactions.execute(status -> {
            if (!records.insert(installer, caller.actor())) {
                throw taken(installer.name());
            }
            audit.record(caller.actor(), caller.team(), "installer.register", "installer:" + installer.name(),
                    "sha256=" + installer.sha256());
            log.info("Installer {} registered by {} (sha256 {})", installer.name(), caller.actor(),
                    installer.sha256());
            return records.find(installer.name()).orElseThrow().view();
        });
    }

    private static ApiException taken(String name) {
        return ApiException.conflict("An installer named '" + name + "' is already registered.");
    }
}
