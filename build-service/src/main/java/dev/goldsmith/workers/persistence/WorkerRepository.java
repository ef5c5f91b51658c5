package dev.goldsmith.workers.persistence;

import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface WorkerRepository extends JpaRepository<WorkerEntity, UUID> {

    @Modifying
    @Query(value = "update workers set last_seen_at = now() where id = ?1", nativeQuery = true)
    void touch(UUID id);
}
