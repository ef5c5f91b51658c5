package dev.goldsmith.security.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "tokens")
public class TokenEntity {

    @Id
    private UUID id;

    @Column(name = "token_hash", nullable = false, unique = true, length = 64)
    private String tokenHash;

    @Column(nullable = false, length = 64)
    private String team;

    /** Comma-separated wire names of the roles. */
    @Column(nullable = false, length = 200)
    private String roles;

    @Column(length = 200)
    private String description;

    @Column(name = "worker_id")
    private UUID workerId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected TokenEntity() {
    }

    public TokenEntity(UUID id, String tokenHash, String team, String roles, String description, Instant createdAt) {
        this.id = id;
        this.tokenHash = tokenHash;
        this.team = team;
        this.roles = roles;
        this.description = description;
        this.createdAt = createdAt;
    }

    public UUID getId() {
        return id;
    }

    public String getTeam() {
        return team;
    }

    public String getRoles() {
        return roles;
    }

    public UUID getWorkerId() {
        return workerId;
    }

    public void bindWorker(UUID workerId) {
        this.workerId = workerId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public boolean isRevoked() {
        return revokedAt != null;
    }

    public void revoke(Instant at) {
        if (revokedAt == null) {
            revokedAt = at;
        }
    }
}
