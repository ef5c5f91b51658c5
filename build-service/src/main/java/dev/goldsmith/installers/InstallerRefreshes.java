package dev.goldsmith.installers;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.InstallerRefresh;
import dev.goldsmith.api.MediumRef;
import dev.goldsmith.audit.AuditTrail;
import dev.goldsmith.installers.persistence.InstallerRecords;
import dev.goldsmith.installers.persistence.RefreshRecords;
import dev.goldsmith.installers.persistence.RefreshRecords.NewRefresh;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.QueryParameters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refreshes of the farm's own reference media. A refresh is recorded with the medium job it queues (in one
 * transaction; one refresh of a medium at a time, across replicas): a worker that builds media re-resolves the
 * recipe against the archive and builds a new medium only if the package set moved. {@link RefreshProcessor}
 * turns the job's end into the refresh's.
 */
@Service
public class InstallerRefreshes {

    /** Why a refresh runs: someone asked ({@code manual}), or {@code goldsmith.refresh.schedule} fired. */
    public enum Trigger {
        MANUAL, SCHEDULE;

        /** As the API shows it. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(InstallerRefreshes.class);
    private static final List<String> ENDED = List.of("UNCHANGED", "REFRESHED", "FAILED");
    private static final Duration POLL = Duration.ofMillis(200);

    private final RefreshRecords refreshes;
    private final InstallerRecords installers;
    private final AuditTrail audit;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final GoldsmithProperties.Refresh settings;

    InstallerRefreshes(RefreshRecords refreshes, InstallerRecords installers, AuditTrail audit,
            ApplicationEventPublisher events, TransactionTemplate transactions, GoldsmithProperties properties) {
        this.refreshes = refreshes;
        this.installers = installers;
        this.audit = audit;
        this.events = events;
        this.transactions = transactions;
        this.settings = properties.refresh();
    }

    /**
     * Refreshes the reference medium {@code name}, or answers the refresh of it already under way. {@code actor}
     * and {@code team} are who asked (the audit log names them).
     */
    public InstallerRefresh request(String name, Trigger trigger, String actor, String team) {
        var descriptor = ReferenceInstallers.descriptor(name).orElseThrow(() -> ApiException.notFound(
                "No farm recipe builds an installer named '" + name + "': the farm refreshes its reference media "
                        + ReferenceInstallers.DESCRIPTORS.stream().map(d -> d.name()).toList() + " only."));
        Optional<Installer> current = installers.find(descriptor.name());
        MediumRef previous = current.map(i -> new MediumRef(i.sha256(), i.darksite())).orElse(null);
        String currentLock = current.flatMap(i -> refreshes.lock(i.sha256())).orElse(null);
        UUID id = UUID.randomUUID();
        UUID job = UUID.randomUUID();
        boolean recorded = Boolean.TRUE.equals(transactions.execute(status -> {
            if (!refreshes.insert(new NewRefresh(id, name, trigger.value(), actor, job, previous))) {
                return false;
            }
            events.publishEvent(new MediumJobRequested(job, id, name, name,
                    previous == null ? null : previous.sha256(), previous == null ? null : previous.darksite(),
                    currentLock, descriptor.distros().getFirst(), descriptor.profiles().getFirst(), formats(name)));
            audit.record(actor, team, "installer.refresh", "installer:" + name, "refresh=" + id + " trigger="
                    + trigger.value());
            return true;
        }));
        if (!recorded) {
            // Another refresh of the medium is under way (perhaps asked for on another replica): that one answers.
            return refreshes.active(name).or(() -> refreshes.list(name, 1).stream().findFirst())
                    .orElseThrow(() -> ApiException.conflict("A refresh of '" + name + "' is under way; ask again."));
        }
        log.info("Refresh {} of {} queued as medium job {} by {} (current medium {}, package lock {})", id, name,
                job, actor, previous == null ? "none" : previous.sha256(), currentLock == null ? "unknown"
                        : "known");
        return refreshes.find(id).orElseThrow();
    }

    /** What a medium job of the recipe stores when it builds: the medium, and a darksite's tar and lock. */
    static List<String> formats(String recipe) {
        return ReferenceInstallers.WITH_DARKSITE.contains(recipe) ? List.of("medium", "darksite", "darksite-lock")
                : List.of("medium");
    }

    /**
     * The refresh once it has ended, or as it is when {@code wait} (bounded by {@code goldsmith.refresh.max-wait})
     * has passed.
     */
    public InstallerRefresh await(InstallerRefresh refresh, Duration wait) throws InterruptedException {
        Duration bounded = wait == null ? settings.defaultWait()
                : wait.compareTo(settings.maxWait()) > 0 ? settings.maxWait() : wait;
        Instant until = Instant.now().plus(bounded);
        InstallerRefresh now = refresh;
        while (!ended(now) && Instant.now().isBefore(until)) {
            Thread.sleep(POLL);
            now = refreshes.find(refresh.id()).orElse(now);
        }
        return now;
    }

    public static boolean ended(InstallerRefresh refresh) {
        return ENDED.contains(refresh.status());
    }

    public InstallerRefresh get(String name, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("id", "must be a UUID");
        }
        return refreshes.find(uuid).filter(r -> r.installer().equals(name))
                .orElseThrow(() -> ApiException.notFound("No refresh " + id + " of installer '" + name + "'."));
    }

    /** The newest refresh that registered a new medium under {@code name}: what channel policies rebuild for. */
    public Optional<InstallerRefresh> latestRefreshed(String name) {
        return refreshes.latestRefreshed(name);
    }

    public List<InstallerRefresh> list(String name, String limit) {
        return refreshes.list(name, QueryParameters.limit(limit));
    }
}
