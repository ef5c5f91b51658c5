package dev.goldsmith.security.persistence;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface TokenRepository extends JpaRepository<TokenEntity, UUID> {

    Optional<TokenEntity> findByTokenHash(String tokenHash);

    @Query("select count(t) > 0 from TokenEntity t where t.roles like '%admin%' and t.revokedAt is null")
    boolean anyActiveAdmin();
}
