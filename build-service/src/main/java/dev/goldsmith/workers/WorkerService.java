package dev.goldsmith.workers;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.WorkerRegistered;
import dev.goldsmith.api.WorkerRegistration;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.FieldViolation;
import dev.goldsmith.security.Caller;
import dev.goldsmith.security.TokenService;
import dev.goldsmith.workers.persistence.WorkerEntity;
import dev.goldsmith.workers.persistence.WorkerRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Worker identities. A worker token binds to the first worker that registers with it; registering again with
 * the same token (an agent restart) updates that worker rather than creating another.
 */
@Service
public class WorkerService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9 ._:()+~-]{0,128}");

    private final WorkerRepository workers;
    private final TokenService tokens;
    private final GoldsmithProperties properties;
    private final Clock clock;

    public WorkerService(WorkerRepository workers, TokenService tokens, GoldsmithProperties properties, Clock clock) {
        this.workers = workers;
        this.tokens = tokens;
        this.properties = properties;
        this.clock = clock;
    }

    @Transactional
    public WorkerRegistered register(Caller caller, WorkerRegistration registration) {
        validate(registration);
        UUID id = caller.workerId() != null ? caller.workerId() : UUID.randomUUID();
        WorkerEntity worker = workers.findById(id).orElseGet(() -> new WorkerEntity(id, caller.tokenId(), clock.instant()));
        worker.describe(registration.name(), registration.arch(), registration.accel(), registration.qemuVersion(),
                registration.slots(), registration.labels() == null ? List.of()
                        : registration.labels().stream().sorted().distinct().toList(), clock.instant());
        workers.saveAndFlush(worker);
        UUID bound = tokens.bindWorker(caller.tokenId(), id);
        if (!bound.equals(id)) {
            throw ApiException.conflict("This worker token is bound to worker " + bound + ".");
        }
        return new WorkerRegistered(id, properties.workers().heartbeatInterval(), properties.leaseTtl());
    }

    /** A worker token acts for the worker it is bound to; anything else is refused. */
    public void requireOwnWorker(Caller caller, UUID workerId) {
        if (caller.workerId() == null) {
            throw ApiException.forbidden("Register this worker token first (POST /api/v1/workers).");
        }
        if (!caller.workerId().equals(workerId)) {
            throw ApiException.forbidden("A worker may only claim for itself; this token is bound to "
                    + caller.workerId() + ".");
        }
    }

    private static void validate(WorkerRegistration r) {
        List<FieldViolation> errors = new ArrayList<>();
        if (r.name() == null || !NAME.matcher(r.name()).matches()) {
            errors.add(new FieldViolation("name", "must be 1-128 of A-Z a-z 0-9 . _ -"));
        }
        if (r.arch() == null || !r.arch().equals("x86_64")) {
            errors.add(new FieldViolation("arch", "must be x86_64"));
        }
        if (r.accel() == null || !List.of("kvm", "tcg").contains(r.accel())) {
            errors.add(new FieldViolation("accel", "must be kvm or tcg"));
        }
        if (r.qemuVersion() != null && !VERSION.matcher(r.qemuVersion()).matches()) {
            errors.add(new FieldViolation("qemuVersion", "must be at most 128 plain characters"));
        }
        if (r.slots() < 1 || r.slots() > 64) {
            errors.add(new FieldViolation("slots", "must be between 1 and 64"));
        }
        if (r.labels() != null) {
            if (r.labels().size() > 32) {
                errors.add(new FieldViolation("labels", "must have at most 32 entries"));
            } else {
                for (int i = 0; i < r.labels().size(); i++) {
                    String label = r.labels().get(i);
                    if (label == null || !LABEL.matcher(label).matches()) {
                        errors.add(new FieldViolation("labels[" + i + "]", "must be 1-63 of a-z 0-9 . _ / -"));
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }
}
