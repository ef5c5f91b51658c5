package dev.goldsmith.security;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.TokenIssued;
import dev.goldsmith.digests.Sha256;
import dev.goldsmith.security.persistence.TokenEntity;
import dev.goldsmith.security.persistence.TokenRepository;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Issues bearer tokens and resolves them; only a token's SHA-256 is ever stored. */
@Service
public class TokenService {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_CACHED = 10_000;

    private final TokenRepository tokens;
    private final long cacheNanos;
    /** Recently resolved tokens by hash: spares a database round trip on every request of a busy client. */
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Caller caller, long until) {
    }

    public TokenService(TokenRepository tokens, GoldsmithProperties properties) {
        this.tokens = tokens;
        this.cacheNanos = properties.security().tokenCacheTtl().toNanos();
    }

    @Transactional
    public TokenIssued issue(String team, Set<Role> roles, String description) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = "gs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return store(token, team, roles, description);
    }

    /** Stores a token whose value the operator chose (the bootstrap admin token), unless it exists already. */
    @Transactional
    public void ensure(String token, String team, Set<Role> roles, String description) {
        if (tokens.findByTokenHash(hash(token)).isEmpty()) {
            store(token, team, roles, description);
        }
    }

    @Transactional(readOnly = true)
    public boolean anyActiveAdmin() {
        return tokens.anyActiveAdmin();
    }

    /** Resolves a token; a revocation reaches every replica within the token cache TTL. */
    public Optional<Caller> authenticate(String token) {
        String hash = hash(token);
        Cached cached = cache.get(hash);
        long now = System.nanoTime();
        if (cached != null && now - cached.until() < 0) {
            return Optional.of(cached.caller());
        }
        Optional<Caller> caller = tokens.findByTokenHash(hash)
                .filter(t -> !t.isRevoked())
                .map(t -> new Caller(t.getId(), t.getTeam(), parseRoles(t.getRoles()), t.getWorkerId()));
        if (caller.isPresent() && cacheNanos > 0) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(hash, new Cached(caller.get(), now + cacheNanos));
        } else {
            cache.remove(hash);
        }
        return caller;
    }

    /**
     * Revokes a token; this replica stops trusting it at once, the others within the token cache TTL. Revoking a
     * revoked token changes nothing. Answers the token's team, or empty when there is no such token.
     */
    @Transactional
    public Optional<String> revoke(UUID tokenId) {
        Optional<TokenEntity> token = tokens.findById(tokenId);
        token.ifPresent(t -> {
            t.revoke(Instant.now());
            evict(tokenId);
            // A request resolving the token before the commit could have cached it again.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    evict(tokenId);
                }
            });
        });
        return token.map(TokenEntity::getTeam);
    }

    private void evict(UUID tokenId) {
        cache.values().removeIf(cached -> cached.caller().tokenId().equals(tokenId));
    }

    /** Binds a worker token to the worker that registered with it; a bound token keeps its worker. */
    @Transactional
    public UUID bindWorker(UUID tokenId, UUID workerId) {
        TokenEntity token = tokens.findById(tokenId).orElseThrow();
        if (token.getWorkerId() == null) {
            token.bindWorker(workerId);
            evict(tokenId);
        }
        return token.getWorkerId();
    }

    private TokenIssued store(String token, String team, Set<Role> roles, String description) {
        TokenEntity entity = new TokenEntity(UUID.randomUUID(), hash(token), team, formatRoles(roles), description,
                Instant.now());
        tokens.save(entity);
        return new TokenIssued(entity.getId(), token, team, roles.stream().sorted().map(Role::wireName).toList(),
                entity.getCreatedAt());
    }

    static String hash(String token) {
        return Sha256.of(token);
    }

    private static String formatRoles(Set<Role> roles) {
        return roles.stream().sorted().map(Role::wireName).collect(Collectors.joining(","));
    }

    private static Set<Role> parseRoles(String roles) {
        Set<Role> parsed = EnumSet.noneOf(Role.class);
        Arrays.stream(roles.split(",")).filter(s -> !s.isBlank()).map(Role::fromWire).forEach(parsed::add);
        return parsed;
    }
}
