package dev.goldsmith.installers;

import dev.goldsmith.digests.Sha256;
import dev.goldsmith.api.DarksiteObject;
import dev.goldsmith.api.DarksiteView;
import dev.goldsmith.artifacts.VerifiedUploads;
import dev.goldsmith.installers.persistence.DarksiteRecords;
import dev.goldsmith.problems.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Darksites, the pinned package sets installer media install from, stored content-addressed: a medium's build
 * writes {@code darksite.digest}, {@code darksite.lock} and {@code darksite-<hex>.tar} beside it; the lock is
 * checked line by line and must hash to the digest, then the lock and the tar go into the bucket as
 * {@code darksites/<hex>.lock} and {@code darksites/<hex>.tar} unless they are there already, and the darksite
 * is recorded. Every medium, build and image naming the same digest shares those two objects.
 */
@Service
public class Darksites {

    static final String DIGEST_FILE = "darksite.digest";
    static final String LOCK_FILE = "darksite.lock";
    private static final Logger log = LoggerFactory.getLogger(Darksites.class);
    /** A lock of 20,000 packages is about 2 MiB. */
    private static final int MAX_LOCK_BYTES = 16 << 20;

    private final DarksiteRecords records;
    private final VerifiedUploads uploads;

    Darksites(DarksiteRecords records, VerifiedUploads uploads) {
        this.records = records;
        this.uploads = uploads;
    }

    public Optional<Darksite> find(String digest) {
        return records.find(digest);
    }

    /** Whether {@code dir} holds a darksite's files (at least its {@code darksite.digest}). */
    static boolean presentIn(Path dir) {
        return Files.exists(dir.resolve(DIGEST_FILE));
    }

    /**
     * Stores and records the darksite whose files are in {@code dir}. Files that do not agree (a lock line that
     * is not a package, a lock that does not hash to {@code darksite.digest}, the tar of that digest missing, a
     * .deb in the tar that is not exactly what the lock pins) are refused with {@link IllegalArgumentException}
     * saying why, before anything is stored.
     */
    Darksite store(Path dir) throws IOException {
        try {
            return storeChecked(dir);
        } catch (IllegalArgumentException refused) {
            log.warn("Darksite in {} refused: {}", dir, refused.getMessage());
            throw refused;
        }
    }

    private Darksite storeChecked(Path dir) throws IOException {
        String digest = declaredDigest(dir.resolve(DIGEST_FILE));
        Path lockFile = dir.resolve(LOCK_FILE);
        Path archiveFile = dir.resolve("darksite-" + digest.substring(DarksiteLock.DIGEST_PREFIX.length()) + ".tar");
        for (Path file : new Path[] {lockFile, archiveFile}) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(DIGEST_FILE + " names " + digest + " but " + file.getFileName()
                        + " is not beside it");
            }
        }
        byte[] lockBytes = readAtMost(lockFile, MAX_LOCK_BYTES);
        DarksiteLock lock;
        try {
            lock = DarksiteLock.parse(lockBytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(LOCK_FILE + " is not a darksite lock: " + e.getMessage(), e);
        }
        if (!lock.digest().equals(digest)) {
            throw new IllegalArgumentException(LOCK_FILE + " does not hash to " + DIGEST_FILE + ": its package lines "
                    + "give " + lock.digest() + ", " + DIGEST_FILE + " says " + digest);
        }
        Optional<Darksite> recorded = records.find(digest);
        // The tar is read only when it is not already stored as recorded, and before anything is stored.
        Optional<DarksiteObject> heldArchive = recorded.map(Darksite::archive).filter(this::held);
        DarksiteObject localArchive = heldArchive.isPresent() ? heldArchive.get()
                : checkedArchive(digest, archiveFile, lock, lockBytes);
        DarksiteObject storedLock = storeObject(Darksite.lockKey(digest), lockFile,
                new DarksiteObject(Darksite.lockKey(digest), Sha256.of(lockBytes), lockBytes.length),
                recorded.map(Darksite::lock));
        DarksiteObject storedArchive = storeObject(Darksite.archiveKey(digest), archiveFile, localArchive,
                recorded.map(Darksite::archive));
        records.save(new Darksite(digest, lock.packages().size(), storedArchive, storedLock, null));
        return records.find(digest).orElseThrow();
    }

    /** Whether the bucket still holds a recorded object (its size vouches for bytes hashed when it was recorded). */
    private boolean held(DarksiteObject recorded) {
        return uploads.compare(recorded.objectKey(), recorded.size(), recorded.sha256(), true)
                == VerifiedUploads.Held.SAME;
    }

    private static DarksiteObject checkedArchive(String digest, Path archiveFile, DarksiteLock lock, byte[] lockBytes)
            throws IOException {
        DarksiteArchive.Checked archive = DarksiteArchive.check(archiveFile, lock, lockBytes);
        return new DarksiteObject(Darksite.archiveKey(digest), archive.sha256(), archive.size());
    }

    /**
     * The object under {@code key}: left as it is when it still holds what the darksite's row says it does (or,
     * for a darksite not yet recorded, exactly the local file's bytes); otherwise the local file, put and checked.
     */
    private DarksiteObject storeObject(String key, Path file, DarksiteObject local, Optional<DarksiteObject> recorded) {
        DarksiteObject expected = recorded.orElse(local);
        if (uploads.compare(key, expected.size(), expected.sha256(), recorded.isPresent())
                == VerifiedUploads.Held.SAME) {
            log.debug("Darksite object {} is in the bucket already", key);
            return expected;
        }
        uploads.putFileVerified(key, file, local.size(), local.sha256());
        log.info("Darksite object {} stored from {} ({} bytes, sha256 {})", key, file, local.size(), local.sha256());
        return local;
    }

    /** What {@code GET /api/v1/darksites/{digest}} answers: the packages are read back from the stored lock. */
    public DarksiteView view(String digest) {
        if (digest == null || !DarksiteLock.DIGEST.matcher(digest).matches()) {
            throw ApiException.invalid("digest", "must be sha256: followed by 64 lowercase hex digits");
        }
        Darksite darksite = records.find(digest)
                .orElseThrow(() -> ApiException.notFound("No darksite " + digest + "."));
        byte[] lock = uploads.read(darksite.lock().objectKey(), MAX_LOCK_BYTES);
        if (!Sha256.of(lock).equals(darksite.lock().sha256())) {
            throw new IllegalStateException(darksite.lock().objectKey() + " no longer holds the lock recorded for "
                    + digest);
        }
        return new DarksiteView(darksite.digest(), DarksiteLock.parse(lock).packages(), darksite.archive(),
                darksite.lock(), darksite.createdAt());
    }

    private static String declaredDigest(Path file) throws IOException {
        String text = new String(readAtMost(file, 1024), StandardCharsets.US_ASCII);
        String digest = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (!DarksiteLock.DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException(DIGEST_FILE + " must hold one line sha256:<64 lowercase hex digits>");
        }
        return digest;
    }

    private static byte[] readAtMost(Path file, int maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IllegalArgumentException(file.getFileName() + " has more than " + maxBytes + " bytes");
            }
            return bytes;
        }
    }
}
