package dev.goldsmith.builds.persistence;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface BuildRepository extends JpaRepository<BuildEntity, UUID> {

    Optional<BuildEntity> findByTeamAndIdempotencyKey(String team, String idempotencyKey);

    Optional<BuildEntity> findFirstByTeamAndFingerprintAndStatusOrderByFinishedAtDesc(String team, String fingerprint,
            String status);

    @Query(value = "select count(*) > 0 from builds where image_name = ?1 and status not in ('FAILED', 'CANCELLED')",
            nativeQuery = true)
    boolean imageNameTaken(String imageName);
}
