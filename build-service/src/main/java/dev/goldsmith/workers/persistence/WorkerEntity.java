package dev.goldsmith.workers.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "workers")
public class WorkerEntity {

    @Id
    private UUID id;
    @Column(nullable = false, length = 128)
    private String name;
    @Column(nullable = false, length = 32)
    private String arch;
    @Column(nullable = false, length = 8)
    private String accel;
    @Column(name = "qemu_version", length = 128)
    private String qemuVersion;
    @Column(nullable = false)
    private int slots;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private List<String> labels;
    @Column(name = "token_id", nullable = false)
    private UUID tokenId;
    @Column(name = "registered_at", nullable = false)
    private Instant registeredAt;
    @Column(name = "last_seen_at", nullable = false)
    private Instant lastSeenAt;

    protected WorkerEntity() {
    }

    public WorkerEntity(UUID id, UUID tokenId, Instant now) {
        this.id = id;
        this.tokenId = tokenId;
        this.registeredAt = now;
        this.lastSeenAt = now;
    }

    /** A (re-)registration: a restarted agent keeps its identity and updates what it offers. */
    public void describe(String name, String arch, String accel, String qemuVersion, int slots, List<String> labels,
            Instant now) {
        this.name = name;
        this.arch = arch;
        this.accel = accel;
        this.qemuVersion = qemuVersion;
        this.slots = slots;
        this.labels = labels;
        this.registeredAt = now;
        this.lastSeenAt = now;
    }

    public UUID getId() { return id; }
    public String getArch() { return arch; }
    public String getAccel() { return accel; }
    public List<String> getLabels() { return labels; }
}
