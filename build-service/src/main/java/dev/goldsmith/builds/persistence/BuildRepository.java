package dev.goldsmith.builds.persistence;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface BuildRepository extends JpaRepository<BuildEntity, UUID> {

    Optional<BuildEntity> findByTeamAndIdempotencyKey(String team, String idempotencyKey);

    /** The newest succeeded build of the team with these inputs whose image was not revoked. */
    default Optional<BuildEntity> findReusable(String team, String fingerprint) {
        return findReusableId(team, fingerprint).flatMap(this::findById);
    }

    @Query(value = """
            select b.id from builds b
             where b.team = ?1 and b.fingerprint = ?2 and b.status = 'SUCCEEDED'
               and not exists (select 1 from images i where i.build_id = b.id and i.revoked_at is not null)
             order by b.finished_at desc limit 1
            """, nativeQuery = true)
    Optional<UUID> findReusableId(String team, String fingerprint);

    @Query("select b from BuildEntity b where b.rebuildOf = ?1 and b.triggerRefresh = ?2")
    Optional<BuildEntity> findRebuild(UUID original, UUID refresh);

    /**
     * Whether any build ever had the name, whatever its end: a failed build's objects stay under
     * {@code images/<name>/}, and no later build may write there.
     */
    @Query(value = "select count(*) > 0 from builds where image_name = ?1", nativeQuery = true)
    boolean imageNameTaken(String imageName);
}
